import type { CheckName } from './checks.js';
import { checkClaims, claimProblem, type ClaimCheck, type ClaimPolicy, type Claims } from './claims.js';
import { NOT_LOGGED_COSIGN } from './key.js';
import type { CheckResult, RekorEntry } from './report.js';

/**
 * What cosign's verify commands print, read back: the `verify -o json` signature list, the
 * certificate lines `verify-attestation` writes to stderr, and its error messages turned into
 * one-line reasons. cosign's exit codes are not relied on; its words are.
 *
 * cosign prints only the legacy GitHub extensions (1.1–1.6, as githubWorkflowRef and so on) and,
 * for cosign v3's new-format bundles, no certificate fields at all. What it did not print is
 * established by the flags it was given (identity regexp, issuer, repository, an exact ref, a
 * trigger) and shown as "enforced by cosign"; what no flag covers and nothing printed fails.
 */

const OID_ISSUER = '1.3.6.1.4.1.57264.1.1';
const OID_TRIGGER_LEGACY = '1.3.6.1.4.1.57264.1.2';
const OID_REPOSITORY = '1.3.6.1.4.1.57264.1.5';
const OID_REF_LEGACY = '1.3.6.1.4.1.57264.1.6';
const OID_BUILD_SIGNER_DIGEST = '1.3.6.1.4.1.57264.1.10';
const OID_SOURCE_REF = '1.3.6.1.4.1.57264.1.14';
const OID_TRIGGER = '1.3.6.1.4.1.57264.1.20';

type Outcome = Omit<CheckResult, 'check' | 'subject' | 'platform'>;

/** What cosign was made to enforce beyond the policy's fixed flags, and what was read elsewhere. */
export interface CosignContext {
  /** The exact ref passed as --certificate-github-workflow-ref. */
  pinnedRef?: string;
  /** The workflow commit read from the certificates next to the image, when all of them agree. */
  workflowCommit?: { value: string; note: string };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

export interface CosignSignature extends Claims {
  digest?: string;
  /**
   * `optional` was null: a key-based signature. cosign v3 prints `optional: {}` for the new bundle
   * format (no certificate fields at all); that is not key-based, the identity flags were applied.
   */
  keyBased?: boolean;
  /** critical.type: what was signed (an image signature, or an attestation of some type). */
  type?: string;
  rekor?: RekorEntry;
}

/**
 * The critical.type of an image signature: cosign's legacy simple signing, and cosign v3's
 * bundle predicate. cosign v3's `verify` also lists the attestations a key or identity signed
 * (type https://cosign.sigstore.dev/attestation/v1 and the like); those are not signatures.
 */
export const SIGNATURE_TYPES = ['cosign container image signature', 'https://sigstore.dev/cosign/sign/v1'];

/** cosign prints the raw bytes of a non-legacy extension: a DER UTF8String, tag 0x0c and a length. */
function derString(value: unknown): string | undefined {
  const text = str(value);
  if (text === undefined) return undefined;
  const m = /^\f[\s\S]([\s\S]*)$/.exec(text);
  return m ? m[1] : text;
}

/** The signatures in `cosign verify -o json` output (a JSON array; cosign ≤ 2 printed one per line). */
export function parseVerifyOutput(stdout: string): CosignSignature[] | undefined {
  const items: unknown[] = [];
  let parsedAny = false;
  for (const line of stdout.split(/\r?\n/)) {
    const text = line.trim();
    if (!text.startsWith('[') && !text.startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(text);
      items.push(...(Array.isArray(parsed) ? parsed : [parsed]));
      parsedAny = true;
    } catch {
      return undefined;
    }
  }
  if (!parsedAny) return undefined;
  return items.filter(isRecord).map((item) => {
    // Field names changed case across cosign versions (Critical/critical).
    const critical = (item['critical'] ?? item['Critical']) as Record<string, unknown> | undefined;
    const optional = ('optional' in item ? item['optional'] : item['Optional']) as
      Record<string, unknown> | null | undefined;
    const image = (critical?.['image'] ?? critical?.['Image']) as Record<string, unknown> | undefined;
    const digest = str(image?.['docker-manifest-digest'] ?? image?.['Docker-manifest-digest']);
    const signature: CosignSignature = {};
    if (digest !== undefined) signature.digest = digest.includes(':') ? digest : `sha256:${digest}`;
    const type = str(critical?.['type'] ?? critical?.['Type']);
    if (type !== undefined) signature.type = type;
    if (optional === null) signature.keyBased = true;
    if (isRecord(optional)) {
      const fields: Claims = {
        identity: str(optional['Subject']),
        issuer: str(optional['Issuer']) ?? str(optional[OID_ISSUER]),
        repository: str(optional['githubWorkflowRepository']) ?? str(optional[OID_REPOSITORY]),
        sourceRef:
          derString(optional[OID_SOURCE_REF]) ??
          str(optional['githubWorkflowRef']) ??
          str(optional[OID_REF_LEGACY]),
        trigger:
          derString(optional[OID_TRIGGER]) ??
          str(optional['githubWorkflowTrigger']) ??
          str(optional[OID_TRIGGER_LEGACY]),
        workflowCommit: derString(optional[OID_BUILD_SIGNER_DIGEST]),
      };
      for (const [key, value] of Object.entries(fields) as [keyof Claims, string | undefined][]) {
        if (value !== undefined) signature[key] = value;
      }
      const bundle = optional['Bundle'];
      const payload = isRecord(bundle) && isRecord(bundle['Payload']) ? bundle['Payload'] : undefined;
      if (payload) {
        const rekor: RekorEntry = {};
        const logIndex = num(payload['logIndex']);
        const integratedTime = num(payload['integratedTime']);
        if (logIndex !== undefined) rekor.logIndex = logIndex;
        if (integratedTime !== undefined) rekor.integratedTime = integratedTime;
        signature.rekor = rekor;
      }
    }
    return signature;
  });
}

const ENFORCED = 'enforced by cosign';

/**
 * The claim checks of one cosign-verified signature: a printed value is checked here; a value
 * cosign did not print but was given as a flag passed cosign's own check.
 */
export function cosignClaimChecks(
  policy: ClaimPolicy,
  printed: Claims,
  context: CosignContext = {},
): ClaimCheck[] {
  const filled: Claims = { ...printed };
  const enforced = new Set<string>();
  const fill = (key: keyof Claims, value: string | undefined) => {
    if (filled[key] === undefined && value !== undefined) {
      filled[key] = value;
      enforced.add(key);
    }
  };
  fill('issuer', policy.issuer);
  fill('repository', policy.repository);
  fill('sourceRef', context.pinnedRef);
  fill('trigger', policy.trigger);
  if (filled.workflowCommit === undefined && context.workflowCommit !== undefined) {
    filled.workflowCommit = context.workflowCommit.value;
  }
  const checks = checkClaims(policy, filled);
  const noteOf: Record<string, keyof Claims> = {
    issuer: 'issuer',
    repository: 'repository',
    'source-ref': 'sourceRef',
    trigger: 'trigger',
  };
  return checks.map((check) => {
    if (check.claim === 'identity' && printed.identity === undefined) {
      // cosign matched the SAN against --certificate-identity-regexp but did not print it.
      return { claim: 'identity', wanted: check.wanted, ok: true, note: ENFORCED };
    }
    if (check.claim === 'workflow-commit' && printed.workflowCommit === undefined) {
      return context.workflowCommit === undefined
        ? {
            ...check,
            note: 'cosign neither shows nor checks 1.3.6.1.4.1.57264.1.10 and no certificate was found next to the image; use engine native',
          }
        : { ...check, note: context.workflowCommit.note };
    }
    if (
      check.claim === 'source-ref' &&
      check.seen === undefined &&
      policy.signer === 'workflow' &&
      printed.identity === undefined
    ) {
      // The publisher's own workflow: the SAN cosign matched ends in the publisher's ref.
      return { ...check, ok: true, note: `${ENFORCED} through the SAN` };
    }
    const key = noteOf[check.claim];
    return key !== undefined && enforced.has(key) ? { ...check, note: ENFORCED } : check;
  });
}

/** The fields of a result from a signature's claims and their checks. */
function outcomeOf(claims: Claims, checks: ClaimCheck[], rekor?: RekorEntry): Outcome {
  const out: Outcome = { status: 'failed', claims: checks };
  for (const check of checks) {
    if (check.seen === undefined) continue;
    if (check.claim === 'identity') out.identity = check.seen;
    if (check.claim === 'issuer') out.issuer = check.seen;
    if (check.claim === 'repository') out.repository = check.seen;
    if (check.claim === 'source-ref') out.sourceRef = check.seen;
    if (check.claim === 'trigger') out.trigger = check.seen;
    if (check.claim === 'workflow-commit') out.workflowCommit = check.seen;
  }
  if (claims.identity !== undefined) out.identity = claims.identity;
  if (rekor !== undefined) out.rekor = rekor;
  const problem = claimProblem(checks);
  if (problem === undefined) out.status = 'passed';
  else out.reason = problem;
  return out;
}

/** Judges the claims cosign printed (or was told to enforce) for one signature or attestation. */
export function judgeClaims(
  policy: ClaimPolicy,
  printed: Claims,
  context: CosignContext = {},
  rekor?: RekorEntry,
): Outcome {
  return outcomeOf(printed, cosignClaimChecks(policy, printed, context), rekor);
}

/**
 * Judges `cosign verify -o json` output for one digest: any signature that fits everything passes.
 * Where cosign printed the certificate (cosign ≤ 2, and v3 for legacy signatures) it is checked
 * again here; cosign v3 prints no certificate fields for new-format bundles, and then the flags
 * it was given are what held, with the certificate lines of its stderr (when present) checked.
 */
export function judgeSignatures(
  stdout: string,
  digest: string,
  /** undefined: key-based, cosign checked the signatures against the key and there is no identity. */
  policy: ClaimPolicy | undefined,
  stderr = '',
  context: CosignContext = {},
): Outcome {
  const signatures = parseVerifyOutput(stdout);
  if (signatures === undefined) {
    return { status: 'failed', reason: 'cosign verify printed no signature list that could be parsed' };
  }
  const printed = certificateLines(stderr);
  let first: Outcome | undefined;
  for (const signature of signatures) {
    let outcome: Outcome;
    if (signature.type !== undefined && !SIGNATURE_TYPES.includes(signature.type)) {
      outcome = { status: 'failed', reason: `not an image signature: an attestation (${signature.type})` };
    } else if (signature.digest !== digest) {
      outcome = {
        status: 'failed',
        reason: `subject digest mismatch: the signature is over ${signature.digest ?? 'no digest'}, not ${digest}`,
      };
    } else if (policy === undefined) {
      outcome = signature.rekor ? { status: 'passed', rekor: signature.rekor } : { status: 'passed' };
    } else if (signature.keyBased) {
      outcome = {
        status: 'failed',
        reason: 'the signature carries no certificate identity (key-based or legacy)',
      };
    } else {
      const { digest: _d, keyBased: _k, rekor, ...claims } = signature;
      const merged: Claims = { ...printed, ...claims };
      outcome = judgeClaims(policy, merged, context, rekor);
    }
    if (outcome.status === 'passed') return outcome;
    first ??= outcome;
  }
  return first ?? { status: 'failed', reason: 'no signature found' };
}

/** The certificate lines of cosign's text output (`Certificate subject:`, `GitHub Workflow Ref:` …). */
export function certificateLines(stderr: string): Claims {
  const out: Claims = {};
  const line = (label: string) => new RegExp(`^${label}:\\s+(\\S+)`, 'm').exec(stderr)?.[1];
  const fields: [keyof Claims, string][] = [
    ['identity', 'Certificate subject'],
    ['issuer', 'Certificate issuer URL'],
    ['repository', 'GitHub Workflow Repository'],
    ['sourceRef', 'GitHub Workflow Ref'],
    ['trigger', 'GitHub Workflow Trigger'],
  ];
  for (const [key, label] of fields) {
    const value = line(label);
    if (value) out[key] = value;
  }
  return out;
}

const WHAT: Record<CheckName, string> = {
  signature: 'signature',
  'sbom-spdx': 'SPDX SBOM attestation',
  'sbom-cyclonedx': 'CycloneDX SBOM attestation',
  provenance: 'SLSA provenance',
  vex: 'OpenVEX attestation',
};

export function notFound(check: CheckName): string {
  return check === 'signature' ? 'no signature found' : `no ${WHAT[check]} found`;
}

/**
 * A failed cosign run as a check result. Verification failures (no signature, identity, issuer,
 * repository claim, ref, trigger, bad signature) fail the check; anything else (registry
 * unreachable, refused credentials, a crash) is an error, so the caller cannot mistake it for a
 * verdict.
 */
export function judgeCosignFailure(
  stderr: string,
  check: CheckName,
  /** undefined: key-based verification (cosign was given --key). */
  policy: ClaimPolicy | undefined,
  context: CosignContext = {},
): Outcome {
  const text = stderr.replace(/\r/g, '');
  // Before the "no matching …" wording cosign wraps both in: these are not a missing signature.
  if (/not enough verified log entries from transparency log: 0 < /.test(text)) {
    return { status: 'failed', reason: `the ${WHAT[check]} has ${NOT_LOGGED_COSIGN}` };
  }
  if (
    policy === undefined &&
    /failed to verify signature|accepted signatures do not match threshold|invalid signature/i.test(text)
  ) {
    return {
      status: 'failed',
      reason: `the ${WHAT[check]} does not verify with the key given (signed with another key, or altered)`,
    };
  }
  if (policy === undefined) return cosignFailureReason(text, check);
  const mismatch =
    /none of the expected identities matched what was in the certificate(?:, got subjects \[([^\]]*)\] with issuer (\S+))?/.exec(
      text,
    );
  if (mismatch) {
    const identity = mismatch[1]?.split(/,\s*/)[0];
    const issuer = mismatch[2];
    const out: Outcome = { status: 'failed' };
    if (identity) out.identity = identity;
    if (issuer) out.issuer = issuer;
    if (issuer !== undefined && issuer !== policy.issuer) {
      out.reason = `issuer mismatch: saw ${issuer}, wanted ${policy.issuer}`;
    } else {
      out.reason = `identity mismatch: saw ${identity ?? 'an identity cosign did not print'}, wanted pattern ${policy.identityRegexp}`;
    }
    return out;
  }
  const v3 = identityMismatchV3(text);
  if (v3 !== undefined) return v3;
  if (/expected GitHub Workflow Repository not found/i.test(text)) {
    return { status: 'failed', reason: `repository claim mismatch: wanted ${policy.repository}` };
  }
  if (/expected GitHub Workflow Ref not found/i.test(text)) {
    const wanted = context.pinnedRef ?? policy.sourceRef ?? policy.sourceRefPattern;
    return { status: 'failed', reason: `source ref mismatch: the certificate does not name ${wanted}` };
  }
  if (/expected GitHub Workflow Trigger not found/i.test(text)) {
    return {
      status: 'failed',
      reason: `trigger mismatch: the certificate does not name ${policy.trigger ?? 'the trigger asked for'}`,
    };
  }
  return cosignFailureReason(text, check);
}

/**
 * cosign v3 checks the identity of a new-format bundle with sigstore-go, which names the first
 * value that differs, what it wanted and what the certificate holds: `failed to verify
 * certificate identity: no matching CertificateIdentity found, last error: expected
 * GithubWorkflowRepository to be "X", got "Y"` (and `expected issuer value "X", got "Y"`,
 * `expected SAN value to match regex "X", got "Y"`).
 */
const V3_EXTENSION =
  /no matching CertificateIdentity found, last error: expected (\w+) to be "(.*?)", got "(.*)"\s*$/m;
const V3_VALUE =
  /no matching CertificateIdentity found, last error: expected (SAN|issuer) value (to match regex )?"(.*?)", got "(.*)"\s*$/m;

/** sigstore-go's names of the certificate extensions cosign's flags set, as our claims. */
const V3_CLAIMS: Record<string, ClaimCheck['claim']> = {
  GithubWorkflowRepository: 'repository',
  GithubWorkflowRef: 'source-ref',
  GithubWorkflowTrigger: 'trigger',
  BuildSignerDigest: 'workflow-commit',
};

function identityMismatchV3(text: string): Outcome | undefined {
  const value = V3_VALUE.exec(text);
  if (value) {
    const [, object, regex, wanted = '', seen = ''] = value;
    if (object === 'issuer') {
      const check: ClaimCheck = { claim: 'issuer', wanted, seen, ok: false };
      return { status: 'failed', issuer: seen, claims: [check], reason: claimProblem([check]) };
    }
    const check: ClaimCheck = { claim: 'identity', wanted, seen, ok: false };
    return {
      status: 'failed',
      identity: seen,
      claims: [check],
      reason: regex ? claimProblem([check]) : `identity mismatch: saw ${seen}, wanted ${wanted}`,
    };
  }
  const extension = V3_EXTENSION.exec(text);
  if (!extension) return undefined;
  const [, field = '', wanted = '', seen = ''] = extension;
  const claim = V3_CLAIMS[field];
  if (claim === undefined) {
    return { status: 'failed', reason: `certificate claim mismatch: ${field} is ${seen}, wanted ${wanted}` };
  }
  const check: ClaimCheck = { claim, wanted, seen, ok: false };
  const out: Outcome = { status: 'failed', claims: [check], reason: claimProblem([check]) };
  if (claim === 'repository') out.repository = seen;
  if (claim === 'source-ref') out.sourceRef = seen;
  if (claim === 'trigger') out.trigger = seen;
  if (claim === 'workflow-commit') out.workflowCommit = seen;
  return out;
}

/** What no identity flag explains: nothing found, a rejected signature, or cosign could not run. */
function cosignFailureReason(text: string, check: CheckName): Outcome {
  if (
    /no signatures found|no matching signatures|no matching attestations|none of the attestations matched the predicate type|no attestations found/i.test(
      text,
    )
  ) {
    return { status: 'failed', reason: notFound(check) };
  }
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^error/i.test(l))
      .pop() ??
    text.trim().split('\n').pop() ??
    '';
  const detail = line
    .replace(/^error:\s*/i, '')
    // cosign ≤ 2 prefixed the repeat with main.go:<line>:, cosign v3 does not.
    .replace(/^(?:main\.go:\d+: )?error during command execution:\s*/i, '');
  if (
    /signature|certificate|tlog|transparency|bundle|verif|chain|SCT/i.test(detail) &&
    !/connection|dial tcp|timeout|no such host|UNAUTHORIZED|DENIED/i.test(detail)
  ) {
    return { status: 'failed', reason: `cosign rejected the ${WHAT[check]}: ${detail}` };
  }
  return {
    status: 'error',
    reason: `cosign could not check the ${WHAT[check]}: ${detail || 'no error message'}`,
  };
}

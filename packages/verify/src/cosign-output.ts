import type { CheckName } from './checks.js';
import { identityMatches, type IdentityPolicy } from './identity.js';
import type { CheckResult, RekorEntry } from './report.js';

/**
 * What cosign's verify commands print, read back: the `verify -o json` signature list, the
 * certificate lines `verify-attestation` writes to stderr, and its error messages turned into
 * one-line reasons. cosign's exit codes are not relied on; its words are.
 */

const OID_ISSUER = '1.3.6.1.4.1.57264.1.1';
const OID_REPOSITORY = '1.3.6.1.4.1.57264.1.5';

type Outcome = Pick<CheckResult, 'status' | 'identity' | 'issuer' | 'repository' | 'rekor' | 'reason'>;

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

export interface CosignSignature {
  digest?: string;
  /**
   * `optional` was null: a key-based signature. cosign v3 prints `optional: {}` for the new bundle
   * format (no certificate fields at all); that is not key-based, the identity flags were applied.
   */
  keyBased?: boolean;
  identity?: string;
  issuer?: string;
  repository?: string;
  rekor?: RekorEntry;
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
    if (optional === null) signature.keyBased = true;
    if (isRecord(optional)) {
      const identity = str(optional['Subject']);
      const issuer = str(optional['Issuer']) ?? str(optional[OID_ISSUER]);
      const repository = str(optional['githubWorkflowRepository']) ?? str(optional[OID_REPOSITORY]);
      if (identity) signature.identity = identity;
      if (issuer) signature.issuer = issuer;
      if (repository) signature.repository = repository;
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

/** Why one certificate does not satisfy the policy, or undefined when it does. */
export function policyProblem(
  policy: Pick<IdentityPolicy, 'identityRegexp' | 'issuer' | 'repository'>,
  seen: { identity?: string; issuer?: string; repository?: string },
): string | undefined {
  if (seen.identity === undefined)
    return 'the signature carries no certificate identity (key-based or legacy)';
  if (seen.issuer !== policy.issuer) {
    return `issuer mismatch: saw ${seen.issuer ?? 'none'}, wanted ${policy.issuer}`;
  }
  if (!identityMatches(policy as IdentityPolicy, seen.identity)) {
    return `identity mismatch: saw ${seen.identity}, wanted pattern ${policy.identityRegexp}`;
  }
  if (seen.repository !== policy.repository) {
    return `repository claim mismatch: saw ${seen.repository ?? 'none'}, wanted ${policy.repository}`;
  }
  return undefined;
}

/**
 * Judges `cosign verify -o json` output for one digest: any signature that fits everything passes.
 * Where cosign printed the certificate (cosign ≤ 2, and v3 for legacy signatures) it is checked
 * again here; cosign v3 prints no certificate fields for new-format bundles, and then the identity,
 * issuer and repository flags it was given are what held, with the certificate lines of its
 * stderr (when present) reported and checked.
 */
export function judgeSignatures(
  stdout: string,
  digest: string,
  policy: Pick<IdentityPolicy, 'identityRegexp' | 'issuer' | 'repository'>,
  stderr = '',
): Outcome {
  const signatures = parseVerifyOutput(stdout);
  if (signatures === undefined) {
    return { status: 'failed', reason: 'cosign verify printed no signature list that could be parsed' };
  }
  const printed = certificateLines(stderr);
  let first: Outcome | undefined;
  for (const signature of signatures) {
    const fromOutput = signature.identity !== undefined || signature.issuer !== undefined;
    const seen = {
      identity: signature.identity ?? printed.identity,
      issuer: signature.issuer ?? printed.issuer,
      repository: signature.repository,
      rekor: signature.rekor,
    };
    let problem: string | undefined;
    if (signature.digest !== digest) {
      problem = `subject digest mismatch: the signature is over ${signature.digest ?? 'no digest'}, not ${digest}`;
    } else if (signature.keyBased) {
      problem = 'the signature carries no certificate identity (key-based or legacy)';
    } else if (fromOutput) {
      problem = policyProblem(policy, signature);
    } else if (seen.identity !== undefined) {
      // Only what cosign printed is compared; the flags it was given covered the rest.
      problem = policyProblem(policy, {
        identity: seen.identity,
        issuer: seen.issuer ?? policy.issuer,
        repository: policy.repository,
      });
    }
    if (problem === undefined) return { status: 'passed', ...seen };
    first ??= { status: 'failed', ...seen, reason: problem };
  }
  return first ?? { status: 'failed', reason: 'no signature found' };
}

/** `Certificate subject:` and `Certificate issuer URL:` lines of cosign's stderr. */
export function certificateLines(stderr: string): { identity?: string; issuer?: string } {
  const out: { identity?: string; issuer?: string } = {};
  const subject = /^Certificate subject:\s+(\S+)/m.exec(stderr)?.[1];
  const issuer = /^Certificate issuer URL:\s+(\S+)/m.exec(stderr)?.[1];
  if (subject) out.identity = subject;
  if (issuer) out.issuer = issuer;
  return out;
}

const WHAT: Record<CheckName, string> = {
  signature: 'signature',
  'sbom-spdx': 'SPDX SBOM attestation',
  'sbom-cyclonedx': 'CycloneDX SBOM attestation',
  provenance: 'SLSA provenance',
};

export function notFound(check: CheckName): string {
  return check === 'signature' ? 'no signature found' : `no ${WHAT[check]} found`;
}

/**
 * A failed cosign run as a check result. Verification failures (no signature, identity, issuer,
 * repository claim, bad signature) fail the check; anything else (registry unreachable, refused
 * credentials, a crash) is an error, so the caller cannot mistake it for a verdict.
 */
export function judgeCosignFailure(
  stderr: string,
  check: CheckName,
  policy: Pick<IdentityPolicy, 'identityRegexp' | 'issuer' | 'repository'>,
): Outcome {
  const text = stderr.replace(/\r/g, '');
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
  if (/expected GitHub Workflow Repository not found|GitHub Workflow Repository/i.test(text)) {
    return { status: 'failed', reason: `repository claim mismatch: wanted ${policy.repository}` };
  }
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
    .replace(/^main\.go:\d+: error during command execution:\s*/i, '');
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

import { InputError, readInputFile } from '@release-actions/core';
import { ensureTool } from '@release-actions/tools';
import { existsSync } from 'node:fs';
import { checkClaims, claimProblem, type ClaimPolicy, type Claims } from './claims.js';
import { cosignVerifyBlobArgs, fileCommands, slsaVerifierArtifactArgs } from './commands.js';
import { judgeCosignFailure, type CosignContext } from './cosign-output.js';
import {
  BLOB_BUNDLE_FILE,
  CHECKSUMS_FILE,
  checkFileTarget,
  listedDigest,
  listedName,
  RELEASE_FILE,
  type CheckedFileTarget,
  type FileTarget,
} from './file-target.js';
import { refMatches, type IdentityPolicy } from './identity.js';
import { readPublicKey } from './key.js';
import { verdictOf, type CheckResult, type FileFacts, type VerifyReport } from './report.js';
import { checkPolicyRequest, type RequestOptions } from './request.js';
import { checkVerifyFiles } from './input-files.js';
import { judgeSlsaVerifier } from './slsa.js';
import { runVerifier } from './run-verifier.js';
import type { VerifyOptions } from './verify.js';

/**
 * `verify` for a release file instead of an image: the same identity policy and claims, with the
 * file's bundle (or a signed checksums file listing it) and the generic generator's provenance.
 */

type Outcome = Omit<CheckResult, 'check' | 'subject' | 'platform'>;

export interface FileVerifyOptions extends Omit<VerifyOptions, 'client' | 'image' | 'dockerConfigDirectory'> {
  file: FileTarget;
}

/** Every input of a file's verification checked before any tool runs: the policy, the files, the checks. */
export function checkFileRequest(options: Omit<RequestOptions, 'image'> & { file: FileTarget }) {
  if ((options.source ?? 'registry') !== 'registry') {
    throw new InputError("a file's bundle is read from its path; source applies to images only.", {
      input: 'source',
    });
  }
  const checked = checkPolicyRequest(options);
  const target = checkFileTarget(options.file, options.checks);
  checkVerifyFiles(options);
  return { ...checked, target };
}

/** The missing-bundle reason: the path looked at, and how to name another. */
function noBundle(target: CheckedFileTarget): string {
  return target.bundleGiven
    ? `no bundle at ${target.bundle}`
    : `no bundle at ${target.bundle} (cosign sign-blob --bundle writes it beside ${target.signed}; name another with bundle)`;
}

/** What the bundle's certificate says, read without trusting it: which exact ref cosign should enforce. */
async function bundleClaims(bundle: string): Promise<Claims> {
  let json: unknown;
  try {
    json = JSON.parse(readInputFile(bundle, BLOB_BUNDLE_FILE));
  } catch {
    return {};
  }
  return (await import('./native.js')).unverifiedBundleClaims(json);
}

/**
 * cosign verify-blob of the signed file. cosign matches the publisher's ref only exactly, so the
 * ref the bundle's certificate names is handed to it when it matches the pattern (cosign then
 * enforces it); after cosign accepted the bundle, its certificate's claims are the ones judged,
 * so the workflow commit, which cosign has no flag for, is checked too.
 */
async function cosignBlob(
  target: CheckedFileTarget,
  policy: IdentityPolicy,
  options: FileVerifyOptions,
): Promise<Outcome> {
  const keyed = options.key !== undefined;
  const claims = keyed ? {} : await bundleClaims(target.bundle);
  const context: CosignContext = {};
  if (!keyed && policy.sourceRef === undefined && policy.signer === 'reusable-workflow') {
    if (claims.sourceRef !== undefined && refMatches(policy.sourceRefPattern, claims.sourceRef)) {
      context.pinnedRef = claims.sourceRef;
    } else {
      const checks = checkClaims(policy, claims);
      const out: Outcome = {
        status: 'failed',
        claims: checks,
        reason: claimProblem(checks) ?? 'source ref not shown',
      };
      if (claims.identity) out.identity = claims.identity;
      if (claims.repository) out.repository = claims.repository;
      if (claims.sourceRef) out.sourceRef = claims.sourceRef;
      return out;
    }
  }
  const args = cosignVerifyBlobArgs(
    target.signed,
    target.bundle,
    keyed
      ? {
          policy,
          trustedRoot: options.trustedRoot,
          key: options.key,
          transparencyLog: options.transparencyLog ?? 'required',
        }
      : { policy, trustedRoot: options.trustedRoot, pinnedRef: context.pinnedRef },
  );
  const result = await runVerifier('cosign', args, options);
  if (!('exitCode' in result)) return result;
  const verified = result.exitCode === 0 && /Verified OK/.test(`${result.stderr}\n${result.stdout}`);
  if (!verified) {
    if (result.exitCode === 0) {
      return { status: 'error', reason: 'cosign verify-blob exited 0 without "Verified OK"' };
    }
    return judgeCosignFailure(result.stderr, 'signature', keyed ? undefined : policy, context);
  }
  if (keyed) return { status: 'passed' };
  const { withClaims } = await import('./native.js');
  const judged = withClaims({ status: 'failed' }, claims, policy);
  const problem = claimProblem(judged.claims ?? []);
  return problem === undefined ? { ...judged, status: 'passed' } : { ...judged, reason: problem };
}

interface SignatureOutcome {
  outcome: Outcome;
  /** SHA-256 of the release file, hex. */
  sha256: string;
}

async function signatureCheck(
  target: CheckedFileTarget,
  policy: IdentityPolicy,
  options: FileVerifyOptions,
  verifier: Awaited<ReturnType<(typeof import('./native.js'))['loadVerifier']>> | undefined,
): Promise<SignatureOutcome> {
  const { streamFile, verifyBlob } = await import('./blob-native.js');
  const fileHash = () => streamFile(target.file, RELEASE_FILE).sha256;
  if (!existsSync(target.bundle)) {
    return { outcome: { status: 'failed', reason: noBundle(target) }, sha256: fileHash() };
  }
  let outcome: Outcome;
  let signedHash: string | undefined;
  const limits = target.checksums === undefined ? RELEASE_FILE : CHECKSUMS_FILE;
  if (verifier !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(readInputFile(target.bundle, BLOB_BUNDLE_FILE));
    } catch (error) {
      return {
        outcome: {
          status: 'failed',
          reason: `bundle ${target.bundle} is not JSON: ${(error as Error).message}`,
        },
        sha256: fileHash(),
      };
    }
    const publicKey = options.key === undefined ? undefined : readPublicKey(options.key);
    const mode = { key: publicKey !== undefined, transparencyLog: options.transparencyLog ?? 'required' };
    const verified = verifyBlob(
      json,
      target.bundle,
      target.signed,
      limits,
      verifier,
      policy,
      mode,
      publicKey,
    );
    outcome = verified.outcome;
    signedHash = verified.sha256;
  } else {
    outcome = await cosignBlob(target, policy, options);
  }
  if (target.checksums === undefined) return { outcome, sha256: signedHash ?? fileHash() };
  const sha256 = fileHash();
  if (outcome.status !== 'passed') return { outcome, sha256 };
  const name = listedName(target.file);
  const listed = listedDigest(readInputFile(target.checksums, CHECKSUMS_FILE), name);
  if (listed.hex === undefined) {
    return {
      outcome: { ...outcome, status: 'failed', reason: `${target.checksums} ${listed.problem}` },
      sha256,
    };
  }
  if (listed.hex !== sha256) {
    return {
      outcome: {
        ...outcome,
        status: 'failed',
        reason: `${target.checksums} lists ${name} with sha256 ${listed.hex}; ${target.file} is ${sha256} (altered, or another file)`,
      },
      sha256,
    };
  }
  return { outcome, sha256 };
}

async function provenanceCheck(
  target: CheckedFileTarget,
  repository: string,
  sourceTag: string | undefined,
  options: FileVerifyOptions,
): Promise<Outcome> {
  const result = await runVerifier(
    'slsa-verifier',
    slsaVerifierArtifactArgs(target.file, target.provenancePath as string, repository, sourceTag),
    options,
  );
  if (!('exitCode' in result)) return result;
  return judgeSlsaVerifier(result.exitCode, result.stdout, result.stderr);
}

/** Runs the file's checks (signature, provenance) and returns the report, shaped as an image's. */
export async function verifyFile(options: FileVerifyOptions): Promise<VerifyReport> {
  const { policy, sourceTag, transparencyLog, target } = checkFileRequest(options);
  if (policy.warning) options.logger.warning(policy.warning);
  const wantsSignature = target.checks.includes('signature');
  if (options.engine === 'cosign' && wantsSignature && existsSync(target.bundle)) {
    await ensureTool('cosign', { ...options.install, logger: options.logger });
  }
  if (target.checks.includes('provenance')) {
    await ensureTool('slsa-verifier', { ...options.install, logger: options.logger });
  }
  let verifier;
  if (options.engine === 'native' && wantsSignature) {
    const native = await import('./native.js');
    const publicKey = options.key === undefined ? undefined : readPublicKey(options.key);
    verifier = await native.loadVerifier({ ...options, publicKey, transparencyLog });
  }

  const results: CheckResult[] = [];
  let sha256: string | undefined;
  const subject = () => `${listedName(target.file)}@sha256:${sha256 ?? ''}`;
  const push = (check: CheckResult['check'], outcome: Outcome) => {
    const result: CheckResult = { check, subject: subject(), ...outcome };
    results.push(result);
    const line = `${result.status === 'passed' ? 'passed' : result.status.toUpperCase()}: ${check} of ${target.file}${result.reason ? ` — ${result.reason}` : ''}`;
    if (result.status === 'passed') options.logger.info(line);
    else options.logger.warning(line);
  };
  if (wantsSignature) {
    options.logger.info(
      `verify: signature of ${target.file}${target.checksums ? ` through ${target.checksums}` : ''} with ${verifier ? 'sigstore-js' : 'cosign'} (bundle ${target.bundle})`,
    );
    const signature = await signatureCheck(target, policy, { ...options, transparencyLog }, verifier);
    sha256 = signature.sha256;
    push('signature', signature.outcome);
  } else {
    const { streamFile } = await import('./blob-native.js');
    sha256 = streamFile(target.file, RELEASE_FILE).sha256;
  }
  if (target.checks.includes('provenance')) {
    options.logger.info(`verify: provenance of ${target.file} with slsa-verifier`);
    push('provenance', await provenanceCheck(target, policy.repository, sourceTag, options));
  }

  const file: FileFacts = { path: target.file, sha256: sha256 ?? '', bundle: target.bundle };
  if (target.checksums) file.checksums = target.checksums;
  if (target.provenancePath) file.provenancePath = target.provenancePath;
  const report: VerifyReport = {
    image: target.file,
    file,
    reference: target.file,
    digest: `sha256:${file.sha256}`,
    engine: options.engine,
    policy: reportPolicy(policy),
    checks: [...target.checks],
    results,
    commands: fileCommands(subjectOf(target), target.checks, {
      policy,
      trustedRoot: options.trustedRoot,
      sourceTag,
      ...(options.key === undefined ? {} : { key: options.key, transparencyLog }),
    }),
    verdict: verdictOf(results),
  };
  if (options.key !== undefined) {
    report.policy.key = options.key;
    report.policy.transparencyLog = transparencyLog;
  }
  if (policy.warning) report.warning = policy.warning;
  return report;
}

export function subjectOf(target: CheckedFileTarget) {
  const subject: { file: string; bundle: string; checksums?: string; provenancePath?: string } = {
    file: target.file,
    bundle: target.bundle,
  };
  if (target.checksums) subject.checksums = target.checksums;
  if (target.provenancePath) subject.provenancePath = target.provenancePath;
  return subject;
}

function reportPolicy(policy: IdentityPolicy): VerifyReport['policy'] {
  const out: VerifyReport['policy'] & ClaimPolicy = {
    signer: policy.signer,
    identityRegexp: policy.identityRegexp,
    issuer: policy.issuer,
    repository: policy.repository,
    sourceRefPattern: policy.sourceRefPattern,
    description: policy.description,
  };
  if (policy.sourceRef !== undefined) out.sourceRef = policy.sourceRef;
  if (policy.trigger !== undefined) out.trigger = policy.trigger;
  if (policy.workflowCommit !== undefined) out.workflowCommit = policy.workflowCommit;
  return out;
}

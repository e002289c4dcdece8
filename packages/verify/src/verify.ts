import type { Logger } from '@release-actions/core';
import { subjectsOf } from '@release-actions/cosign';
import type { RegistryClient } from '@release-actions/oci';
import { ensureTool, type EnsureOptions } from '@release-actions/tools';
import { judgeAttestations } from './attestation.js';
import type { CheckName } from './checks.js';
import { checkClaims, claimProblem, type Claims } from './claims.js';
import {
  checksFor,
  cosignVerifyArgs,
  cosignVerifyAttestationArgs,
  equivalentCommands,
  slsaVerifierArgs,
} from './commands.js';
import { judgeCosignFailure, judgeSignatures, type CosignContext } from './cosign-output.js';
import { refMatches, type IdentityPolicy } from './identity.js';
import { readPublicKey } from './key.js';
import { verdictOf, type CheckResult, type Engine, type VerifyReport } from './report.js';
import { checkRequest, type RequestOptions } from './request.js';
import { judgeSlsaVerifier } from './slsa.js';
import { sourcesOf, type SourceName } from './bundle-source.js';
import { runVerifier } from './run-verifier.js';

export interface VerifyOptions extends RequestOptions {
  engine: Engine;
  /** TrustedRoot JSON file (both engines; cosign gets --trusted-root). */
  trustedRoot?: string;
  client: RegistryClient;
  /** Private Docker config directory for cosign and slsa-verifier (registry credentials). */
  dockerConfigDirectory?: string;
  secrets?: readonly string[];
  tufCachePath?: string;
  logger: Logger;
  /** One tool run; default 5 minutes. */
  timeoutMs?: number;
  /** Where a tool missing from PATH is installed from (mirror, tool cache). */
  install?: Pick<EnsureOptions, 'mirror' | 'toolCache' | 'retry'>;
}

interface Target {
  reference: string;
  digest: string;
  platform?: string;
  top: boolean;
  /** An image index: signed, but its SBOMs are on the platform digests. */
  index: boolean;
}

type Outcome = Omit<CheckResult, 'check' | 'subject' | 'platform'>;
type FoundBundles = Awaited<ReturnType<(typeof import('./native.js'))['findBundles']>>;

function runTool(tool: string, args: string[], options: VerifyOptions): ReturnType<typeof runVerifier> {
  const env: Record<string, string> = {};
  if (options.dockerConfigDirectory !== undefined) env['DOCKER_CONFIG'] = options.dockerConfigDirectory;
  return runVerifier(tool, args, { ...options, env });
}

/**
 * One cosign verify / verify-attestation for one check. With a key, cosign checks each signature
 * against it (no identity flags, which cosign refuses beside --key) and the output is judged for
 * the digest and the statement only; keyless, for the identity policy too.
 */
async function runCosign(
  check: Exclude<CheckName, 'provenance'>,
  target: Target,
  policy: IdentityPolicy,
  options: VerifyOptions,
  context: CosignContext = {},
): Promise<Outcome> {
  const keyed = options.key !== undefined;
  const commandPolicy = keyed
    ? {
        policy,
        trustedRoot: options.trustedRoot,
        key: options.key,
        transparencyLog: options.transparencyLog ?? 'required',
      }
    : { policy, trustedRoot: options.trustedRoot, pinnedRef: context.pinnedRef };
  const args =
    check === 'signature'
      ? cosignVerifyArgs(target.reference, commandPolicy)
      : cosignVerifyAttestationArgs(target.reference, check, commandPolicy);
  const result = await runTool('cosign', args, options);
  if (!('exitCode' in result)) return result;
  const judged = keyed ? undefined : policy;
  if (result.exitCode !== 0) return judgeCosignFailure(result.stderr, check, judged, context);
  return check === 'signature'
    ? judgeSignatures(result.stdout, target.digest, judged, result.stderr, context)
    : judgeAttestations(result.stdout, result.stderr, target.digest, check, judged, context);
}

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/**
 * The cosign engine. cosign matches the publisher's ref only exactly, and prints no certificate
 * fields for cosign v3 bundles; so unless the consumer gave the exact ref, the refs named by the
 * certificates next to the image are read (not trusted: cosign still verifies), those matching
 * the pattern are handed to cosign one at a time as --certificate-github-workflow-ref, and cosign
 * enforces the one it accepts. Where no certificate is found (cosign's older signature format),
 * the ref cosign prints is checked, and a ref that is neither printed nor enforced fails.
 */
async function cosignCheck(
  check: Exclude<CheckName, 'provenance'>,
  target: Target,
  policy: IdentityPolicy,
  options: VerifyOptions,
  discover: () => Promise<Claims[]>,
): Promise<Outcome> {
  const needRef = policy.sourceRef === undefined && policy.signer === 'reusable-workflow';
  let known: Claims[] = [];
  if (needRef || policy.workflowCommit !== undefined) {
    // Only certificates of the right signer and repository can tell which ref to pin.
    known = (await discover()).filter((claims) =>
      checkClaims(policy, claims)
        .filter((c) => c.claim !== 'source-ref' && c.claim !== 'workflow-commit')
        .every((c) => c.ok),
    );
  }
  let pins: (string | undefined)[] = [policy.sourceRef];
  if (needRef) {
    const refs = unique(known.map((c) => c.sourceRef).filter((r): r is string => r !== undefined));
    if (refs.length > 0) {
      const matching = refs.filter((ref) => refMatches(policy.sourceRefPattern, ref));
      if (matching.length === 0) {
        const claims = known.find((c) => c.sourceRef === refs[0]) ?? {};
        const checks = checkClaims(policy, claims);
        const out: Outcome = { status: 'failed', claims: checks, reason: claimProblem(checks) };
        if (claims.identity) out.identity = claims.identity;
        if (claims.repository) out.repository = claims.repository;
        if (claims.sourceRef) out.sourceRef = claims.sourceRef;
        return out;
      }
      pins = matching;
    }
  }
  let first: Outcome | undefined;
  for (const pin of pins) {
    const context: CosignContext = {};
    if (pin !== undefined) context.pinnedRef = pin;
    if (policy.workflowCommit !== undefined) {
      const commits = unique(
        known.filter((c) => pin === undefined || c.sourceRef === pin).map((c) => c.workflowCommit ?? ''),
      );
      if (commits.length === 1 && commits[0] !== '') {
        context.workflowCommit = {
          value: commits[0] as string,
          note: 'read from the certificate next to the image',
        };
      } else if (commits.length > 1) {
        context.workflowCommit = {
          value: commits.find((c) => c !== policy.workflowCommit) || '(none)',
          note: 'the certificates next to the image name different commits',
        };
      }
    }
    const outcome = await runCosign(check, target, policy, options, context);
    if (outcome.status === 'passed') return outcome;
    first ??= outcome;
  }
  return first as Outcome;
}

async function provenanceCheck(target: Target, repository: string, options: VerifyOptions): Promise<Outcome> {
  const result = await runTool(
    'slsa-verifier',
    slsaVerifierArgs(target.reference, repository, options.sourceTag),
    options,
  );
  if (!('exitCode' in result)) return result;
  return judgeSlsaVerifier(result.exitCode, result.stdout, result.stderr);
}

function describePlatform(platform: { os: string; architecture: string; variant?: string }): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * Runs every requested check on the image's digest (and, for an index, on each platform
 * digest; provenance is of the digest given) and returns the report. Throws only for errors that
 * stop everything (bad input, registry unreachable, a tool missing); a check that cannot run is
 * an `error` result, a check that runs and does not hold is `failed`.
 */
export async function verifyRelease(options: VerifyOptions): Promise<VerifyReport> {
  const { policy, reference, sourceTag, transparencyLog } = checkRequest(options);
  const publicKey = options.key === undefined ? undefined : readPublicKey(options.key);
  if (policy.warning) options.logger.warning(policy.warning);

  const resolved = await options.client.resolve(reference);
  if (reference.digest === undefined) {
    options.logger.info(`Every check uses ${resolved.reference} (resolved once from ${options.image}).`);
  }
  const isIndex = (resolved.platforms?.length ?? 0) > 0;
  const targets: Target[] = subjectsOf(resolved).map((s, i) => {
    const target: Target = {
      reference: s.reference,
      digest: s.digest,
      top: i === 0,
      index: i === 0 && isIndex,
    };
    if (s.platform) target.platform = describePlatform(s.platform);
    return target;
  });

  const needsCosign = options.engine === 'cosign' && options.checks.some((c) => c !== 'provenance');
  if (needsCosign) await ensureTool('cosign', { ...options.install, logger: options.logger });
  if (options.checks.includes('provenance')) {
    await ensureTool('slsa-verifier', { ...options.install, logger: options.logger });
  }

  let native: typeof import('./native.js') | undefined;
  let verifier: Awaited<ReturnType<(typeof import('./native.js'))['loadVerifier']>> | undefined;
  if (options.engine === 'native' && options.checks.some((c) => c !== 'provenance')) {
    // @sigstore/* are loaded only here: the cosign engine and the action's start stay light.
    native = await import('./native.js');
    verifier = await native.loadVerifier({ ...options, publicKey, transparencyLog });
  }
  const mode = { key: publicKey !== undefined, transparencyLog };

  const choice = options.source ?? 'registry';
  const sources = sourcesOf(choice);
  const store = options.bundleSource;
  if (choice !== 'registry' && store !== undefined) {
    options.logger.info(
      `Bundles are read from ${choice === 'both' ? `the registry and ${store.description}; every check must pass from each` : store.description}. Provenance is always read from the registry.`,
    );
  }

  const results: CheckResult[] = [];
  for (const target of targets) {
    const bundlesFrom: Partial<Record<SourceName, FoundBundles>> = {};
    if (native !== undefined) {
      for (const source of sources) {
        bundlesFrom[source] =
          source === 'registry'
            ? await native.findBundles(target.reference, {
                client: options.client,
                trustedRoot: options.trustedRoot,
                logger: options.logger,
              })
            : await native.bundlesFromSource(store as NonNullable<typeof store>, target.digest);
      }
    }
    let found: FoundBundles | undefined;
    const discover = (check: Exclude<CheckName, 'provenance'>) => async (): Promise<Claims[]> => {
      const reader = await import('./native.js');
      try {
        found ??= await reader.findBundles(target.reference, {
          client: options.client,
          trustedRoot: options.trustedRoot,
          logger: options.logger,
        });
      } catch (error) {
        options.logger.warning(
          `Could not read the certificates next to ${target.reference} (${(error as Error).message}); only what cosign prints can show the source ref.`,
        );
        found = [];
      }
      return reader.unverifiedClaims(found, check);
    };
    for (const check of checksFor(target, options.checks)) {
      // Provenance is slsa-verifier's, from the registry; each bundle check runs once per source.
      const runs: SourceName[] = check === 'provenance' || native === undefined ? ['registry'] : sources;
      for (const source of runs) {
        const from = source === 'github' && store !== undefined ? ` from ${store.description}` : '';
        options.logger.info(
          `verify: ${check} of ${target.reference}${target.platform ? ` (${target.platform})` : ''}${check === 'provenance' ? ' with slsa-verifier' : native !== undefined ? ' with sigstore-js' : ' with cosign'}${from}`,
        );
        let outcome: Outcome;
        if (check === 'provenance')
          outcome = await provenanceCheck(target, policy.repository, { ...options, sourceTag });
        else if (native !== undefined && verifier !== undefined && bundlesFrom[source] !== undefined) {
          outcome = native.judgeBundles(
            bundlesFrom[source],
            verifier,
            check,
            target.digest,
            policy,
            mode,
            source === 'github' ? store?.description : undefined,
          );
        } else if (options.key !== undefined) outcome = await runCosign(check, target, policy, options);
        else outcome = await cosignCheck(check, target, policy, options, discover(check));
        const result: CheckResult = { check, subject: target.reference, ...outcome };
        if (target.platform) result.platform = target.platform;
        if (choice !== 'registry') result.source = source;
        results.push(result);
        const line = `${result.status === 'passed' ? 'passed' : result.status.toUpperCase()}: ${check} of ${target.reference}${from}${result.reason ? ` — ${result.reason}` : ''}`;
        if (result.status === 'passed') options.logger.info(line);
        else options.logger.warning(line);
      }
    }
  }

  const report: VerifyReport = {
    image: options.image,
    reference: resolved.reference,
    digest: resolved.digest,
    engine: options.engine,
    ...(choice === 'registry' ? {} : { source: choice }),
    policy: {
      signer: policy.signer,
      identityRegexp: policy.identityRegexp,
      issuer: policy.issuer,
      repository: policy.repository,
      sourceRefPattern: policy.sourceRefPattern,
      description: policy.description,
    },
    checks: [...options.checks],
    results,
    commands: equivalentCommands(targets, options.checks, {
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
  if (policy.sourceRef !== undefined) report.policy.sourceRef = policy.sourceRef;
  if (policy.trigger !== undefined) report.policy.trigger = policy.trigger;
  if (policy.workflowCommit !== undefined) report.policy.workflowCommit = policy.workflowCommit;
  if (policy.warning) report.warning = policy.warning;
  return report;
}

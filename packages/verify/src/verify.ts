import { InputError, OperationalError, PolicyError } from '@release-actions/errors';
import { parseReference, subjectsOf, type RegistryClient } from '@release-actions/oci';
import {
  ensureTool,
  run,
  ToolExitError,
  type EnsureOptions,
  type Logger,
  type RunResult,
} from '@release-actions/tools';
import { judgeAttestations } from './attestation.js';
import { checkSourceTag, type CheckName } from './checks.js';
import {
  cosignVerifyArgs,
  cosignVerifyAttestationArgs,
  equivalentCommands,
  slsaVerifierArgs,
} from './commands.js';
import { judgeCosignFailure, judgeSignatures } from './cosign-output.js';
import { buildIdentityPolicy, type IdentityOptions, type IdentityPolicy } from './identity.js';
import { verdictOf, type CheckResult, type Engine, type VerifyReport } from './report.js';
import { judgeSlsaVerifier } from './slsa.js';

export interface VerifyOptions {
  /** Tag or digest reference; a tag is resolved once and only the digest is used after that. */
  image: string;
  identity: IdentityOptions;
  checks: readonly CheckName[];
  engine: Engine;
  sourceTag?: string;
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
}

type Outcome = Omit<CheckResult, 'check' | 'subject' | 'platform'>;

async function runTool(tool: string, args: string[], options: VerifyOptions): Promise<RunResult | Outcome> {
  const env: Record<string, string> = {};
  if (options.dockerConfigDirectory !== undefined) env['DOCKER_CONFIG'] = options.dockerConfigDirectory;
  try {
    return await run(tool, args, {
      logger: options.logger,
      env,
      secrets: options.secrets,
      timeoutMs: options.timeoutMs ?? 5 * 60_000,
      // Verification failures are judged from the output, not the exit code.
      okExitCodes: Array.from({ length: 256 }, (_, i) => i),
    });
  } catch (error) {
    if (error instanceof ToolExitError) return { status: 'error', reason: error.message };
    throw error;
  }
}

async function cosignCheck(
  check: Exclude<CheckName, 'provenance'>,
  target: Target,
  policy: IdentityPolicy,
  options: VerifyOptions,
): Promise<Outcome> {
  const commandPolicy = { policy, trustedRoot: options.trustedRoot };
  const args =
    check === 'signature'
      ? cosignVerifyArgs(target.reference, commandPolicy)
      : cosignVerifyAttestationArgs(target.reference, check, commandPolicy);
  const result = await runTool('cosign', args, options);
  if (!('exitCode' in result)) return result;
  if (result.exitCode !== 0) return judgeCosignFailure(result.stderr, check, policy);
  return check === 'signature'
    ? judgeSignatures(result.stdout, target.digest, policy, result.stderr)
    : judgeAttestations(result.stdout, result.stderr, target.digest, check, policy);
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
  const policy = buildIdentityPolicy(options.identity);
  if (options.checks.length === 0) throw new InputError(`Input 'checks': name at least one check.`);
  const sourceTag = checkSourceTag(options.sourceTag);
  let reference;
  try {
    reference = parseReference(options.image);
  } catch (error) {
    throw new InputError(`Input 'image': ${(error as Error).message}`);
  }
  if (policy.warning) options.logger.warning(policy.warning);

  const resolved = await options.client.resolve(reference);
  if (reference.digest === undefined) {
    options.logger.info(`Every check uses ${resolved.reference} (resolved once from ${options.image}).`);
  }
  const targets: Target[] = subjectsOf(resolved).map((s, i) => {
    const target: Target = { reference: s.reference, digest: s.digest, top: i === 0 };
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
    verifier = await native.loadVerifier(options);
  }

  const results: CheckResult[] = [];
  for (const target of targets) {
    const bundles =
      native !== undefined
        ? await native.findBundles(target.reference, {
            client: options.client,
            trustedRoot: options.trustedRoot,
            logger: options.logger,
          })
        : undefined;
    for (const check of options.checks) {
      if (check === 'provenance' && !target.top) continue;
      let outcome: Outcome;
      if (check === 'provenance')
        outcome = await provenanceCheck(target, policy.repository, { ...options, sourceTag });
      else if (native !== undefined && verifier !== undefined && bundles !== undefined) {
        outcome = native.judgeBundles(bundles, verifier, check, target.digest, policy);
      } else outcome = await cosignCheck(check, target, policy, options);
      const result: CheckResult = { check, subject: target.reference, ...outcome };
      if (target.platform) result.platform = target.platform;
      results.push(result);
      const line = `${result.status === 'passed' ? 'passed' : result.status.toUpperCase()}: ${check} of ${target.reference}${result.reason ? ` — ${result.reason}` : ''}`;
      if (result.status === 'passed') options.logger.info(line);
      else options.logger.warning(line);
    }
  }

  const report: VerifyReport = {
    image: options.image,
    reference: resolved.reference,
    digest: resolved.digest,
    engine: options.engine,
    policy: {
      identityRegexp: policy.identityRegexp,
      issuer: policy.issuer,
      repository: policy.repository,
      description: policy.description,
    },
    checks: [...options.checks],
    results,
    commands: equivalentCommands(targets, options.checks, {
      policy,
      trustedRoot: options.trustedRoot,
      sourceTag,
    }),
    verdict: verdictOf(results),
  };
  if (policy.warning) report.warning = policy.warning;
  return report;
}

/** The error the CLI and the action raise after printing a report that did not pass. */
export function reportFailure(report: VerifyReport): Error | undefined {
  if (report.verdict === 'passed') return undefined;
  const first = report.results.find((r) => r.status !== 'passed');
  const message = `verification of ${report.reference} ${report.verdict === 'error' ? 'could not complete' : 'failed'}: ${first?.check}${first?.platform ? ` (${first.platform})` : ''}: ${first?.reason ?? 'no reason given'}`;
  return report.verdict === 'error' ? new OperationalError(message) : new PolicyError(message);
}

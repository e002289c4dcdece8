import { InputError, OperationalError } from '@release-actions/errors';
import type { RegistryClient } from '@release-actions/oci';
import { isLoopbackHost, parseReference } from '@release-actions/oci';
import type { Logger, RetryPolicy } from '@release-actions/tools';
import { run, ToolExitError, withRetry } from '@release-actions/tools';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isTransientFailure } from './cosign-errors.js';

export interface ChartOptions {
  /** The chart directory (holding Chart.yaml). */
  chartDirectory: string;
  /** Where to push: `oci://registry/path` or `registry/path`. */
  registry: string;
  /** Directory for the packaged .tgz. */
  destination: string;
  /** Overrides of Chart.yaml's version and appVersion (helm package --version / --app-version). */
  version?: string;
  appVersion?: string;
  /** The Docker config holding the registry login, given to helm as its registry config. */
  registryConfigFile?: string;
  client: RegistryClient;
  logger: Logger;
  retry: RetryPolicy;
  secrets?: readonly string[];
  sleep?: (ms: number) => Promise<void>;
}

export interface ChartResult {
  name: string;
  version: string;
  /** The packaged chart. */
  package: string;
  /** registry/path/name */
  repository: string;
  /** The tag helm pushed: the version with `+` written as `_`. */
  tag: string;
  digest: string;
  /** registry/path/name@digest: what sign, sbom and attest take. */
  reference: string;
  /** oci://registry/path/name:tag, for `helm install`. */
  chartUrl: string;
}

interface ChartMetadata {
  name: string;
  version: string;
}

export function readChartMetadata(chartDirectory: string, inputName = 'path'): ChartMetadata {
  const file = path.join(chartDirectory, 'Chart.yaml');
  if (!existsSync(file)) {
    throw new InputError(
      `Input '${inputName}': ${chartDirectory} has no Chart.yaml; give the directory of a Helm chart.`,
    );
  }
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(
      `Input '${inputName}': ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const fields = (typeof document === 'object' && document !== null ? document : {}) as Record<
    string,
    unknown
  >;
  const name = fields.name;
  const version = fields.version;
  if (
    typeof name !== 'string' ||
    name === '' ||
    (typeof version !== 'string' && typeof version !== 'number')
  ) {
    throw new InputError(`Input '${inputName}': ${file} must give the chart's name and version.`);
  }
  return { name, version: String(version) };
}

/** `oci://host/path` or `host/path` → `host/path`, checked to start with a registry host. */
export function chartRegistry(value: string, inputName = 'registry'): string {
  const trimmed = value
    .trim()
    .replace(/^oci:\/\//, '')
    .replace(/\/+$/, '');
  const host = trimmed.split('/')[0] ?? '';
  const isHost = host.includes('.') || host.includes(':') || host === 'localhost';
  if (trimmed === '' || /^[a-z]+:\/\//i.test(trimmed) || !isHost) {
    throw new InputError(
      `Input '${inputName}': "${value}" is not an OCI registry location; give oci://<registry host>/<path>, e.g. oci://ghcr.io/my-org/charts.`,
    );
  }
  return trimmed;
}

/** helm push prints `Pushed: <ref>` and `Digest: sha256:…` (stdout or stderr, by version). */
export function parsePushOutput(output: string): { pushed?: string; digest?: string } {
  const pushed = /^Pushed:\s*(\S+)\s*$/m.exec(output)?.[1];
  const digest = /^Digest:\s*(sha256:[0-9a-f]{64})\s*$/m.exec(output)?.[1];
  return { pushed, digest };
}

/**
 * Packages a chart, pushes it to an OCI registry, and confirms the digest helm reports with the
 * registry itself, so that what gets signed next is what the registry serves.
 */
export async function publishChart(options: ChartOptions): Promise<ChartResult> {
  const metadata = readChartMetadata(options.chartDirectory);
  const location = chartRegistry(options.registry);
  const version = options.version ?? metadata.version;
  const tag = version.replace(/\+/g, '_');
  const repositoryText = `${location}/${metadata.name}`;
  let parsed;
  try {
    parsed = parseReference(`${repositoryText}:${tag}`);
  } catch (error) {
    throw new InputError(
      `Inputs 'registry' and the chart's name/version do not form a valid OCI reference: ${(error as Error).message}`,
    );
  }
  const repository = `${parsed.registry}/${parsed.repository}`;
  const registryArgs = options.registryConfigFile ? ['--registry-config', options.registryConfigFile] : [];
  // helm speaks HTTPS unless told otherwise; loopback registries (tests, local mirrors) are plain HTTP.
  const plainHttp = isLoopbackHost(parsed.registry) ? ['--plain-http'] : [];
  const runOptions = { logger: options.logger, secrets: options.secrets, timeoutMs: 10 * 60_000 };

  if (existsSync(path.join(options.chartDirectory, 'Chart.lock'))) {
    await run('helm', ['dependency', 'build', options.chartDirectory, ...registryArgs], runOptions);
  }
  mkdirSync(options.destination, { recursive: true });
  const packageArgs = ['package', options.chartDirectory, '--destination', options.destination];
  if (options.version) packageArgs.push('--version', options.version);
  if (options.appVersion) packageArgs.push('--app-version', options.appVersion);
  const packaged = await run('helm', packageArgs, runOptions);
  const chartPackage =
    /saved it to:\s*(.+\.tgz)\s*$/m.exec(packaged.stdout)?.[1]?.trim() ??
    path.join(options.destination, `${metadata.name}-${version}.tgz`);
  if (!existsSync(chartPackage)) {
    throw new OperationalError(`helm package reported ${chartPackage}, but there is no such file.`);
  }

  const push = await withRetry(
    () => run('helm', ['push', chartPackage, `oci://${location}`, ...registryArgs, ...plainHttp], runOptions),
    options.retry,
    {
      isTransient: (error) => error instanceof ToolExitError && isTransientFailure(error.result.stderr),
      onRetry: (_error, attempt, delayMs) =>
        options.logger.warning(
          `helm push failed transiently (attempt ${attempt}); trying again in ${delayMs} ms.`,
        ),
      sleep: options.sleep,
    },
  );
  const reported = parsePushOutput(`${push.stdout}\n${push.stderr}`);
  if (reported.digest === undefined) {
    throw new OperationalError(
      'helm push succeeded but printed no "Digest: sha256:…" line; cannot tell what was pushed.',
    );
  }
  const confirmed = await options.client.resolve({ ...parsed, tag });
  if (confirmed.digest !== reported.digest) {
    throw new OperationalError(
      `helm reported ${reported.digest} for ${repository}:${tag}, but the registry serves ${confirmed.digest}; refusing to continue with either.`,
    );
  }
  options.logger.info(`Pushed ${repository}:${tag} as ${confirmed.digest} (confirmed with the registry).`);
  return {
    name: metadata.name,
    version,
    package: chartPackage,
    repository,
    tag,
    digest: confirmed.digest,
    reference: `${repository}@${confirmed.digest}`,
    chartUrl: `oci://${repository}:${tag}`,
  };
}

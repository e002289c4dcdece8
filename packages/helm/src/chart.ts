import {
  checkInputFile,
  InputError,
  isTransientToolFailure,
  OperationalError,
  readInputBytes,
  readInputFile,
  run,
  ToolExitError,
  withRetry,
} from '@release-actions/core';
import type { InputFileOptions, Logger, RetryPolicy } from '@release-actions/core';
import type { RegistryClient, ImageReference } from '@release-actions/oci';
import { isLoopbackHost, ManifestNotFoundError, parseReference } from '@release-actions/oci';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chartYamlOf, differingFiles, readChartArchive, sha256, type ChartFiles } from './chart-archive.js';
import type { HelmErrorCode } from './errors.js';
import { loadYaml } from './yaml.js';

export interface PackageOptions {
  /** The chart directory (holding Chart.yaml). */
  chartDirectory: string;
  /** Directory for the packaged .tgz. */
  destination: string;
  /** Overrides of Chart.yaml's version and appVersion (helm package --version / --app-version). */
  version?: string;
  appVersion?: string;
  /** The Docker config holding the registry login, given to helm as its registry config. */
  registryConfigFile?: string;
  logger: Logger;
  secrets?: readonly string[];
}

export interface PushOptions {
  /** A packaged chart (.tgz), as packageChart or `helm package` wrote it. */
  package: string;
  /** The input the package came from, named in errors: `package`, or `path` when packaged from it. */
  input: string;
  /** Where to push: `oci://registry/path` or `registry/path`. */
  registry: string;
  registryConfigFile?: string;
  client: RegistryClient;
  logger: Logger;
  /** How long helm push is tried again after a transient failure (default PUSH_RETRY). */
  retry?: RetryPolicy;
  secrets?: readonly string[];
  sleep?: (ms: number) => Promise<void>;
}

/** Transient registry failures during helm push are tried again for at most 10 minutes. */
export const PUSH_RETRY: Required<RetryPolicy> = {
  attempts: 8,
  initialDelayMs: 5_000,
  maxDelayMs: 60_000,
  deadlineMs: 10 * 60_000,
};

export interface PackagedChart {
  name: string;
  version: string;
  /** The packaged chart. */
  package: string;
}

export interface ChartResult extends PackagedChart {
  /** registry/path/name */
  repository: string;
  /** The tag helm pushed: the version with `+` written as `_`. */
  tag: string;
  digest: string;
  /** registry/path/name@digest: what sign, sbom and attest take. */
  reference: string;
  /** oci://registry/path/name:tag, for `helm install`. */
  chartUrl: string;
  /** false when the registry already held this version with the same content (a rerun): nothing was pushed. */
  pushed: boolean;
}

interface ChartMetadata {
  name: string;
  version: string;
}

function chartInvalid(detail: string, input: string): InputError<HelmErrorCode> {
  return new InputError<HelmErrorCode>(detail, { input, code: 'CHART_INVALID' });
}

/** A Chart.yaml is a few hundred bytes; its description and annotations keep it far below this. */
const CHART_YAML_FILE: InputFileOptions<HelmErrorCode> = {
  input: 'path',
  maxBytes: 1024 * 1024,
  what: "a Helm chart's Chart.yaml",
  code: 'CHART_INVALID',
};

/** The Chart.yaml of a chart directory (the `path` input), checked to be a file helm can read. */
export function chartYamlFile(chartDirectory: string): string {
  const file = path.join(chartDirectory, 'Chart.yaml');
  if (!existsSync(file)) {
    throw chartInvalid(`${chartDirectory} has no Chart.yaml; give the directory of a Helm chart.`, 'path');
  }
  checkInputFile(file, CHART_YAML_FILE);
  return file;
}

/** The name and version in the Chart.yaml of a chart directory (the `path` input). */
export async function readChartMetadata(chartDirectory: string): Promise<ChartMetadata> {
  const input = 'path';
  const file = chartYamlFile(chartDirectory);
  const text = readInputFile(file, CHART_YAML_FILE);
  const { parseYaml } = await loadYaml();
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw chartInvalid(`${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, input);
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
    throw chartInvalid(`${file} must give the chart's name and version.`, input);
  }
  return { name, version: String(version) };
}

/** `oci://host/path` or `host/path` (the `registry` input) → `host/path`, checked to start with a registry host. */
export function chartRegistry(value: string): string {
  const trimmed = value
    .trim()
    .replace(/^oci:\/\//, '')
    .replace(/\/+$/, '');
  const host = trimmed.split('/')[0] ?? '';
  const isHost = host.includes('.') || host.includes(':') || host === 'localhost';
  if (trimmed === '' || /^[a-z]+:\/\//i.test(trimmed) || !isHost) {
    throw new InputError(
      `"${value}" is not an OCI registry location; give oci://<registry host>/<path>, e.g. oci://ghcr.io/my-org/charts.`,
      { input: 'registry' },
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

/** helm's media type for the chart archive layer of an OCI chart. */
const CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
/** A packaged chart larger than this is not one helm would accept (it caps the decompressed chart at 100 MiB). */
const MAX_ARCHIVE_BYTES = 100 * 1024 * 1024;

/** A chart packaged earlier, as the `package` input (or `path`, once packaged) names it. */
export function chartPackageFile(input: string): InputFileOptions<HelmErrorCode> {
  return {
    input,
    maxBytes: MAX_ARCHIVE_BYTES,
    what: 'the .tgz of a chart packaged with push: false',
    code: 'CHART_INVALID',
  };
}

/** Builds dependencies (with a Chart.lock) and packages the chart; nothing touches a registry. */
export async function packageChart(options: PackageOptions): Promise<PackagedChart> {
  const metadata = await readChartMetadata(options.chartDirectory);
  const version = options.version ?? metadata.version;
  const registryArgs = options.registryConfigFile ? ['--registry-config', options.registryConfigFile] : [];
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
    throw new OperationalError<HelmErrorCode>(
      `helm package reported ${chartPackage}, but there is no such file.`,
      {
        code: 'HELM_FAILED',
      },
    );
  }
  options.logger.info(`Packaged ${metadata.name} ${version} into ${chartPackage}.`);
  return { name: metadata.name, version, package: chartPackage };
}

interface ArchiveInfo {
  bytes: Buffer;
  files: ChartFiles;
  name: string;
  version: string;
}

/** The chart's name and version as packaged: from the Chart.yaml inside the archive. */
async function readPackage(file: string, input: string): Promise<ArchiveInfo> {
  const bytes = readInputBytes(file, chartPackageFile(input));
  const { parseYaml } = await loadYaml();
  let files: ChartFiles;
  let chart: Record<string, unknown>;
  try {
    files = readChartArchive(bytes, file);
    const parsed: unknown = parseYaml(chartYamlOf(files, file));
    chart = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  } catch (error) {
    throw chartInvalid((error as Error).message, input);
  }
  const name = chart.name;
  const version = chart.version;
  if (
    typeof name !== 'string' ||
    name === '' ||
    (typeof version !== 'string' && typeof version !== 'number')
  ) {
    throw chartInvalid(`the Chart.yaml in ${file} must give the chart's name and version.`, input);
  }
  return { bytes, files, name, version: String(version) };
}

/**
 * What the registry holds at the tag: nothing (push), the same chart (a rerun: keep it), or
 * another chart under the same version (refuse: a signed chart must never be replaced).
 *
 * Same content is decided by the chart layer: its digest equal to our archive's sha256 settles it
 * at once; otherwise (helm v4's archive carries each file's modification time, so a fresh checkout
 * of the same sources packages into other bytes) the layer is fetched and both archives are compared file by file, path and bytes,
 * ignoring modes, owners and mtimes. Chart.yaml is one of the files, so the version, appVersion
 * and dependencies count; the helm config blob is derived from it and needs no comparison.
 */
async function existingChart(
  client: RegistryClient,
  ref: ImageReference,
  archive: ArchiveInfo,
  where: string,
): Promise<{ digest: string } | undefined> {
  let manifest;
  try {
    manifest = await client.getManifest(ref);
  } catch (error) {
    if (error instanceof ManifestNotFoundError) return undefined;
    throw error;
  }
  const refuse = (detail: string) =>
    new InputError<HelmErrorCode>(
      `chart ${archive.name} version ${archive.version} already exists at ${where} with different content (digest ${manifest.digest}; ${detail}); bump the version in Chart.yaml.`,
      { code: 'CHART_VERSION_CONFLICT' },
    );
  const layers = (manifest.json as { layers?: { mediaType?: string; digest?: string }[] }).layers ?? [];
  const layer = layers.find((l) => l.mediaType === CHART_LAYER && typeof l.digest === 'string');
  if (layer === undefined) throw refuse('it is not a Helm chart');
  if (layer.digest === sha256(archive.bytes)) return { digest: manifest.digest };
  const theirs = readChartArchive(
    await client.getBlob(ref, layer.digest!, { maxBytes: MAX_ARCHIVE_BYTES }),
    `the chart layer of ${where}`,
  );
  const differing = differingFiles(archive.files, theirs);
  if (differing.length === 0) return { digest: manifest.digest };
  const shown = differing.slice(0, 5).join(', ');
  throw refuse(
    `files that differ: ${shown}${differing.length > 5 ? ` and ${differing.length - 5} more` : ''}`,
  );
}

/**
 * Pushes a packaged chart unless the registry already holds its version: the same content is a
 * rerun (nothing pushed, the existing digest reported), other content is refused. The digest
 * helm reports is confirmed with the registry, so that what gets signed next is what it serves.
 */
export async function pushChart(options: PushOptions): Promise<ChartResult> {
  const archive = await readPackage(options.package, options.input);
  const location = chartRegistry(options.registry);
  const tag = archive.version.replace(/\+/g, '_');
  // The location and the chart's name and version make the reference: a bad one is the location's fault.
  const parsed = parseReference(`${location}/${archive.name}:${tag}`, 'registry');
  const repository = `${parsed.registry}/${parsed.repository}`;
  const result = (digest: string, pushed: boolean): ChartResult => ({
    name: archive.name,
    version: archive.version,
    package: options.package,
    repository,
    tag,
    digest,
    reference: `${repository}@${digest}`,
    chartUrl: `oci://${repository}:${tag}`,
    pushed,
  });

  // Looked up just before the push; two releases racing on one version can still both pass here,
  // which the registry's tag immutability (where offered) is the only cure for.
  const existing = await existingChart(options.client, { ...parsed, tag }, archive, `${repository}:${tag}`);
  if (existing !== undefined) {
    options.logger.notice(
      `${repository}:${tag} already holds this chart (same files) as ${existing.digest}; nothing was pushed.`,
    );
    return result(existing.digest, false);
  }

  const registryArgs = options.registryConfigFile ? ['--registry-config', options.registryConfigFile] : [];
  // helm speaks HTTPS unless told otherwise; loopback registries (tests, local mirrors) are plain HTTP.
  const plainHttp = isLoopbackHost(parsed.registry) ? ['--plain-http'] : [];
  const runOptions = { logger: options.logger, secrets: options.secrets, timeoutMs: 10 * 60_000 };
  const push = await withRetry(
    () =>
      run('helm', ['push', options.package, `oci://${location}`, ...registryArgs, ...plainHttp], runOptions),
    options.retry ?? PUSH_RETRY,
    {
      isTransient: (error) => error instanceof ToolExitError && isTransientToolFailure(error.result.stderr),
      onRetry: (_error, attempt, delayMs) =>
        options.logger.warning(
          `helm push failed transiently (attempt ${attempt}); trying again in ${delayMs} ms.`,
        ),
      sleep: options.sleep,
    },
  );
  const reported = parsePushOutput(`${push.stdout}\n${push.stderr}`);
  if (reported.digest === undefined) {
    throw new OperationalError<HelmErrorCode>(
      'helm push succeeded but printed no "Digest: sha256:…" line; cannot tell what was pushed.',
      { code: 'HELM_FAILED' },
    );
  }
  const confirmed = await options.client.resolve({ ...parsed, tag });
  if (confirmed.digest !== reported.digest) {
    throw new OperationalError<HelmErrorCode>(
      `helm reported ${reported.digest} for ${repository}:${tag}, but the registry serves ${confirmed.digest}; refusing to continue with either.`,
      { code: 'CHART_DIGEST_MISMATCH' },
    );
  }
  options.logger.info(`Pushed ${repository}:${tag} as ${confirmed.digest} (confirmed with the registry).`);
  return result(confirmed.digest, true);
}

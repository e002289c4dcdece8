import { OperationalError, silentLogger } from '@release-actions/core';
import { findCached, toolCacheRoot } from './cache.js';
import type { Logger, RetryPolicy } from '@release-actions/core';
import { normalizeMirror, resolveAsset, type Manifest, type PlatformKey } from './manifest.js';
import type { DownloadProgress } from './download.js';
import { UnreachableError } from './failure-message.js';

/**
 * install(tool): the pinned (or requested) version from the tool cache when it is there — no
 * request at all — else downloaded, verified against its SHA-256, unpacked and cached.
 */

export interface InstallOptions {
  /** A version from the manifest, or any version when `sha256` is given too. */
  version?: string;
  /** Expected SHA-256 of the release asset; required for a version the manifest does not know. */
  sha256?: string;
  /** Base URL replacing https://github.com and https://get.helm.sh. */
  mirror?: string;
  manifest?: Manifest;
  logger?: Logger;
  /** Defaults to this machine's `${process.platform}-${process.arch}`. */
  platform?: PlatformKey;
  retry?: RetryPolicy;
  /** A download that sends nothing for this long is retried (default 30 s). */
  idleTimeoutMs?: number;
  /** Root of the tool cache (default RUNNER_TOOL_CACHE, else a per-user cache directory). */
  toolCache?: string;
  /**
   * How the front end names its mirror setting in the advice of a failed download: `--mirror`
   * (CLI), `the 'mirror' input` (setup). Default: both ways, for callers that install on the side.
   */
  mirrorSetting?: string;
  /** Shows a download while it runs (the CLI's terminal line); called once per download with the tool's name. */
  progress?: (tool: string) => DownloadProgress | undefined;
}

export interface Installed {
  tool: string;
  version: string;
  platform: PlatformKey;
  /** The executable. */
  path: string;
  /** Its directory (what goes on PATH). */
  dir: string;
  sha256: string;
  source: 'cache' | 'download';
}

/** Knobs for runs that cannot pass options (bundles under test, slow networks), documented in setup/README.md. */
function envNumber(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value))
    throw new OperationalError(`${name}="${value}" is not a whole number of milliseconds.`);
  return Number(value);
}

export function defaultRetryPolicy(): RetryPolicy {
  return {
    attempts: 4,
    initialDelayMs: envNumber('RELEASE_ACTIONS_RETRY_BASE_MS') ?? 1000,
    maxDelayMs: 15_000,
    deadlineMs: 5 * 60_000,
  };
}

export async function install(tool: string, options: InstallOptions = {}): Promise<Installed> {
  const logger = options.logger ?? silentLogger;
  const asset = resolveAsset(tool, options);
  if (asset.differsFromManifest) {
    logger.warning(
      `${tool} ${asset.version} ${asset.platform}: the given sha256 ${asset.sha256} differs from the manifest's; using the given one.`,
    );
  }
  const result = { tool, version: asset.version, platform: asset.platform, sha256: asset.sha256 };
  const root = options.toolCache ?? toolCacheRoot();
  const hit = findCached(asset, root);
  if (hit) {
    logger.info(`${tool} ${asset.version} ${asset.platform} found in the tool cache: ${hit.path}`);
    return { ...result, ...hit, source: 'cache' };
  }
  const { downloadAndCache } = await import('./installer.js');
  const cached = await downloadAndCache(asset, {
    root,
    logger,
    retry: options.retry ?? defaultRetryPolicy(),
    idleTimeoutMs: options.idleTimeoutMs ?? envNumber('RELEASE_ACTIONS_DOWNLOAD_TIMEOUT_MS') ?? 30_000,
    mirror: options.mirror || undefined,
    mirrorSetting: options.mirrorSetting,
    progress: options.progress?.(tool),
  });
  logger.info(`${tool} ${asset.version} ${asset.platform} installed: ${cached.path}`);
  return { ...result, ...cached, source: 'download' };
}

/** Tools that could not reach the same host for the same reason become one error, in the place of the first. */
function foldUnreachable(errors: readonly unknown[]): unknown[] {
  const result: unknown[] = [];
  const done = new Set<unknown>();
  for (const error of errors) {
    if (done.has(error)) continue;
    if (!(error instanceof UnreachableError)) {
      result.push(error);
      continue;
    }
    const alike = errors.filter(
      (e): e is UnreachableError => e instanceof UnreachableError && error.sameAs(e),
    );
    for (const e of alike) done.add(e);
    result.push(UnreachableError.folded(alike));
  }
  return result;
}

export interface InstallRequest {
  tool: string;
  version?: string;
  sha256?: string;
}

/**
 * Installs several tools at once (downloads overlap). Every install runs to its end; when any
 * fails, the first failure is thrown after the others have finished, so no half-written cache
 * entry is left behind by an interrupted sibling.
 */
export async function installMany(
  requests: readonly (string | InstallRequest)[],
  options: Omit<InstallOptions, 'version' | 'sha256'> = {},
): Promise<Installed[]> {
  // Checked once, before any tool is looked up or downloaded.
  if (options.mirror) normalizeMirror(options.mirror);
  const seen = new Set<string>();
  const unique = requests
    .map((r) => (typeof r === 'string' ? { tool: r } : r))
    .filter((r) => !seen.has(r.tool) && seen.add(r.tool));
  const settled = await Promise.allSettled(unique.map((r) => install(r.tool, { ...options, ...r })));
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failures.length > 0) {
    const logger = options.logger ?? silentLogger;
    const errors = foldUnreachable(failures.map((f) => f.reason as unknown));
    const first = String((errors[0] as Error)?.message ?? errors[0]);
    const others = new Set(errors.slice(1).map((e) => String((e as Error)?.message ?? e)));
    for (const message of others) if (message !== first) logger.warning(message);
    throw errors[0];
  }
  return settled.map((s) => (s as PromiseFulfilledResult<Installed>).value);
}

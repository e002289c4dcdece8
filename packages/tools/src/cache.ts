import { OperationalError } from '@release-actions/core';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedAsset } from './manifest.js';

/**
 * The runner's tool cache, in the layout @actions/tool-cache uses
 * (`$RUNNER_TOOL_CACHE/<tool>/<version without v>/<arch>` plus an `<arch>.complete` marker), so
 * that `tc.find` in any action sees what we cached and the runner's cache step keeps it.
 *
 * We do not call tool-cache's find/cacheDir themselves: every one of its calls writes `::debug::`
 * workflow commands to stdout (which would corrupt the CLI's result lines) and its module pulls
 * semver and the HTTP client into the start-up path of every bundle, while the lookup is two
 * `existsSync` calls. Beside the binary we keep a record of the SHA-256 it was verified against,
 * so that a cached copy installed for another checksum is never taken for the one asked for.
 */

export const RECORD_FILE = '.release-actions.json';

export interface CacheRecord {
  tool: string;
  version: string;
  platform: string;
  file: string;
  sha256: string;
  binary: string;
}

/** Outside a runner (the CLI, other front ends), a per-user cache in the same layout. */
export function userToolCache(): string {
  const base =
    process.env.XDG_CACHE_HOME ||
    (process.platform === 'win32' && process.env.LOCALAPPDATA) ||
    path.join(os.homedir(), '.cache');
  return path.join(base, 'release-actions', 'tools');
}

export function toolCacheRoot(): string {
  return process.env.RUNNER_TOOL_CACHE || userToolCache();
}

/** The runner's tool cache, for the setup action: outside a runner it must not fill a home directory. */
export function runnerToolCache(): string {
  const root = process.env.RUNNER_TOOL_CACHE;
  if (!root) {
    throw new OperationalError(
      'RUNNER_TOOL_CACHE is not set: this action runs on a GitHub runner; elsewhere use `release-actions install`.',
    );
  }
  return root;
}

/** tool-cache's arch segment: the machine's arch for the host platform, the full key otherwise. */
export function cacheArch(platform: string): string {
  return platform === `${process.platform}-${process.arch}` ? process.arch : platform;
}

export function cacheDirectory(
  asset: Pick<ResolvedAsset, 'tool' | 'version' | 'platform'>,
  root: string = toolCacheRoot(),
): string {
  return path.join(root, asset.tool, asset.version.replace(/^v/, ''), cacheArch(asset.platform));
}

export interface CacheHit {
  dir: string;
  path: string;
}

/** The cached install of exactly this asset (same checksum), or undefined. No network, no writes. */
export function findCached(asset: ResolvedAsset, root?: string): CacheHit | undefined {
  const dir = cacheDirectory(asset, root);
  if (!existsSync(`${dir}.complete`)) return undefined;
  let record: CacheRecord;
  try {
    record = JSON.parse(readFileSync(path.join(dir, RECORD_FILE), 'utf8')) as CacheRecord;
  } catch {
    return undefined;
  }
  if (record.sha256 !== asset.sha256 || record.binary !== asset.binaryName) return undefined;
  const binary = path.join(dir, asset.binaryName);
  return existsSync(binary) ? { dir, path: binary } : undefined;
}

import { OperationalError, run, ToolExitError } from '@release-actions/core';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cacheDirectory, RECORD_FILE, type CacheHit, type CacheRecord } from './cache.js';
import { download, DownloadError, type DownloadProgress } from './download.js';
import { checksumMismatchMessage, downloadFailure, label, type AdviceOptions } from './failure-message.js';
import { formatBytes, formatDuration, formatRate } from './format.js';
import type { Logger, RetryPolicy } from '@release-actions/core';
import type { ResolvedAsset } from './manifest.js';
import type { ToolsErrorCode } from './errors.js';

/**
 * The cold half of install(): download, verify, unpack, cache. Loaded with a dynamic import() so
 * that a cache hit never loads it.
 *
 * Order matters: the SHA-256 is checked before anything is unpacked, and the cache is written
 * only after the executable is in place, so a bad or partial download never leaves a cache entry.
 *
 * Unpacking runs tar/unzip through run() rather than tool-cache's extractTar/extractZip: those
 * echo their command lines and `::debug::` commands on stdout (the CLI's result channel) and
 * unpack the whole archive, where we extract the one executable named in the manifest.
 */

export interface FetchOptions extends AdviceOptions {
  /** Root of the tool cache. */
  root: string;
  logger: Logger;
  retry: RetryPolicy;
  idleTimeoutMs: number;
  progress?: DownloadProgress;
}

const EXTRACT_FAILED = { code: 'EXTRACT_FAILED' } as const;

async function extractMember(
  asset: ResolvedAsset,
  archive: string,
  into: string,
  logger: Logger,
): Promise<string> {
  const member = asset.member ?? asset.binaryName;
  // Only the executable is extracted: nothing else from the archive reaches the disk.
  const args =
    asset.format === 'tar.gz'
      ? { tool: 'tar', argv: ['-xzf', archive, '-C', into, member] }
      : process.platform === 'win32'
        ? { tool: 'tar', argv: ['-xf', archive, '-C', into, member] } // bsdtar reads zip
        : { tool: 'unzip', argv: ['-q', '-o', archive, member, '-d', into] };
  try {
    // The command line is a detail of the install: debug, so a download logs one line before and one after.
    const quieter: Logger = {
      debug: (m) => logger.debug(m),
      info: (m) => logger.debug(m),
      notice: (m) => logger.notice(m),
      warning: (m) => logger.warning(m),
    };
    await run(args.tool, args.argv, { logger: quieter, timeoutMs: 5 * 60_000 });
  } catch (error) {
    if (!(error instanceof ToolExitError) && /was not found on PATH/.test(String(error))) {
      throw new OperationalError<ToolsErrorCode>(
        `${label(asset)}: ${args.tool} is needed to unpack ${asset.file} and was not found on PATH.`,
        EXTRACT_FAILED,
      );
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new OperationalError<ToolsErrorCode>(
      `${label(asset)}: could not extract ${member} from ${asset.file} (${detail}).`,
      EXTRACT_FAILED,
    );
  }
  const extracted = path.join(into, ...member.split('/'));
  const found = await stat(extracted).catch(() => undefined);
  if (!found?.isFile())
    throw new OperationalError<ToolsErrorCode>(
      `${label(asset)}: ${asset.file} does not contain ${member}.`,
      EXTRACT_FAILED,
    );
  return extracted;
}

/**
 * Puts the staged directory into the cache: copied beside its final place, renamed, then marked
 * complete. A failure removes the copy it was writing, so no partial entry stays in the cache.
 */
async function store(staging: string, dir: string): Promise<void> {
  await rm(`${dir}.complete`, { force: true });
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  const beside = `${dir}.${randomUUID()}.partial`;
  try {
    await cp(staging, beside, { recursive: true });
    await rename(beside, dir);
    await writeFile(`${dir}.complete`, '');
  } catch (error) {
    await rm(beside, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

export async function downloadAndCache(asset: ResolvedAsset, options: FetchOptions): Promise<CacheHit> {
  const tempRoot = process.env.RUNNER_TEMP || os.tmpdir();
  await mkdir(tempRoot, { recursive: true });
  const work = await mkdtemp(path.join(tempRoot, `${asset.tool}-`));
  try {
    const archive = path.join(work, asset.file);
    options.logger.info(`Downloading ${label(asset)} from ${asset.url}`);
    let got;
    try {
      got = await download(asset.url, archive, {
        logger: options.logger,
        retry: options.retry,
        idleTimeoutMs: options.idleTimeoutMs,
        label: label(asset),
        progress: options.progress,
      });
    } catch (error) {
      if (error instanceof DownloadError) {
        throw downloadFailure(asset, error, options);
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new OperationalError<ToolsErrorCode>(`${label(asset)}: ${message}`, { code: 'DOWNLOAD_FAILED' });
    }
    if (got.sha256 !== asset.sha256) {
      throw new OperationalError<ToolsErrorCode>(checksumMismatchMessage(asset, got), {
        code: 'CHECKSUM_MISMATCH',
      });
    }
    // With the line above ("Downloading …"), the whole account of a download where no terminal shows progress.
    options.logger.info(
      `Verified ${asset.file}: sha256 ${got.sha256} (${formatBytes(got.bytes)} in ${formatDuration(got.elapsedMs)}, ${formatRate(got.bytes, got.elapsedMs)})`,
    );

    const staging = path.join(work, 'staging');
    await mkdir(staging);
    const binary = path.join(staging, asset.binaryName);
    if (asset.format === 'binary') {
      await rename(archive, binary);
    } else {
      const unpacked = path.join(work, 'unpacked');
      await mkdir(unpacked);
      await rename(await extractMember(asset, archive, unpacked, options.logger), binary);
    }
    await chmod(binary, 0o755);
    const record: CacheRecord = {
      tool: asset.tool,
      version: asset.version,
      platform: asset.platform,
      file: asset.file,
      sha256: asset.sha256,
      binary: asset.binaryName,
    };
    await writeFile(path.join(staging, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
    const dir = cacheDirectory(asset, options.root);
    await store(staging, dir);
    const installed = path.join(dir, asset.binaryName);
    if (!existsSync(installed))
      throw new OperationalError(`${label(asset)}: ${installed} is missing after caching.`);
    return { dir, path: installed };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

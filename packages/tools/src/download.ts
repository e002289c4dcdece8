import { OperationalError, withRetry, type RetryPolicy } from '@release-actions/core';
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Logger } from '@release-actions/core';
import type { ToolsErrorCode } from './errors.js';

/**
 * Downloads one file while hashing it, with bounded retries.
 *
 * Not @actions/tool-cache's downloadTool: it retries with fixed 10–20 s sleeps (a 500 burst would
 * hold a job for most of a minute, and tests for longer), it cannot hash while streaming (we would
 * read every archive twice), and it does not compare Content-Length with the bytes received, so a
 * connection cut short looks like a complete file until the checksum fails.
 */

/** A failure worth another attempt: 5xx, 429, 408, timeouts, connection errors, truncation. */
export class TransientDownloadError extends OperationalError<ToolsErrorCode> {
  override readonly name: string = 'TransientDownloadError';
  constructor(
    message: string,
    readonly received: { bytes: number; expectedBytes?: number; sha256: string },
  ) {
    super(message, { code: 'DOWNLOAD_FAILED' });
  }
}

export interface DownloadOptions {
  logger: Logger;
  retry: RetryPolicy;
  /** A request that sends nothing for this long is abandoned (default 30 s). */
  idleTimeoutMs?: number;
  /** One attempt may take at most this long however steadily bytes trickle in (default 15 min). */
  attemptTimeoutMs?: number;
  /** Prefix for retry warnings, e.g. "cosign v3.1.3 linux-x64". */
  label?: string;
}

export interface Downloaded {
  bytes: number;
  sha256: string;
  attempts: number;
}

const DOWNLOAD_FAILED = { code: 'DOWNLOAD_FAILED' } as const;

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

async function attempt(
  url: string,
  dest: string,
  idleTimeoutMs: number,
  attemptTimeoutMs: number,
): Promise<Omit<Downloaded, 'attempts'>> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, idleTimeoutMs);
  };
  const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(attemptTimeoutMs)]);
  const hash: Hash = createHash('sha256');
  let bytes = 0;
  let expectedBytes: number | undefined;
  const partial = () => ({ bytes, expectedBytes, sha256: hash.copy().digest('hex') });
  arm();
  try {
    let response: Response;
    try {
      response = await fetch(url, {
        signal,
        // Identity, so that the bytes we hash are the bytes the release published.
        headers: { 'accept-encoding': 'identity', 'user-agent': 'release-actions' },
        redirect: 'follow',
      });
    } catch (error) {
      const reason = timedOut
        ? `no response within ${idleTimeoutMs} ms`
        : signal.aborted
          ? `no complete answer within ${attemptTimeoutMs} ms`
          : describeCause(error);
      throw new TransientDownloadError(`request to ${url} failed: ${reason}`, partial());
    }
    if (response.status === 404) {
      await response.body?.cancel();
      throw new OperationalError<ToolsErrorCode>(
        `${url} was not found (HTTP 404); check the version and the mirror.`,
        DOWNLOAD_FAILED,
      );
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      await response.body?.cancel();
      throw new TransientDownloadError(`${url} answered HTTP ${response.status}`, partial());
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw new OperationalError<ToolsErrorCode>(
        `${url} answered HTTP ${response.status}; nothing was downloaded.`,
        DOWNLOAD_FAILED,
      );
    }
    const length = response.headers.get('content-length');
    expectedBytes = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
    try {
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            hash.update(chunk);
            bytes += chunk.length;
            arm();
            yield chunk;
          }
        },
        createWriteStream(dest),
      );
    } catch (error) {
      const reason = timedOut
        ? `stalled for ${idleTimeoutMs} ms`
        : signal.aborted
          ? `not finished within ${attemptTimeoutMs} ms`
          : describeCause(error);
      const of = expectedBytes === undefined ? '' : ` of ${expectedBytes}`;
      throw new TransientDownloadError(
        `download of ${url} broke off after ${bytes}${of} bytes (${reason})`,
        partial(),
      );
    }
    if (expectedBytes !== undefined && bytes !== expectedBytes) {
      throw new TransientDownloadError(
        `download of ${url} was truncated: ${bytes} of ${expectedBytes} bytes`,
        partial(),
      );
    }
    return { bytes, sha256: hash.digest('hex') };
  } finally {
    clearTimeout(timer);
  }
}

/** Downloads `url` to `dest` (overwritten on each attempt); returns the SHA-256 of what arrived. */
export async function download(url: string, dest: string, options: DownloadOptions): Promise<Downloaded> {
  const idle = options.idleTimeoutMs ?? 30_000;
  const label = options.label ? `${options.label}: ` : '';
  let attempts = 0;
  const result = await withRetry(
    async () => {
      attempts++;
      return attempt(url, dest, idle, options.attemptTimeoutMs ?? 15 * 60_000);
    },
    options.retry,
    {
      isTransient: (error) => error instanceof TransientDownloadError,
      onRetry: (error, n, delayMs) =>
        options.logger.warning(
          `${label}${(error as Error).message}; retrying in ${delayMs} ms (attempt ${n + 1} of ${options.retry.attempts ?? 4})`,
        ),
    },
  );
  return { ...result, attempts };
}

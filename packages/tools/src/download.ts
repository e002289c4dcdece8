import {
  networkFailureOf,
  OperationalError,
  withRetry,
  type NetworkFailure,
  type RetryPolicy,
} from '@release-actions/core';
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

/**
 * Why a download did not deliver a whole body. The installer words its one line from this; only
 * a body that arrived whole is ever hashed against the pin, so a failure never reads as tampering.
 */
export type DownloadFailure =
  /** No answer: DNS, connection refused or reset, timeout, TLS. */
  | { kind: 'network'; network: NetworkFailure }
  | { kind: 'status'; status: number }
  /** An answer whose body ended short of its Content-Length (or broke off, or stalled). */
  | { kind: 'incomplete'; bytes: number; expectedBytes?: number; reason?: string }
  /** An answer with no body at all. */
  | { kind: 'empty'; status: number };

export class DownloadError extends OperationalError<ToolsErrorCode> {
  override readonly name: string = 'DownloadError';
  /** Attempts made, set once the retries are over. */
  attempts = 1;
  constructor(
    message: string,
    readonly failure: DownloadFailure,
  ) {
    super(message, { code: 'DOWNLOAD_FAILED' });
  }

  /** Whether another attempt may succeed (5xx, 429, 408, resets, timeouts, truncation). */
  get transient(): boolean {
    const { failure } = this;
    switch (failure.kind) {
      case 'network':
        return failure.network.transient;
      case 'status':
        return failure.status >= 500 || failure.status === 429 || failure.status === 408;
      case 'incomplete':
        return true;
      case 'empty':
        return false;
    }
  }
}

/** What a front end shows while a download runs; `total` is the Content-Length when the server sent one. */
export interface DownloadProgress {
  /** An attempt got its answer and the body starts (again, on a retry). */
  start(total: number | undefined): void;
  /** Bytes received so far in this attempt. */
  data(received: number): void;
  /** The attempt ended: the whole body arrived (`ok`), or it failed. */
  end(ok: boolean): void;
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
  progress?: DownloadProgress;
}

export interface Downloaded {
  bytes: number;
  sha256: string;
  attempts: number;
  /** Time from the first request to the last byte, retries included. */
  elapsedMs: number;
}

function describeCause(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { message, cause } = error as { message?: unknown; cause?: { message?: unknown } };
  const inner = typeof cause?.message === 'string' && cause.message !== '' ? `: ${cause.message}` : '';
  return `${typeof message === 'string' ? message : String(error)}${inner}`;
}

function networkError(url: string, failure: NetworkFailure): DownloadError {
  const host = failure.hostname ?? new URL(url).host;
  // A reset, or a timeout once connected: the host is there but did not answer.
  const connected =
    failure.kind === 'reset' ||
    (failure.kind === 'timeout' &&
      failure.code !== 'UND_ERR_CONNECT_TIMEOUT' &&
      failure.code !== 'ETIMEDOUT');
  const verb = connected ? 'no answer from' : 'cannot reach';
  return new DownloadError(`${verb} ${host} (${failure.reason})`, { kind: 'network', network: failure });
}

function incomplete(
  url: string,
  bytes: number,
  expectedBytes: number | undefined,
  reason?: string,
): DownloadError {
  const of = expectedBytes === undefined ? '' : ` of ${expectedBytes}`;
  return new DownloadError(
    `download of ${url} ended after ${bytes}${of} bytes${reason === undefined ? '' : ` (${reason})`}`,
    { kind: 'incomplete', bytes, expectedBytes, reason },
  );
}

async function attempt(
  url: string,
  dest: string,
  idleTimeoutMs: number,
  attemptTimeoutMs: number,
  progress: DownloadProgress | undefined,
): Promise<{ bytes: number; sha256: string }> {
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
  let started = false;
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
      if (timedOut || signal.aborted) {
        const reason = timedOut
          ? `no response within ${idleTimeoutMs} ms`
          : `no complete answer within ${attemptTimeoutMs} ms`;
        throw networkError(url, { kind: 'timeout', reason, transient: true });
      }
      const failure = networkFailureOf(error);
      if (failure !== undefined) throw networkError(url, failure);
      // Not a network failure (e.g. a port fetch refuses to use): another attempt would fail alike.
      throw networkError(url, { kind: 'other', reason: describeCause(error), transient: false });
    }
    if (response.status === 404) {
      await response.body?.cancel();
      throw new DownloadError(`no such release asset: ${url} (HTTP 404)`, { kind: 'status', status: 404 });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new DownloadError(`${url} answered HTTP ${response.status}`, {
        kind: 'status',
        status: response.status,
      });
    }
    const length = response.headers.get('content-length');
    const expectedBytes = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
    progress?.start(expectedBytes);
    started = true;
    if (response.body !== null) {
      try {
        await pipeline(
          Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              hash.update(chunk);
              bytes += chunk.length;
              arm();
              progress?.data(bytes);
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
            : (networkFailureOf(error)?.reason ?? describeCause(error));
        throw incomplete(url, bytes, expectedBytes, reason);
      }
    }
    if (expectedBytes !== undefined && bytes !== expectedBytes) throw incomplete(url, bytes, expectedBytes);
    if (bytes === 0) {
      throw new DownloadError(`empty response from ${url} (HTTP ${response.status} with no body)`, {
        kind: 'empty',
        status: response.status,
      });
    }
    progress?.end(true);
    return { bytes, sha256: hash.digest('hex') };
  } catch (error) {
    if (started) progress?.end(false);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Downloads `url` to `dest` (overwritten on each attempt); returns the SHA-256 of what arrived. */
export async function download(url: string, dest: string, options: DownloadOptions): Promise<Downloaded> {
  const idle = options.idleTimeoutMs ?? 30_000;
  const label = options.label ? `${options.label}: ` : '';
  const began = Date.now();
  let attempts = 0;
  try {
    const result = await withRetry(
      async () => {
        attempts++;
        return attempt(url, dest, idle, options.attemptTimeoutMs ?? 15 * 60_000, options.progress);
      },
      options.retry,
      {
        isTransient: (error) => error instanceof DownloadError && error.transient,
        onRetry: (error, n, delayMs) =>
          options.logger.warning(
            `${label}${(error as Error).message}; retrying in ${delayMs} ms (attempt ${n + 1} of ${options.retry.attempts ?? 4})`,
          ),
      },
    );
    return { ...result, attempts, elapsedMs: Date.now() - began };
  } catch (error) {
    if (error instanceof DownloadError) error.attempts = attempts;
    throw error;
  }
}

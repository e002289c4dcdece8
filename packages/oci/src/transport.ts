import { OperationalError, silentLogger, withRetry } from '@release-actions/core';
import type { Logger, RetryPolicy } from '@release-actions/core';
import type { OciErrorCode } from './errors.js';
import { registryApiHost } from './reference.js';

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

export interface RequestSpec {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT';
  /** Path under /v2/<repository>/, or a full URL (upload locations, paging links). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Needs push access (the token scope asks for pull,push). */
  push?: boolean;
}

export interface TransportOptions {
  logger?: Logger;
  /** Retry of 5xx, 429, 408 and network failures (default 5 attempts from 1 s, within 60 s). */
  retry?: RetryPolicy;
  /** Timeout of one HTTP request (default 30 s). */
  timeoutMs?: number;
  /**
   * Registries reached over plain HTTP. Default: loopback hosts only (localhost, 127.0.0.0/8,
   * [::1]), which is also what Docker treats as insecure by default.
   */
  plainHttp?: (registry: string) => boolean;
}

export const DEFAULT_REGISTRY_RETRY: RetryPolicy = {
  attempts: 5,
  initialDelayMs: 1000,
  maxDelayMs: 10_000,
  deadlineMs: 60_000,
};

export function isLoopbackHost(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** An answer worth another attempt (5xx, 429, 408); thrown inside the retry loop only. */
class TransientStatus extends OperationalError<OciErrorCode> {
  constructor(readonly status: number) {
    super(`HTTP ${status}`, { code: 'REGISTRY_ERROR' });
  }
}

// fetch's errors may come from another realm (test VMs), so they are recognised by name, not instanceof.
function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : undefined;
}

function networkCause(error: unknown): string {
  const name = errorName(error);
  if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
  const { cause, message } = error as { cause?: { code?: string; message?: string }; message?: string };
  return cause?.code ?? cause?.message ?? message ?? String(error);
}

function isNetworkError(error: unknown): boolean {
  return ['TypeError', 'TimeoutError', 'AbortError'].includes(errorName(error) ?? '');
}

/** Failures that another attempt may not meet; a bad URL, a blocked port or an unknown host will not change. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function isTransientNetworkError(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'TimeoutError' || name === 'AbortError') return true;
  if (name !== 'TypeError') return false;
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

/** HTTP exchanges with registries over Node's fetch: timeouts, bounded retries, one-line errors. */
export class Transport {
  private readonly logger: Logger;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly plainHttp: (registry: string) => boolean;

  constructor(options: TransportOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.retry = options.retry ?? DEFAULT_REGISTRY_RETRY;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.plainHttp = options.plainHttp ?? isLoopbackHost;
  }

  /** `http(s)://host` of the registry's API. */
  baseUrl(registry: string): string {
    return `${this.plainHttp(registry) ? 'http' : 'https'}://${registryApiHost(registry)}`;
  }

  /** One HTTP exchange, retried on 5xx, 429, 408, timeouts and network failures. */
  async send(
    registry: string,
    url: string,
    spec: RequestSpec,
    authorization?: string,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...spec.headers };
    if (authorization !== undefined) headers['authorization'] = authorization;
    const display = `${spec.method} ${url.replace(/\?.*$/, '')}`;
    let attempts = 0;
    try {
      return await withRetry(
        async () => {
          attempts++;
          // fetch drops Authorization when a redirect leaves the origin (blob storage, CDNs).
          const init: RequestInit = {
            method: spec.method,
            headers,
            signal: AbortSignal.timeout(this.timeoutMs),
          };
          if (spec.body !== undefined) init.body = spec.body;
          const response = await fetch(url, init);
          const body = spec.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await response.arrayBuffer());
          if (response.status >= 500 || response.status === 429 || response.status === 408) {
            throw new TransientStatus(response.status);
          }
          return { status: response.status, headers: response.headers, body };
        },
        this.retry,
        {
          isTransient: (error) => error instanceof TransientStatus || isTransientNetworkError(error),
          onRetry: (error, attempt, delay) =>
            this.logger.warning(
              `${display}: ${error instanceof TransientStatus ? error.message : networkCause(error)}; attempt ${attempt + 1} in ${Math.round(delay / 100) / 10} s`,
            ),
        },
      );
    } catch (error) {
      const times = attempts === 1 ? 'once' : `${attempts} times`;
      if (error instanceof TransientStatus) {
        throw new OperationalError<OciErrorCode>(
          `registry ${registry} answered HTTP ${error.status} to ${display} (tried ${times})`,
          { code: 'REGISTRY_UNREACHABLE' },
        );
      }
      if (isNetworkError(error)) {
        throw new OperationalError<OciErrorCode>(
          `cannot reach registry ${registry} at ${new URL(url).origin}: ${networkCause(error)} (tried ${times})`,
          { code: 'REGISTRY_UNREACHABLE' },
        );
      }
      throw error;
    }
  }
}

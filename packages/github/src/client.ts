import type { Octokit } from '@octokit/rest';
import { redact, type Logger } from '@release-actions/core';

export type GitHubClient = Octokit;

/** How hard the client tries; the defaults suit github.com, tests shrink the delays. */
export interface ClientTuning {
  /** Retries of a request that failed with 5xx, 429 or a network error (default 3). */
  retries?: number;
  /**
   * Milliseconds per unit of backoff (default 1000): the n-th retry of a 5xx waits n² units, and a
   * rate-limited request waits its `retry-after` seconds in these units.
   */
  retryUnitMs?: number;
  /** A rate limit that asks to wait longer than this (seconds) fails instead (default 60). */
  maxRetryAfterSeconds?: number;
  /** Pause between two writes (default 1000 ms, GitHub's advice for POST/PATCH/DELETE bursts). */
  writeSpacingMs?: number;
  /** Every request of this client must be done within this time (default 15 minutes). */
  deadlineMs?: number;
}

export interface ClientOptions extends ClientTuning {
  token: string;
  /** The API root: https://api.github.com, or GITHUB_API_URL on GitHub Enterprise Server. */
  baseUrl?: string;
  logger: Logger;
}

export const DEFAULT_API_URL = 'https://api.github.com';

/**
 * An Octokit with the retry and throttling plugins. The modules are imported here, on first use,
 * because they are most of the bundle and an action that fails on its inputs should not pay for
 * loading them.
 */
export async function createClient(options: ClientOptions): Promise<GitHubClient> {
  const [{ Octokit: Rest }, { retry }, { throttling }, { default: Bottleneck }] = await Promise.all([
    import('@octokit/rest'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
    import('bottleneck/light.js'),
  ]);
  const retries = options.retries ?? 3;
  const unit = options.retryUnitMs ?? 1000;
  const maxWait = options.maxRetryAfterSeconds ?? 60;
  const secrets = [options.token];
  const say = (message: unknown) => redact(String(message), secrets);
  const logger = options.logger;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const retrying = retryCount < retries && retryAfter <= maxWait;
      logger.warning(
        say(
          `GitHub ${kind} rate limit on ${request.method} ${request.url}: ${
            retrying ? `retrying in ${retryAfter} s` : 'giving up'
          }.`,
        ),
      );
      return retrying;
    };
  const Client = Rest.plugin(retry, throttling);
  return new Client({
    auth: options.token,
    baseUrl: (options.baseUrl ?? DEFAULT_API_URL).replace(/\/+$/, ''),
    userAgent: 'release-actions-publish',
    log: {
      // Octokit's per-request lines are detail; failures reach the user through our own errors.
      debug: () => undefined,
      info: (message: string) => logger.debug(say(message)),
      warn: (message: string) => logger.warning(say(message)),
      error: (message: string) => logger.debug(say(message)),
    },
    request: { signal: AbortSignal.timeout(options.deadlineMs ?? 15 * 60_000) },
    // 429 is left to the throttling plugin, which waits what GitHub's retry-after (or rate-limit
    // reset) asks for; the retry plugin would come back after its own, shorter, backoff.
    retry: { retries, retryAfterBaseValue: unit, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: {
      id: `release-actions-${process.pid}-${Math.random().toString(36).slice(2)}`,
      retryAfterBaseValue: unit,
      fallbackSecondaryRateRetryAfter: 60,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeSpacingMs ?? 1000 }),
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
  });
}

/**
 * Bounded retry with exponential backoff and jitter, shared by downloads, tool runs, registry
 * and API calls. Bounded twice: by attempts and by a deadline, so a flapping service cannot hold
 * a release job for long.
 */
export interface RetryPolicy {
  /** Total attempts including the first (default 4). */
  attempts?: number;
  /** First delay (default 1000 ms); doubled each time, with ±25 % jitter. */
  initialDelayMs?: number;
  /** Cap of one delay (default 30 s). */
  maxDelayMs?: number;
  /** No new attempt starts after this many ms since the first (default: no deadline). */
  deadlineMs?: number;
}

export interface RetryHooks<E> {
  /** Whether a failure is worth another attempt (5xx, 429, timeouts); others are thrown at once. */
  isTransient: (error: E) => boolean;
  onRetry?: (error: E, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const initial = policy.initialDelayMs ?? 1000;
  const max = policy.maxDelayMs ?? 30_000;
  const base = Math.min(max, initial * 2 ** (attempt - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks<unknown>,
): Promise<T> {
  const attempts = Math.max(1, policy.attempts ?? 4);
  const started = Date.now();
  const wait = hooks.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= attempts || !hooks.isTransient(error)) throw error;
      const delay = backoffDelay(attempt, policy);
      if (policy.deadlineMs !== undefined && Date.now() - started + delay > policy.deadlineMs) throw error;
      hooks.onRetry?.(error, attempt, delay);
      await wait(delay);
    }
  }
}

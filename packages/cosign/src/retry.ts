import type { RetryPolicy } from '@release-actions/core';

/**
 * How long signing keeps trying when Fulcio, Rekor or a timestamp authority fails transiently:
 * at most 10 minutes in all, so an outage fails the job instead of holding it for hours.
 */
export const DEFAULT_SIGNING_RETRY: Required<RetryPolicy> = {
  attempts: 8,
  initialDelayMs: 5_000,
  maxDelayMs: 60_000,
  deadlineMs: 10 * 60_000,
};

/**
 * The default policy; RELEASE_ACTIONS_RETRY_DELAY_MS overrides the first delay (tests use a few
 * milliseconds so that retries run in a moment).
 */
export function signingRetryPolicy(env: NodeJS.ProcessEnv = process.env): Required<RetryPolicy> {
  const override = env.RELEASE_ACTIONS_RETRY_DELAY_MS;
  if (override === undefined || !/^\d+$/.test(override)) return { ...DEFAULT_SIGNING_RETRY };
  const initialDelayMs = Number(override);
  return { ...DEFAULT_SIGNING_RETRY, initialDelayMs, maxDelayMs: Math.max(initialDelayMs, 1) * 12 };
}

import { OperationalError, run, ToolExitError, withRetry } from '@release-actions/core';
import type { Logger, RetryPolicy } from '@release-actions/core';
import { isAlreadyLogged, isTransientFailure } from './cosign-errors.js';
import { entryTooLargeError, isSizeFailure, type EntrySize } from './entry-size.js';
import type { CosignErrorCode } from './errors.js';

export interface CosignRunOptions {
  logger: Logger;
  retry: RetryPolicy;
  /** Added to cosign's environment (COSIGN_PASSWORD, DOCKER_CONFIG). */
  env?: Record<string, string>;
  /** Redacted from everything logged or thrown. */
  secrets?: readonly string[];
  /** One cosign call; its own -t timeout is 3 minutes. */
  timeoutMs?: number;
  /** For tests: replaces the wait between attempts. */
  sleep?: (ms: number) => Promise<void>;
  /** attest: the predicate's size, so that a failure caused by it is reported as such, not retried. */
  entry?: EntrySize;
}

export interface CosignOutcome {
  attempts: number;
  /** The transparency log already held this entry (Rekor 409 on a rerun). */
  alreadyLogged: boolean;
}

/**
 * Runs one cosign signing command, again after a transient Fulcio/Rekor/TSA failure (bounded by
 * the policy's attempts and deadline). A Rekor conflict means an earlier run logged the same entry,
 * which is what the caller wanted, so it counts as success.
 */
export async function runCosign(args: readonly string[], options: CosignRunOptions): Promise<CosignOutcome> {
  let attempts = 0;
  const started = Date.now();
  try {
    await withRetry(
      async (attempt) => {
        attempts = attempt;
        // The last attempt may not outlast the deadline by more than a moment.
        const left = (options.retry.deadlineMs ?? Number.POSITIVE_INFINITY) - (Date.now() - started);
        await run('cosign', args, {
          logger: options.logger,
          env: options.env,
          secrets: options.secrets,
          timeoutMs: Math.max(30_000, Math.min(options.timeoutMs ?? 5 * 60_000, left)),
          streamStderr: true,
        });
      },
      options.retry,
      {
        isTransient: (error) =>
          error instanceof ToolExitError &&
          isTransientFailure(error.result.stderr) &&
          !isSizeFailure(error.result.stderr, options.entry),
        onRetry: (_error, attempt, delayMs) =>
          options.logger.warning(
            `cosign failed with a transient error (attempt ${attempt}); trying again in ${Math.round(delayMs / 100) / 10} s.`,
          ),
        sleep: options.sleep,
      },
    );
    return { attempts, alreadyLogged: false };
  } catch (error) {
    if (error instanceof ToolExitError && isAlreadyLogged(error.result.stderr)) {
      options.logger.notice('The transparency log already holds this entry (an earlier run logged it).');
      return { attempts, alreadyLogged: true };
    }
    if (error instanceof ToolExitError && isSizeFailure(error.result.stderr, options.entry)) {
      throw entryTooLargeError(error.result.stderr, options.entry!, error);
    }
    if (error instanceof ToolExitError && isTransientFailure(error.result.stderr)) {
      throw new OperationalError<CosignErrorCode>(
        `cosign kept failing with transient errors after ${attempts} attempt(s); the Sigstore services or the registry may be down, rerun the job later`,
        { cause: error, code: 'SIGSTORE_UNAVAILABLE' },
      );
    }
    throw error;
  }
}

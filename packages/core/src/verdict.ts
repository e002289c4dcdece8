import { OperationalError, PolicyError, type ReleaseActionsError } from './errors.js';

/**
 * What a step decided: `passed`, `blocked` (the artifact was judged and fails the policy), or
 * `error` (nothing could be decided). Domain functions return a verdict; the front ends turn it
 * into an exit code or a failed step through `enforceVerdict`, the one place that does so.
 */
export type Outcome = 'passed' | 'blocked' | 'error';

export interface Verdict<Code extends string = string> {
  outcome: Outcome;
  /** The error code a blocked or failed verdict is reported under (e.g. `SCAN_BLOCKED`). */
  code: Code;
  /** One line that says why, shown as the error when the verdict is enforced. */
  message: string;
}

/** The error a verdict is reported as: a policy failure (exit 1) or an error (exit 2); none when it passed. */
export function verdictError<Code extends string>(
  verdict: Verdict<Code>,
): ReleaseActionsError<Code> | undefined {
  if (verdict.outcome === 'passed') return undefined;
  const options = { code: verdict.code };
  return verdict.outcome === 'blocked'
    ? new PolicyError<Code>(verdict.message, options)
    : new OperationalError<Code>(verdict.message, options);
}

/** Throws the verdict's error unless it passed. */
export function enforceVerdict<Code extends string>(verdict: Verdict<Code>): void {
  const error = verdictError(verdict);
  if (error) throw error;
}

/** The outcome a thrown value stands for: a policy failure is `blocked`, anything else `error`. */
export function outcomeOf(error: unknown): Outcome {
  return error instanceof PolicyError ? 'blocked' : 'error';
}

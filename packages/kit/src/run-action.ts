import * as core from '@actions/core';
import { describeError, errorCodeOf, outcomeOf, type Outcome } from '@release-actions/core';

/** Every action has this output, so a workflow can tell a blocked release from a broken step. */
export const OUTCOME_OUTPUT = 'outcome';

/**
 * Runs an action's body and sets its `outcome`: what the body returns (`passed` when nothing),
 * `blocked` when it throws a policy failure, `error` for anything else. A thrown error becomes
 * one `::error` line titled with its code and a failed step; the stack is printed only when the
 * run has debug logging on (RUNNER_DEBUG=1). A body returns `blocked` itself only when the user
 * asked for the verdict without failing the step (e.g. scan's fail-build: false).
 */
export async function runAction(body: () => Promise<Outcome | void>): Promise<void> {
  try {
    core.setOutput(OUTCOME_OUTPUT, (await body()) ?? 'passed');
  } catch (error) {
    core.setOutput(OUTCOME_OUTPUT, outcomeOf(error));
    core.error(describeError(error), { title: errorCodeOf(error) });
    process.exitCode = 1;
    if (process.env.RUNNER_DEBUG === '1' && error instanceof Error && error.stack) core.info(error.stack);
  }
}

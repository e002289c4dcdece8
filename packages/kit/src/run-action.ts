import * as core from '@actions/core';
import { describeError } from '@release-actions/core';

/**
 * Runs an action's body. Any error becomes one readable `::error::` line and a failed step;
 * the stack is printed only when the run has debug logging on (RUNNER_DEBUG=1).
 */
export async function runAction(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    core.setFailed(describeError(error));
    if (process.env.RUNNER_DEBUG === '1' && error instanceof Error && error.stack) core.info(error.stack);
  }
}

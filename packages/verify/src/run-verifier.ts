import { run, ToolExitError, type Logger, type RunResult } from '@release-actions/core';
import type { CheckResult } from './report.js';

type Outcome = Omit<CheckResult, 'check' | 'subject' | 'platform'>;

export interface VerifierRun {
  logger: Logger;
  secrets?: readonly string[];
  timeoutMs?: number;
  env?: Record<string, string>;
}

/**
 * Runs cosign or slsa-verifier for one check. Verification failures are judged from the output,
 * never from the exit code (cosign's codes are not a contract); a tool that could not run at all
 * is an error outcome, not a verdict.
 */
export async function runVerifier(
  tool: string,
  args: string[],
  options: VerifierRun,
): Promise<RunResult | Outcome> {
  try {
    return await run(tool, args, {
      logger: options.logger,
      env: options.env ?? {},
      secrets: options.secrets,
      timeoutMs: options.timeoutMs ?? 5 * 60_000,
      okExitCodes: Array.from({ length: 256 }, (_, i) => i),
    });
  } catch (error) {
    if (error instanceof ToolExitError) return { status: 'error', reason: error.message };
    throw error;
  }
}

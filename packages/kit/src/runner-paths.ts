import os from 'node:os';
import path from 'node:path';

/**
 * The two folders an action works in, with one fallback rule for runs outside a runner (tests,
 * `act`): the workspace is the current directory, the temporary folder the system's.
 */
export function workspace(): string {
  return path.resolve(process.env.GITHUB_WORKSPACE || process.cwd());
}

/** RUNNER_TEMP: emptied by the runner after each job, so private files (keys, configs) go here. */
export function runnerTemp(): string {
  return path.resolve(process.env.RUNNER_TEMP || os.tmpdir());
}

import { isTransientToolFailure } from '@release-actions/core';

/**
 * Reading cosign's stderr: which failures are worth another attempt, and which mean that a
 * previous run already got the entry into the transparency log. cosign's exit codes do not say.
 */

// Rekor answers 409 Conflict for an entry it already holds; the go-swagger client prints it as
// "[POST /api/v1/log/entries][409] createLogEntryConflict", Rekor's message says "already exists".
const ALREADY_LOGGED = [
  /createLogEntryConflict/i,
  /\/api\/v\d\/log\/entries\]\[409\]/i,
  /equivalent entry already exists/i,
  /entry already exists in the transparency log/i,
];

export function isAlreadyLogged(stderr: string): boolean {
  return ALREADY_LOGGED.some((pattern) => pattern.test(stderr));
}

/** A 409 reads like a failure but is success on a rerun, so it is never worth another attempt. */
export function isTransientFailure(stderr: string): boolean {
  return !isAlreadyLogged(stderr) && isTransientToolFailure(stderr);
}

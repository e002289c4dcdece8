/**
 * The errors every package throws, typed by who must act on them. The CLI maps them to its exit
 * codes (0 success, 1 policy failure, 2 error) and the actions to one `::error::` line each.
 */

/** Base class: `message` is one line a person can act on, naming the input or file concerned. */
export class ReleaseActionsError extends Error {
  override readonly name: string = 'ReleaseActionsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An input, flag or file given by the user is not acceptable. */
export class InputError extends ReleaseActionsError {
  override readonly name: string = 'InputError';
}

/** A tool, download, registry or API call failed; nothing was decided about the artifact. */
export class OperationalError extends ReleaseActionsError {
  override readonly name: string = 'OperationalError';
}

/** The artifact was evaluated and does not meet the policy (findings, failed verification). */
export class PolicyError extends ReleaseActionsError {
  override readonly name: string = 'PolicyError';
}

export const EXIT_OK = 0;
export const EXIT_POLICY = 1;
export const EXIT_ERROR = 2;

/** Policy failures exit 1; everything else that went wrong exits 2, so CI never mistakes a crash for a verdict. */
export function exitCodeFor(error: unknown): number {
  return error instanceof PolicyError ? EXIT_POLICY : EXIT_ERROR;
}

/** One readable line: the message and its causes, without stack frames. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const text = current instanceof Error ? current.message : String(current);
    const line = text.split('\n')[0]?.trim() ?? '';
    if (line !== '' && !parts.some((p) => p.includes(line))) parts.push(line);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.length > 0 ? parts.join(': ') : 'unknown error';
}

/**
 * The errors every package throws, typed by who must act on them, each with a stable `code`. The
 * CLI maps them to its exit codes (0 success, 1 policy failure, 2 error) and the actions to one
 * `::error` line titled with the code and an `outcome` output (passed, blocked, error).
 *
 * Each package names its own codes as a string union (e.g. `VulnErrorCode`) and passes them as
 * the type argument, so a code is checked where it is thrown and listed in one place.
 */

/** Codes every package may use; packages add their own. */
export type CommonErrorCode = 'INPUT_INVALID' | 'OPERATION_FAILED' | 'POLICY_FAILED' | 'INTERNAL';

export interface ErrorOptions<Code extends string> {
  cause?: unknown;
  /** A stable identifier for scripts and the `::error` title; the class's default when not given. */
  code?: Code;
  /**
   * The input the problem is in, by its action input name (e.g. `ref-pattern`). The message
   * then reads "Input 'ref-pattern': …" in an action and "--ref-pattern: …" in the CLI. Other
   * inputs the message speaks of are written with `mention(name)`.
   */
  input?: string;
}

const MENTION = /\{input:([A-Za-z0-9_-]+)\}/g;

/**
 * Another input named inside a message: it reads 'name' in an action and --name (or what the
 * command takes instead) in the CLI, so a message never names an input by hand.
 */
export function mention(input: string): string {
  return `{input:${input}}`;
}

function renderMentions(text: string, names: InputNamer): string {
  return text.replace(MENTION, (_, input: string) => names(input, true));
}

/** Base class: `message` is one line a person can act on, naming the input or file concerned. */
export class ReleaseActionsError<Code extends string = string> extends Error {
  override readonly name: string = 'ReleaseActionsError';
  readonly code: Code | CommonErrorCode;
  readonly input?: string;
  /**
   * The message without the name of the input, which each front end renders its own way (with
   * the `mention` marks of other inputs still in it).
   */
  readonly detail: string;
  constructor(message: string, options: ErrorOptions<Code> = {}) {
    const shown = renderMentions(message, ACTION_INPUT_NAMES);
    super(options.input === undefined ? shown : `${ACTION_INPUT_NAMES(options.input)}: ${shown}`, {
      cause: options.cause,
    });
    this.detail = message;
    this.input = options.input;
    this.code = options.code ?? this.defaultCode();
  }
  protected defaultCode(): CommonErrorCode {
    return 'INTERNAL';
  }
}

/** An input, flag or file given by the user is not acceptable. */
export class InputError<Code extends string = string> extends ReleaseActionsError<Code> {
  override readonly name: string = 'InputError';
  protected override defaultCode(): CommonErrorCode {
    return 'INPUT_INVALID';
  }
}

/** A tool, download, registry or API call failed; nothing was decided about the artifact. */
export class OperationalError<Code extends string = string> extends ReleaseActionsError<Code> {
  override readonly name: string = 'OperationalError';
  protected override defaultCode(): CommonErrorCode {
    return 'OPERATION_FAILED';
  }
}

/** The artifact was evaluated and does not meet the policy (findings, failed verification). */
export class PolicyError<Code extends string = string> extends ReleaseActionsError<Code> {
  override readonly name: string = 'PolicyError';
  protected override defaultCode(): CommonErrorCode {
    return 'POLICY_FAILED';
  }
}

export const EXIT_OK = 0;
export const EXIT_POLICY = 1;
export const EXIT_ERROR = 2;

/** Policy failures exit 1; everything else that went wrong exits 2, so CI never mistakes a crash for a verdict. */
export function exitCodeFor(error: unknown): number {
  return error instanceof PolicyError ? EXIT_POLICY : EXIT_ERROR;
}

/** The code of any thrown value: ours carry one, anything else is a bug. */
export function errorCodeOf(error: unknown): string {
  return error instanceof ReleaseActionsError ? error.code : 'INTERNAL';
}

/**
 * How a front end names an input in messages: the action's input, or the CLI's flag; `mentioned`
 * when the name stands inside a sentence rather than before it.
 */
export type InputNamer = (input: string, mentioned?: boolean) => string;

export const ACTION_INPUT_NAMES: InputNamer = (input, mentioned) =>
  mentioned ? `'${input}'` : `Input '${input}'`;

/** The CLI's flags carry the inputs' names; `renamed` lists the few that differ (e.g. a positional). */
export function cliInputNames(renamed: Readonly<Record<string, string>> = {}): InputNamer {
  return (input) => renamed[input] ?? `--${input}`;
}

/** One readable line: the message and its causes, without stack frames, inputs named for the front end. */
export function describeError(error: unknown, names: InputNamer = ACTION_INPUT_NAMES): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const text =
      current instanceof ReleaseActionsError
        ? `${current.input === undefined ? '' : `${names(current.input)}: `}${renderMentions(current.detail, names)}`
        : current instanceof Error
          ? current.message
          : String(current);
    const line = text.split('\n')[0]?.trim() ?? '';
    if (line !== '' && !parts.some((p) => p.includes(line))) parts.push(line);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.length > 0 ? parts.join(': ') : 'unknown error';
}

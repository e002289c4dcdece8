export {
  ReleaseActionsError,
  InputError,
  OperationalError,
  PolicyError,
  EXIT_OK,
  EXIT_POLICY,
  EXIT_ERROR,
  exitCodeFor,
  errorCodeOf,
  describeError,
  ACTION_INPUT_NAMES,
  cliInputNames,
  mention,
} from './errors.js';
export type { CommonErrorCode, ErrorOptions, InputNamer } from './errors.js';
export { enforceVerdict, outcomeOf } from './verdict.js';
export type { Outcome, Verdict } from './verdict.js';
export type { Logger } from './logger.js';
export { silentLogger } from './logger.js';
export { redact, REDACTED } from './redact.js';
export { withRetry, sleep } from './retry.js';
export type { RetryPolicy, RetryHooks } from './retry.js';
export { run, formatCommand, ToolExitError } from './run.js';
export type { RunOptions, RunResult } from './run.js';
export { Markdown, escapeCell, code, SUMMARY_LIMIT_BYTES } from './markdown.js';
export { isTransientToolFailure, networkFailureOf } from './transient-failure.js';
export type { NetworkFailure, NetworkFailureKind } from './transient-failure.js';
export { plainStyle, ansiStyle, styleFor } from './style.js';
export type { TextStyle } from './style.js';
export { writeWhole } from './write-whole.js';
export {
  readInputFile,
  readInputBytes,
  openInputFile,
  checkInputFile,
  inputFileChunks,
  formatLimit,
} from './input-file.js';
export type { InputFileOptions } from './input-file.js';
export { listed } from './listed.js';
export { expandPathLines, isInside } from './path-lines.js';
export type { GlobApi, PathLine, PathLinesOptions } from './path-lines.js';

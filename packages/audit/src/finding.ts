import type { RuleId } from './rules.js';
import type { Severity } from './severity.js';

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** Path as given or found, with forward slashes, relative to the working directory when inside it. */
  file: string;
  /** 1-based line and column of the offending node. */
  line: number;
  column: number;
  message: string;
  fix: string;
}

/** A file that could not be audited (unparsable YAML, unreadable, too large). */
export interface AuditError {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** A file that was read but is neither a workflow nor an action metadata file (or is empty). */
export interface Skipped {
  file: string;
  reason: string;
}

export interface AuditResult {
  files: string[];
  findings: Finding[];
  errors: AuditError[];
  skipped: Skipped[];
  /** Findings removed by suppression comments or the config file, for the record. */
  suppressed: number;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}

/** `file:line:column` of a file that could not be audited, or just the file when no position is known. */
export function errorLocation(error: AuditError): string {
  return `${error.file}${error.line ? `:${error.line}:${error.column ?? 1}` : ''}`;
}

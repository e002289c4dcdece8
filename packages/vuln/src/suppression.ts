import path from 'node:path';
import type { Evaluation, Finding, Suppression } from './policy.js';

/** What the policy set aside, as both the job summary and the terminal report list it. */

export interface SetAside {
  /** Suppressed by an ignore rule or a VEX statement, in report order: each has its rule and reason. */
  suppressed: Finding[];
  /** Left out by only-fixed (no fixed version yet): counted, not listed. */
  unfixed: number;
}

export function setAside(evaluation: Evaluation): SetAside {
  const suppressed = evaluation.findings.filter((f) => f.suppressed && f.suppressed.by !== 'only-fixed');
  const unfixed = evaluation.findings.filter((f) => f.suppressed?.by === 'only-fixed').length;
  return { suppressed, unfixed };
}

/**
 * Which rule suppressed a finding: `ignore rule 2 (until 2026-12-31)` or `VEX app.vex.json #1`.
 * `file` says how to show a file (the summary shows the base name; the terminal a path relative
 * to the current directory); with `ignoreFile` the ignore rule's file is named too.
 */
export function suppressedBy(
  suppression: Suppression,
  file: (name: string) => string | undefined,
  ignoreFile = false,
): string {
  if (suppression.by === 'ignore') {
    const { rule } = suppression;
    return `ignore rule ${rule.index}${ignoreFile ? ` of ${file(rule.file)}` : ''} (until ${rule.expires})`;
  }
  if (suppression.by === 'vex')
    return `VEX ${file(suppression.statement.file)} #${suppression.statement.index}`;
  return suppression.by;
}

/**
 * A path as a person at `cwd` would type it: relative when it is under `cwd`, else as it is
 * (a temporary directory elsewhere stays absolute, so it can be found).
 */
export function displayPath(file: string, cwd: string | undefined): string {
  if (cwd === undefined || !path.isAbsolute(file)) return file;
  const relative = path.relative(cwd, file);
  if (relative === '') return '.';
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return file;
  return relative;
}

import type { AuditReport } from '../report.js';
import { findingLevel } from '../severity.js';

/** A message pinned to a file position in the run's log and the pull request's diff. */
export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title?: string;
  file: string;
  startLine?: number;
  startColumn?: number;
}

/** One annotation per shown finding, with its fix, then one per file that could not be audited. */
export function auditAnnotations(report: AuditReport): Annotation[] {
  const findings = report.findings.map((f): Annotation => {
    const level = findingLevel(f.severity);
    return {
      level: level === 'note' ? 'notice' : level,
      message: `${f.message} Fix: ${f.fix}`,
      title: `${f.rule} (${f.severity})`,
      file: f.file,
      startLine: f.line,
      startColumn: f.column,
    };
  });
  const errors = report.result.errors.map((e): Annotation => ({
    level: 'error',
    message: e.message,
    file: e.file,
    startLine: e.line,
    startColumn: e.column,
  }));
  return [...findings, ...errors];
}

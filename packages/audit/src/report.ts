import type { Verdict } from '@release-actions/core';
import type { AuditConfig } from './config.js';
import type { AuditErrorCode } from './errors.js';
import type { AuditResult, Finding } from './finding.js';
import { formatJson } from './format/json.js';
import { formatSarif } from './format/sarif.js';
import { formatText } from './format/text.js';
import { atLeast, type Severity } from './severity.js';

export type ReportFormat = 'text' | 'json' | 'sarif';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif'];

/** What one run of the audit reports, whichever front end asked for it. */
export interface AuditReport {
  result: AuditResult;
  /** The findings at or above min-severity: the ones shown, counted and judged. */
  findings: Finding[];
  failOn: Severity | 'none';
  /** Rule severities the config changes, for SARIF's rule descriptions. */
  severities: Partial<Record<string, Severity>>;
  /** Where the SARIF report was written (the action always writes one). */
  sarifFile?: string;
}

/** The findings shown: at or above --min-severity. */
export function selectFindings(result: AuditResult, minSeverity: Severity): Finding[] {
  return result.findings.filter((f) => atLeast(f.severity, minSeverity));
}

export function severityOverrides(config: AuditConfig): Partial<Record<string, Severity>> {
  const out: Partial<Record<string, Severity>> = {};
  for (const [id, setting] of Object.entries(config.rules)) if (setting?.severity) out[id] = setting.severity;
  return out;
}

export type AuditVerdict = Verdict<AuditErrorCode | 'AUDIT_PASSED'>;

/**
 * An error when a file could not be audited; blocked when a shown finding is at or above fail-on.
 * Only shown findings count: a run must never fail on something it did not report.
 */
export function verdict(
  report: Pick<AuditReport, 'result' | 'findings' | 'failOn' | 'sarifFile'>,
): AuditVerdict {
  const { result, failOn } = report;
  const first = result.errors[0];
  if (first) {
    return {
      outcome: 'error',
      code: 'AUDIT_INCOMPLETE',
      message: `${result.errors.length} file(s) could not be audited; first: ${first.file}: ${first.message}`,
    };
  }
  const failing = failOn === 'none' ? [] : report.findings.filter((f) => atLeast(f.severity, failOn));
  if (failing.length > 0) {
    const see = report.sarifFile ? `; see the annotations and ${report.sarifFile}` : '';
    return {
      outcome: 'blocked',
      code: 'AUDIT_FINDINGS',
      message: `${failing.length} finding(s) at or above ${failOn}${see}.`,
    };
  }
  const shown = `${report.findings.length} finding(s)`;
  return {
    outcome: 'passed',
    code: 'AUDIT_PASSED',
    message: failOn === 'none' ? `${shown}; fail-on is none.` : `${shown}, none at or above ${failOn}.`,
  };
}

/** The report as printed: `file:line:col severity RULE message` lines, JSON, or SARIF. */
export function renderAuditReport(report: AuditReport, format: ReportFormat): string {
  const { result, findings } = report;
  if (format === 'json') return formatJson(result, findings);
  if (format === 'sarif') return formatSarif(result, findings, { severities: report.severities });
  return formatText(result, findings);
}

/** The action's outputs: the SARIF report's path and how many findings were shown. */
export function auditOutputs(report: AuditReport): Record<string, string | number> {
  return { ...(report.sarifFile ? { sarif: report.sarifFile } : {}), findings: report.findings.length };
}

import type { AuditConfig } from './config.js';
import type { AuditResult, Finding } from './finding.js';
import { atLeast, type Severity } from './severity.js';

/** The findings shown: at or above --min-severity. */
export function selectFindings(result: AuditResult, minSeverity: Severity): Finding[] {
  return result.findings.filter((f) => atLeast(f.severity, minSeverity));
}

/**
 * 2 when a file could not be audited, 1 when a shown finding is at or above failOn, else 0. Only
 * shown findings count: a run must never fail on something it did not report.
 */
export function verdict(
  result: AuditResult,
  failOn: Severity | 'none',
  shown: readonly Finding[] = result.findings,
): 0 | 1 | 2 {
  if (result.errors.length > 0) return 2;
  if (failOn !== 'none' && shown.some((f) => atLeast(f.severity, failOn))) return 1;
  return 0;
}

export function severityOverrides(config: AuditConfig): Partial<Record<string, Severity>> {
  const out: Partial<Record<string, Severity>> = {};
  for (const [id, setting] of Object.entries(config.rules)) if (setting?.severity) out[id] = setting.severity;
  return out;
}

/** Severities from least to most serious; the order is what --min-severity and --fail-on compare. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** GitHub code scanning ranks alerts by this number (0.1–10); its bands are low <4, medium <7, high <9. */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  low: '3.0',
  medium: '5.5',
  high: '8.0',
  critical: '9.5',
};

/** How a finding of this severity is flagged: SARIF's result level, and (as notice for note) a run annotation. */
export function findingLevel(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'critical' || severity === 'high'
    ? 'error'
    : severity === 'medium'
      ? 'warning'
      : 'note';
}

import { InputError } from '@release-actions/core';

/** Grype's severities from least to most severe; `unknown` sits apart (see `atOrAbove`). */
export const SEVERITIES = ['negligible', 'low', 'medium', 'high', 'critical'] as const;
export type Cutoff = (typeof SEVERITIES)[number];
export type Severity = Cutoff | 'unknown';

/** Every severity a report can carry, most severe first: the order of tables and listings. */
export const DISPLAY_ORDER: readonly Severity[] = [
  'critical',
  'high',
  'medium',
  'low',
  'negligible',
  'unknown',
];

export type SeverityCounts = Record<Severity, number>;

export function emptyCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, negligible: 0, unknown: 0 };
}

/** A cutoff as a user writes it (any case); anything else is one clear error naming the input. */
export function parseCutoff(value: string | undefined): Cutoff {
  if (value === undefined || value.trim() === '') return 'high';
  const found = SEVERITIES.find((s) => s === value.trim().toLowerCase());
  if (found === undefined) {
    throw new InputError(`"${value}" is not a severity; use one of ${SEVERITIES.join(', ')}.`, {
      input: 'severity-cutoff',
    });
  }
  return found;
}

/** A severity as grype writes it ("Critical", "Negligible", "Unknown", ""); anything unrecognised is unknown. */
export function normalizeSeverity(value: unknown): Severity {
  if (typeof value !== 'string') return 'unknown';
  const lower = value.trim().toLowerCase();
  return (SEVERITIES as readonly string[]).includes(lower) ? (lower as Cutoff) : 'unknown';
}

export function rank(severity: Severity): number {
  return severity === 'unknown' ? -1 : SEVERITIES.indexOf(severity);
}

/** Unknown severities count as at or above the cutoff only when the policy says so. */
export function atOrAbove(severity: Severity, cutoff: Cutoff, unknownFails: boolean): boolean {
  if (severity === 'unknown') return unknownFails;
  return rank(severity) >= rank(cutoff);
}

export function capitalize(severity: Severity): string {
  return severity.charAt(0).toUpperCase() + severity.slice(1);
}

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * Expectations computed straight from a grype report file, the way one would with jq
 * (`[.matches[].vulnerability.severity] | group_by(.) | map({(.[0]): length})`), without any
 * of the code under test.
 */
export const grypeFixtures = path.join(repoRoot, 'test', 'fixtures', 'upstream', 'grype');

/** Every grype JSON report among the upstream fixtures. */
export function grypeJsonReports(): string[] {
  const reports = readdirSync(path.join(grypeFixtures, 'reports'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => path.join(grypeFixtures, 'reports', f));
  const goldens = readdirSync(path.join(grypeFixtures, 'golden', 'json')).map((f) =>
    path.join(grypeFixtures, 'golden', 'json', f),
  );
  return [...reports, ...goldens].sort();
}

export interface Expected {
  counts: Record<string, number>;
  /** Default policy: blocked when a Critical or High finding is there. */
  verdict: 'pass' | 'fail';
  matches: number;
  sourceType: string;
  userInput?: string;
}

export function expectedFrom(file: string): Expected {
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    matches: { vulnerability: { severity: string } }[];
    source: { type: string; target: string | { userInput: string } };
  };
  const counts: Record<string, number> = {
    critical: 0,
    high: 0,
    medium: 0,
    low: 0,
    negligible: 0,
    unknown: 0,
  };
  for (const match of report.matches) {
    const key = match.vulnerability.severity.toLowerCase();
    counts[key in counts ? key : 'unknown']! += 1;
  }
  return {
    counts,
    verdict: counts.critical! + counts.high! > 0 ? 'fail' : 'pass',
    matches: report.matches.length,
    sourceType: report.source.type,
    userInput: typeof report.source.target === 'object' ? report.source.target.userInput : undefined,
  };
}

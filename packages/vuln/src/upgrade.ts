import type { Finding } from './policy.js';
import { rank } from './severity.js';
import { versionOrder, type Compare } from './versions.js';

/**
 * Findings grouped by the package they are in, and for each package the one upgrade that clears
 * the most of them: what a reader of the scan can act on.
 */

export interface Upgrade {
  /** The version to upgrade to: one of the fixed versions grype lists. */
  to: string;
  /** Findings of the package that this version fixes, and how many of them block. */
  clears: number;
  blocking: number;
}

export interface PackageFindings {
  name: string;
  version: string;
  type?: string;
  /** Most important first (blocking, then the most severe). */
  findings: Finding[];
  blocking: number;
  upgrade?: Upgrade;
}

/** The fixed versions of a finding newer than what is installed (a fix of an older line does not help). */
function fixesAbove(finding: Finding, compare: Compare): string[] {
  const fix = finding.match.vulnerability.fix;
  if (fix?.state !== 'fixed') return [];
  const installed = finding.match.artifact.version;
  return (fix.versions ?? []).filter((v) => typeof v === 'string' && v !== '' && compare(v, installed) > 0);
}

/** The first index of `sorted` whose version is at or above `version` (sorted.length when none is). */
function lowerBound(sorted: readonly string[], version: string, compare: Compare): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(sorted[mid]!, version) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The upgrade for one package: among the fixed versions its findings list (above the installed
 * version), the one that clears the most findings; of several that clear as many, the smallest,
 * the least change to make. Versions are ordered by the package's ecosystem (see versions.ts).
 * For a single finding this is what grype suggests (`matchDetails[].fix.suggestedVersion`: the
 * smallest fixed version above the installed one).
 *
 * A finding with one fixed version is cleared by any version at or above it. With several, grype
 * lists one per release line (`1.2.1, 2.1.3, 3.4.0`): a version in between may sit in a later line
 * that is still vulnerable (2.0.5 is not fixed when 2.x is fixed in 2.1.3), and the report does not
 * say where the lines begin; so only a listed fixed version, or one at or above all of them,
 * counts as clearing it.
 *
 * Counted over the sorted candidates with a difference array (a range from the largest fix on,
 * plus a point per other listed fix), so a package with thousands of findings (a kernel) costs
 * n log n comparisons, not n².
 */
export function bestUpgrade(findings: readonly Finding[], type: string | undefined): Upgrade | undefined {
  const compare = versionOrder(type);
  const fixes = findings.map((f) => fixesAbove(f, compare));
  const sorted = [...new Set(fixes.flat())].sort(compare);
  // One candidate per distinct version in this order (1.02 and 1.2 are one).
  const candidates = sorted.filter((v, i) => i === 0 || compare(sorted[i - 1]!, v) !== 0);
  if (candidates.length === 0) return undefined;
  const clears = new Array<number>(candidates.length + 1).fill(0);
  const blocking = new Array<number>(candidates.length + 1).fill(0);
  const add = (from: number, to: number, finding: Finding) => {
    clears[from]!++;
    clears[to]!--;
    if (finding.blocking) {
      blocking[from]!++;
      blocking[to]!--;
    }
  };
  for (const [i, finding] of findings.entries()) {
    const list = fixes[i]!;
    if (list.length === 0) continue;
    const highest = list.reduce((a, b) => (compare(a, b) >= 0 ? a : b));
    const from = lowerBound(candidates, highest, compare);
    add(from, candidates.length, finding);
    const points = new Set<number>();
    for (const v of list) {
      const at = lowerBound(candidates, v, compare);
      if (at < from) points.add(at);
    }
    for (const at of points) add(at, at + 1, finding);
  }
  let best: Upgrade | undefined;
  let count = 0;
  let blocked = 0;
  for (const [i, to] of candidates.entries()) {
    count += clears[i]!;
    blocked += blocking[i]!;
    // Candidates come smallest first: only a strictly better count replaces the smaller version.
    if (count > 0 && (best === undefined || count > best.clears))
      best = { to, clears: count, blocking: blocked };
  }
  return best;
}

/** Blocking findings first, then the most severe. */
export function byPriority(a: Finding, b: Finding): number {
  if (a.blocking !== b.blocking) return a.blocking ? -1 : 1;
  return rank(b.severity) - rank(a.severity);
}

/** Code-point order: the same whatever the locale of the machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Packages with the most blocking findings first, then the most severe, then the most findings. */
function byImportance(a: PackageFindings, b: PackageFindings): number {
  return (
    b.blocking - a.blocking ||
    rank(b.findings[0]!.severity) - rank(a.findings[0]!.severity) ||
    b.findings.length - a.findings.length ||
    compareText(a.name, b.name) ||
    compareText(a.version, b.version)
  );
}

/** The findings in force (not suppressed), grouped by package (name, version and type). */
export function byPackage(findings: readonly Finding[]): PackageFindings[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.suppressed) continue;
    const { name, version, type } = f.match.artifact;
    const key = JSON.stringify([name, version, type ?? '']);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  return [...groups.values()]
    .map((list): PackageFindings => {
      const { name, version, type } = list[0]!.match.artifact;
      const sorted = [...list].sort(byPriority);
      const upgrade = bestUpgrade(sorted, type);
      return {
        name,
        version,
        ...(type ? { type } : {}),
        findings: sorted,
        blocking: sorted.filter((f) => f.blocking).length,
        ...(upgrade ? { upgrade } : {}),
      };
    })
    .sort(byImportance);
}

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

/**
 * Whether upgrading to `candidate` fixes a finding whose fixed versions above the installed one
 * are `fixes`. With one fixed version, any version at or above it does. With several, grype lists
 * one per release line (`1.2.1, 2.1.3, 3.4.0`): a version in between may sit in a later line that
 * is still vulnerable (2.0.5 is not fixed when 2.x is fixed in 2.1.3), and the report does not say
 * where the lines begin; so only a listed fixed version, or one at or above all of them, counts.
 * For a single finding this picks what grype suggests (`matchDetails[].fix.suggestedVersion`, the
 * smallest fixed version above the installed one).
 */
function fixedBy(candidate: string, fixes: readonly string[], compare: Compare): boolean {
  if (fixes.length === 0) return false;
  if (fixes.some((v) => compare(candidate, v) === 0)) return true;
  return fixes.every((v) => compare(candidate, v) >= 0);
}

/**
 * The upgrade for one package: among the fixed versions its findings list (above the installed
 * version), the one that clears the most findings; of several that clear as many, the smallest,
 * the least change to make. Versions are ordered by the package's ecosystem (see versions.ts).
 */
export function bestUpgrade(findings: readonly Finding[], type: string | undefined): Upgrade | undefined {
  const compare = versionOrder(type);
  const fixes = findings.map((f) => fixesAbove(f, compare));
  const candidates = new Set<string>();
  for (const list of fixes) for (const v of list) candidates.add(v);
  let best: Upgrade | undefined;
  for (const to of [...candidates].sort(compare)) {
    let clears = 0;
    let blocking = 0;
    for (const [i, f] of findings.entries()) {
      if (!fixedBy(to, fixes[i]!, compare)) continue;
      clears++;
      if (f.blocking) blocking++;
    }
    // Candidates come smallest first: only a strictly better count replaces the smaller version.
    if (clears > 0 && (best === undefined || clears > best.clears)) best = { to, clears, blocking };
  }
  return best;
}

/** Blocking findings first, then the most severe. */
export function byPriority(a: Finding, b: Finding): number {
  if (a.blocking !== b.blocking) return a.blocking ? -1 : 1;
  return rank(b.severity) - rank(a.severity);
}

/** Packages with the most blocking findings first, then the most severe, then the most findings. */
function byImportance(a: PackageFindings, b: PackageFindings): number {
  return (
    b.blocking - a.blocking ||
    rank(b.findings[0]!.severity) - rank(a.findings[0]!.severity) ||
    b.findings.length - a.findings.length ||
    a.name.localeCompare(b.name) ||
    a.version.localeCompare(b.version)
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

import type { SbomDocument, SbomPackage } from './document.js';
import { readSbom } from './document.js';
import { comparableIdentity, parsePurl } from './purl.js';

export interface PackageRef {
  key: string;
  name: string;
  type: string;
  version: string;
}

export interface ChangedPackage {
  /** The new SBOM's identity of the package. */
  key: string;
  /** The old SBOM's identity, when it spelled the package URL otherwise (`pkg:alpine/musl`). */
  oldKey?: string;
  name: string;
  type: string;
  /** The versions present before and after (several when a package is installed more than once). */
  from: string[];
  to: string[];
}

export interface SbomDiff {
  old: { file: string; format: string; packages: number };
  new: { file: string; format: string; packages: number };
  added: PackageRef[];
  removed: PackageRef[];
  changed: ChangedPackage[];
  unchanged: number;
}

interface Group {
  /** The identity as this SBOM spells it. */
  key: string;
  name: string;
  type: string;
  versions: string[];
}

/** The identity two SBOMs are matched by: legacy and current purl spellings of a package are one. */
function matchKey(pkg: SbomPackage): string {
  const parts = parsePurl(pkg.purl);
  return parts ? comparableIdentity(parts) : pkg.key;
}

/**
 * Packages grouped by comparable identity; one identity may appear several times (a Go module in
 * two binaries).
 */
function group(packages: readonly SbomPackage[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const pkg of packages) {
    const id = matchKey(pkg);
    const found = groups.get(id);
    if (found) found.versions.push(pkg.version);
    else groups.set(id, { key: pkg.key, name: pkg.name, type: pkg.type, versions: [pkg.version] });
  }
  for (const g of groups.values()) g.versions.sort();
  return groups;
}

function sameVersions(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)];
  const right = new Set(b);
  return left.length === right.size && left.every((v) => right.has(v));
}

function byName<T extends { name: string; key: string }>(a: T, b: T): number {
  return a.name.localeCompare(b.name) || a.key.localeCompare(b.key);
}

/**
 * What changed between two SBOMs, in any of our formats on either side. Packages are matched by
 * package URL without version (else by name), so an SPDX and a CycloneDX file of the same scan
 * compare equal, and legacy and current purl types of one package (`pkg:alpine/musl`,
 * `pkg:apk/alpine/musl`) are the same package; each entry keeps its own file's identity.
 */
export function diffSboms(before: SbomDocument, after: SbomDocument): SbomDiff {
  const oldGroups = group(before.packages);
  const newGroups = group(after.packages);
  const added: PackageRef[] = [];
  const removed: PackageRef[] = [];
  const changed: ChangedPackage[] = [];
  let unchanged = 0;
  for (const [id, g] of newGroups) {
    const previous = oldGroups.get(id);
    if (!previous) {
      for (const version of new Set(g.versions))
        added.push({ key: g.key, name: g.name, type: g.type, version });
    } else if (sameVersions(previous.versions, g.versions)) {
      unchanged++;
    } else {
      changed.push({
        key: g.key,
        ...(previous.key !== g.key ? { oldKey: previous.key } : {}),
        name: g.name,
        type: g.type,
        from: [...new Set(previous.versions)],
        to: [...new Set(g.versions)],
      });
    }
  }
  for (const [id, g] of oldGroups) {
    if (newGroups.has(id)) continue;
    for (const version of new Set(g.versions))
      removed.push({ key: g.key, name: g.name, type: g.type, version });
  }
  return {
    old: { file: before.file, format: before.format, packages: before.packages.length },
    new: { file: after.file, format: after.format, packages: after.packages.length },
    added: added.sort(byName),
    removed: removed.sort(byName),
    changed: changed.sort(byName),
    unchanged,
  };
}

/** The comparison of two SBOM files (`release-actions sbom diff`); a file that is not an SBOM fails naming it. */
export function diffSbomFiles(before: string, after: string): SbomDiff {
  return diffSboms(readSbom(before, { input: 'old' }), readSbom(after, { input: 'new' }));
}

export function hasChanges(diff: SbomDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length > 0;
}

const show = (versions: readonly string[]) => versions.map((v) => v || '(no version)').join(', ');

/** Plain text for a terminal: the counts, then one line per package, grouped as added, removed, changed. */
export function formatDiffText(diff: SbomDiff): string {
  // The counts first: the line a person (and -q) reads as the result.
  const lines = [
    `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.unchanged} unchanged`,
    `old: ${diff.old.file} (${diff.old.format}, ${diff.old.packages} packages)`,
    `new: ${diff.new.file} (${diff.new.format}, ${diff.new.packages} packages)`,
  ];
  if (diff.added.length > 0)
    lines.push('', 'added:', ...diff.added.map((p) => `  + ${p.name} ${show([p.version])} (${p.type})`));
  if (diff.removed.length > 0)
    lines.push('', 'removed:', ...diff.removed.map((p) => `  - ${p.name} ${show([p.version])} (${p.type})`));
  if (diff.changed.length > 0) {
    lines.push(
      '',
      'changed:',
      ...diff.changed.map(
        (p) =>
          `  ~ ${p.name} ${show(p.from)} -> ${show(p.to)} (${p.type}${p.oldKey ? `; was ${p.oldKey}` : ''})`,
      ),
    );
  }
  return lines.join('\n');
}

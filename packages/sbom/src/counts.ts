import type { SbomPackage } from './document.js';

/** Packages per type, the largest first (ties by name), for outputs and summaries. */
export function countByType(packages: readonly SbomPackage[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const pkg of packages) counts.set(pkg.type, (counts.get(pkg.type) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return Object.fromEntries(sorted);
}

import type { SbomDiff } from './diff.js';
import type { GenerateResult } from './generate.js';
import { describeSource } from './source.js';

/** The result as plain text for a terminal (the action writes the same facts as a job summary). */
export function formatResultText(result: GenerateResult): string {
  const lines = [`source: ${describeSource(result.source)}`];
  if (result.source.digest) lines.push(`digest: ${result.source.digest}`);
  lines.push(`syft: ${result.syftVersion}`, `packages: ${result.packages}`, '', 'files:');
  for (const file of result.files) {
    lines.push(
      `  ${file.format.padEnd(15)} ${file.specVersion.padEnd(14)} ${String(file.packages).padStart(6)}  ${file.path}`,
    );
  }
  const counts = Object.entries(result.countsByType);
  if (counts.length > 0) {
    lines.push('', 'packages by type:');
    const width = Math.max(...counts.map(([type]) => type.length));
    for (const [type, count] of counts) lines.push(`  ${type.padEnd(width)} ${String(count).padStart(6)}`);
  }
  return lines.join('\n');
}

/** The result as one JSON document (paths, counts, version, digest, and the comparison when made). */
export function resultJson(result: GenerateResult, diff?: SbomDiff): Record<string, unknown> {
  return {
    source: {
      kind: result.source.kind,
      value: result.source.value,
      ...(result.source.digest ? { digest: result.source.digest } : {}),
    },
    syftVersion: result.syftVersion,
    packages: result.packages,
    countsByType: result.countsByType,
    files: result.files.map((f) => ({
      format: f.format,
      path: f.path,
      specVersion: f.specVersion,
      packages: f.packages,
    })),
    ...(diff ? { diff } : {}),
  };
}

import type { SbomResult } from './create.js';
import { formatDiffText } from './diff.js';
import type { GenerateResult } from './generate.js';
import { manifestEntries } from './manifest.js';
import { describeSource } from './source.js';

/** One pass's files and counts as plain text. */
function generatedText(result: GenerateResult): string {
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

/** The verdict line: what was catalogued, into how many files, with how many packages. */
function headline(result: SbomResult): string {
  const { seed } = result;
  const what = describeSource(seed.source);
  if (result.index) {
    return `SBOMs written for ${what}: ${result.platforms.length} platform(s), ${seed.files.length} format(s) each (syft ${seed.syftVersion}).`;
  }
  return `SBOMs written for ${what}: ${seed.files.length} file(s), ${seed.packages} packages (syft ${seed.syftVersion}).`;
}

/** The result as plain text for a terminal: the verdict line, then the facts the job summary holds. */
export function renderSbomText(result: SbomResult): string {
  const lines = [headline(result), '', generatedText(result.seed)];
  if (result.index) {
    lines.push(
      '',
      `index ${result.digest}: one SBOM pass per platform; the files without a platform in their name are copies of ${result.platforms[0]?.platform}'s`,
      ...result.platforms.map(
        (p) =>
          `  ${p.platform.padEnd(16)} ${p.digest}  ${String(p.result.packages).padStart(6)}  ${p.result.files.map((f) => f.path).join(' ')}`,
      ),
    );
  }
  if (result.manifest) lines.push('', `platforms manifest: ${result.manifest.file}`);
  if (result.diff) lines.push('', formatDiffText(result.diff));
  return lines.join('\n');
}

/** The result as one JSON document (paths, counts, version, digest, platforms, and the comparison). */
export function sbomJson(result: SbomResult): Record<string, unknown> {
  const seed = result.seed;
  return {
    source: {
      kind: seed.source.kind,
      value: seed.source.value,
      ...(seed.source.digest ? { digest: seed.source.digest } : {}),
    },
    syftVersion: seed.syftVersion,
    packages: seed.packages,
    countsByType: seed.countsByType,
    files: seed.files.map((f) => ({
      format: f.format,
      path: f.path,
      specVersion: f.specVersion,
      packages: f.packages,
    })),
    ...(result.diff ? { diff: result.diff } : {}),
    ...(result.digest ? { digest: result.digest } : {}),
    manifest: result.manifest?.file ?? null,
    platforms: result.manifest ? manifestEntries(result.manifest.content) : [],
  };
}

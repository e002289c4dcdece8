import { code, Markdown } from '@release-actions/core';
import path from 'node:path';
import type { SbomDiff } from './diff.js';
import type { SbomResult } from './create.js';
import { describeSource } from './source.js';

/** Longest lists of added, removed and changed packages shown before "and N more". */
const LIST_LIMIT = 50;
/** More rows than this go into a folded section. */
const FOLD_AFTER = 20;

function listed<T>(items: readonly T[], render: (item: T) => string[]): string[][] {
  const rows = items.slice(0, LIST_LIMIT).map(render);
  if (items.length > LIST_LIMIT) rows.push([`… and ${items.length - LIST_LIMIT} more`, '', '', '']);
  return rows;
}

function renderComparison(diff: SbomDiff, md: Markdown): void {
  md.heading(`Compared with ${code(path.basename(diff.old.file))}`, 3).paragraph(
    `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.unchanged} unchanged.`,
  );
  const rows = [
    ...listed(diff.changed, (p) => ['changed', p.name, p.type, `${p.from.join(', ')} → ${p.to.join(', ')}`]),
    ...listed(diff.added, (p) => ['added', p.name, p.type, p.version]),
    ...listed(diff.removed, (p) => ['removed', p.name, p.type, p.version]),
  ];
  const headers = ['Change', 'Package', 'Type', 'Version'];
  // A short list is shown as it is; a long one (a base image update) folded, so the counts stay in view.
  if (rows.length > FOLD_AFTER) {
    md.details(
      `${diff.changed.length + diff.added.length + diff.removed.length} packages`,
      new Markdown().table(headers, rows).toString().trim(),
    );
  } else if (rows.length > 0) {
    md.table(headers, rows);
  }
}

/**
 * The job summary: source, digest, one row per platform of an index, the seed files, packages by
 * type, syft version, and the comparison if any.
 */
export function renderSbomSummary(result: SbomResult, md: Markdown): Markdown {
  const seed = result.seed;
  md.heading('SBOM');
  const source =
    result.index && result.manifest
      ? `image ${result.manifest.content.subject}`
      : describeSource(seed.source);
  const facts = [`Source: ${code(source)}`];
  const digest = result.digest ?? seed.source.digest;
  if (digest) facts.push(`${result.index ? 'Index digest' : 'Digest'}: ${code(digest)}`);
  else if (seed.source.kind === 'image') facts.push('Digest: not given (the image was named by tag)');
  facts.push(
    `Packages: **${seed.packages}**${result.index ? ` (${result.platforms[0]!.platform})` : ''}`,
    `syft: ${code(seed.syftVersion)}`,
  );
  md.list(facts);
  if (result.index) {
    md.heading('Platforms', 3).paragraph(
      `One SBOM pair per platform digest; the files without a platform in their name are copies of the first platform's (${result.platforms[0]!.platform}).`,
    );
    md.table(
      ['Platform', 'Digest', 'Packages', 'Files'],
      result.platforms.map((p) => [
        p.platform,
        code(p.digest),
        String(p.result.packages),
        p.result.files.map((f) => code(path.basename(f.path))).join(' '),
      ]),
    );
  }
  md.table(
    ['Format', 'File', 'Version', 'Packages'],
    seed.files.map((f) => [f.format, code(path.basename(f.path)), f.specVersion, String(f.packages)]),
  );
  const counts = Object.entries(seed.countsByType);
  if (counts.length > 0) {
    md.heading('Packages by type', 3).table(
      ['Type', 'Packages'],
      counts.map(([type, count]) => [type, String(count)]),
    );
  }
  if (result.diff) renderComparison(result.diff, md);
  return md;
}

import type { Markdown } from '@release-actions/core';
import type { PublishResult } from './publish.js';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Header and rows of the table both front ends print (job summary, CLI): one row per asset with
 * its size, SHA-256 and download URL, so a reader can check a download against the run.
 */
export function assetTable(result: PublishResult): { headers: string[]; rows: string[][] } {
  return {
    headers: ['asset', 'size', 'sha256', 'result', 'URL'],
    rows: result.assets.map((asset) => [
      `\`${asset.name}\``,
      formatBytes(asset.size),
      `\`${asset.sha256}\``,
      asset.outcome,
      asset.url,
    ]),
  };
}

/** The one line both front ends print about the notes block, or undefined when none was given. */
export function notesSentence(result: Pick<PublishResult, 'notes'>): string | undefined {
  switch (result.notes) {
    case 'created':
      return 'The verification commands were written to the release notes when the draft was created.';
    case 'updated':
      return 'The verification commands were written to the release notes.';
    case 'unchanged':
      return 'The release notes already held these verification commands; the body was not changed.';
    case 'none':
      return undefined;
  }
}

/** The action's outputs: each asset's download URL by name, and the release's page. */
export function publishOutputs(result: PublishResult): Record<string, string | Record<string, string>> {
  return {
    'asset-urls': Object.fromEntries(result.assets.map((a) => [a.name, a.url])),
    'release-url': result.releaseUrl,
  };
}

function releaseKind(result: PublishResult): string {
  return result.draft ? 'Draft release' : 'Release';
}

/** What this run did to the release itself, and whether GitHub has locked it. */
function releaseFacts(result: PublishResult): string[] {
  const facts: string[] = [];
  if (result.created) facts.push('created as a draft by this run');
  if (result.published) facts.push(`published by this run with make_latest ${result.makeLatest ?? 'true'}`);
  if (result.immutable) facts.push('immutable: GitHub has locked its assets and tag');
  return facts;
}

/** The job summary: which release, what happened to the notes, and the table of assets. */
export function renderPublishSummary(result: PublishResult, summary: Markdown): Markdown {
  summary
    .heading('Release assets')
    .paragraph(
      `${releaseKind(result)} [${result.tag}](${result.releaseUrl}) of ${result.repository}` +
        (releaseFacts(result).length > 0 ? ` (${releaseFacts(result).join('; ')})` : '') +
        '.',
    );
  return withNotesAndTable(result, summary);
}

/**
 * The CLI's report as plain text: the verdict line (the release, how many assets and what
 * happened to them), the notes sentence, then one line per asset with its size, SHA-256 and URL.
 */
export function renderPublishText(result: PublishResult): string {
  const counts = new Map<string, number>();
  for (const asset of result.assets) counts.set(asset.outcome, (counts.get(asset.outcome) ?? 0) + 1);
  const what = [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
  const lines = [
    `${releaseKind(result)} ${result.tag} of ${result.repository}: ${result.assets.length} asset(s) published${what ? ` (${what})` : ''}${result.created ? ', the draft created by this run' : ''}${result.published ? `, the release published by this run (make_latest ${result.makeLatest ?? 'true'})` : ''}${result.immutable ? ', immutable' : ''}; ${result.releaseUrl}`,
  ];
  const notes = notesSentence(result);
  if (notes !== undefined) lines.push(notes);
  const width = Math.max(0, ...result.assets.map((a) => a.name.length));
  for (const asset of result.assets) {
    lines.push(
      `  ${asset.name.padEnd(width)}  ${formatBytes(asset.size).padStart(10)}  sha256:${asset.sha256}  ${asset.outcome.padEnd(9)}  ${asset.url}`,
    );
  }
  return lines.join('\n');
}

function withNotesAndTable(result: PublishResult, document: Markdown): Markdown {
  const notes = notesSentence(result);
  if (notes !== undefined) document.paragraph(notes);
  const table = assetTable(result);
  return document.table(table.headers, table.rows);
}

/** `release-actions publish --json`: the result with stable field names. */
export function publishJson(result: PublishResult): string {
  return JSON.stringify(
    {
      'release-url': result.releaseUrl,
      draft: result.draft,
      created: result.created,
      published: result.published === true,
      immutable: result.immutable === true,
      ...(result.makeLatest === undefined ? {} : { 'make-latest': result.makeLatest }),
      notes: result.notes,
      assets: result.assets.map(({ name, size, sha256, contentType, url, outcome }) => ({
        name,
        size,
        sha256,
        contentType,
        url,
        outcome,
      })),
    },
    null,
    2,
  );
}

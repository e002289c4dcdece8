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

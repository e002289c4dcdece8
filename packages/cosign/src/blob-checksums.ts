import { InputError, writeWhole } from '@release-actions/core';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import path from 'node:path';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface ChecksumEntry {
  file: string;
  sha256: string;
}

/**
 * The checksums file as `sha256sum` writes it and `sha256sum -c` reads it beside the files:
 * `<hex>  <base name>` per line, sorted by name, so the same files always give the same bytes.
 * Two files of one base name could not both be checked, and a name with a newline or a backslash
 * would need sha256sum's escaping; both are refused.
 */
export function checksumsText(entries: readonly ChecksumEntry[], input = 'files'): string {
  const byName = new Map<string, ChecksumEntry>();
  for (const entry of entries) {
    const name = path.basename(entry.file);
    if (/[\n\r\\]/.test(name)) {
      throw new InputError(
        `"${entry.file}": a checksums file cannot list a name with a newline or a backslash.`,
        {
          input,
        },
      );
    }
    const other = byName.get(name);
    if (other !== undefined) {
      throw new InputError(
        `"${other.file}" and "${entry.file}" have the same name "${name}"; a checksums file lists each name once. Rename one of them.`,
        { input },
      );
    }
    byName.set(name, entry);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, entry]) => `${entry.sha256}  ${name}\n`)
    .join('');
}

/** Writes the checksums file whole or not at all. */
export function writeChecksums(file: string, entries: readonly ChecksumEntry[], input = 'files'): string {
  const text = checksumsText(entries, input);
  mkdirSync(path.dirname(file), { recursive: true });
  writeWhole(file, text);
  return text;
}

import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes `text` to `file` whole or not at all: a temporary file beside it, then a rename, so a
 * reader never sees half a file and a failed write leaves the old file as it was.
 */
export function writeWhole(file: string, text: string): void {
  const partial = path.join(path.dirname(file), `.${path.basename(file)}.partial-${process.pid}`);
  try {
    writeFileSync(partial, text);
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

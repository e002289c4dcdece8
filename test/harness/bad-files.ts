import { execFileSync } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Paths that are not a regular file within a limit, each refused by the reader of input files. */
export interface BadFiles {
  fifo: string;
  directory: string;
  /** A sparse file: its size costs no disk space. */
  oversized: string;
}

/** Makes a named pipe, a directory and a sparse file of `oversizedBytes` in `dir`. */
export function makeBadFiles(dir: string, oversizedBytes: number): BadFiles {
  const files = {
    fifo: path.join(dir, 'pipe.json'),
    directory: path.join(dir, 'folder.json'),
    oversized: path.join(dir, 'huge.json'),
  };
  execFileSync('mkfifo', [files.fifo]);
  mkdirSync(files.directory);
  writeFileSync(files.oversized, '');
  truncateSync(files.oversized, oversizedBytes);
  return files;
}

import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { InputError } from './errors.js';

/**
 * The one way a command reads a file the user named: it refuses, before reading a byte, anything
 * but a regular file of at most `maxBytes` (a directory, a named pipe, a socket, a device such as
 * /dev/zero or a terminal's /dev/stdin), so a bad path is one clear error line instead of a read
 * that never ends or fills the memory. The limits of each kind are listed in docs/errors.md.
 */
export interface InputFileOptions<Code extends string = string> {
  /**
   * The input (or flag) that named the file, for the error line; without it, the line names the
   * file alone (one the tools wrote, or one a manifest names).
   */
  input?: string;
  /** The largest file accepted, in bytes. */
  maxBytes: number;
  /** What the file should be, e.g. "a grype JSON report", said before "a regular file of at most …". */
  what?: string;
  /** The error code for a refused file; INPUT_INVALID when not given. */
  code?: Code;
  /** The error code for a file over the limit, when it differs from `code`. */
  tooLargeCode?: Code;
  /** How the error line names the file, when not by the path read (a file staged under another name). */
  name?: string;
}

const MIB = 1024 * 1024;

/** A limit as people write it: 512 MiB, 64 KiB, or bytes. */
export function formatLimit(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function kindOf(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function refusal<Code extends string>(
  file: string,
  problem: string,
  options: InputFileOptions<Code>,
  tooLarge = false,
) {
  const accepted = `a regular file of at most ${formatLimit(options.maxBytes)}`;
  const give = options.what === undefined ? accepted : `${options.what}: ${accepted}`;
  return new InputError<Code>(`"${options.name ?? file}" ${problem}; give ${give}.`, {
    ...(options.input === undefined ? {} : { input: options.input }),
    code: (tooLarge ? (options.tooLargeCode ?? options.code) : options.code) as Code | undefined,
  });
}

function unreadable<Code extends string>(file: string, error: unknown, options: InputFileOptions<Code>) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return refusal(file, 'does not exist', options);
  if (code === 'EISDIR') return refusal(file, 'is a directory', options);
  return refusal(file, `cannot be read (${code ?? (error as Error).message})`, options);
}

function check<Code extends string>(file: string, stats: Stats, options: InputFileOptions<Code>): void {
  const kind = kindOf(stats);
  if (kind !== undefined) throw refusal(file, `is ${kind}`, options);
  if (stats.size > options.maxBytes) {
    throw refusal(file, `is ${stats.size} bytes, over the limit`, options, true);
  }
}

/**
 * Opens a file the user named for reading, checked as readInputFile checks it; the caller reads
 * it (at most `maxBytes`) and closes the descriptor. The path is looked at first so that nothing
 * but a regular file is even opened (opening a device can have effects of its own); the open
 * descriptor is checked again, so a path swapped in between is refused too.
 */
export function openInputFile<Code extends string>(
  file: string,
  options: InputFileOptions<Code>,
): { fd: number; size: number } {
  try {
    check(file, statSync(file), options);
  } catch (error) {
    throw error instanceof InputError ? error : unreadable(file, error, options);
  }
  let fd: number;
  try {
    // O_NONBLOCK: opening a named pipe put in place since the look would otherwise wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw unreadable(file, error, options);
  }
  try {
    const stats = fstatSync(fd);
    check(file, stats, options);
    return { fd, size: stats.size };
  } catch (error) {
    closeSync(fd);
    throw error instanceof InputError ? error : unreadable(file, error, options);
  }
}

/**
 * Reads at most `maxBytes` from an open input file; one that has grown past the limit since it
 * was opened is refused rather than read on.
 */
function readAtMost<Code extends string>(
  file: string,
  fd: number,
  size: number,
  options: InputFileOptions<Code>,
): Buffer {
  const limit = options.maxBytes + 1;
  let buffer = Buffer.allocUnsafe(Math.max(1, Math.min(limit, size + 1)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length >= limit) break;
      const larger = Buffer.allocUnsafe(Math.min(limit, length * 2));
      buffer.copy(larger, 0, 0, length);
      buffer = larger;
    }
    let read: number;
    try {
      read = readSync(fd, buffer, length, buffer.length - length, null);
    } catch (error) {
      throw unreadable(file, error, options);
    }
    if (read === 0) break;
    length += read;
  }
  if (length > options.maxBytes) throw refusal(file, 'grew over the limit while it was read', options, true);
  return buffer.subarray(0, length);
}

/** The bytes of a file the user named, or an InputError naming the input and what is accepted. */
export function readInputBytes<Code extends string>(file: string, options: InputFileOptions<Code>): Buffer {
  const { fd, size } = openInputFile(file, options);
  try {
    return readAtMost(file, fd, size, options);
  } finally {
    closeSync(fd);
  }
}

/** The text (UTF-8) of a file the user named, or an InputError naming the input and what is accepted. */
export function readInputFile<Code extends string>(file: string, options: InputFileOptions<Code>): string {
  const bytes = readInputBytes(file, options);
  try {
    return bytes.toString('utf8');
  } catch {
    // A JavaScript string holds a little under 512 MiB.
    throw refusal(file, `is ${bytes.length} bytes, more than one text can hold`, options, true);
  }
}

/**
 * A file the user named, checked as readInputFile checks it, in chunks of `chunkBytes`: for a
 * document too large to hold twice in memory (a grype report of tens of thousands of matches).
 */
export function* inputFileChunks<Code extends string>(
  file: string,
  options: InputFileOptions<Code>,
  chunkBytes = 1024 * 1024,
): Generator<Buffer> {
  const { fd } = openInputFile(file, options);
  try {
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(chunkBytes);
      let read: number;
      try {
        read = readSync(fd, buffer, 0, chunkBytes, null);
      } catch (error) {
        throw unreadable(file, error, options);
      }
      if (read === 0) return;
      total += read;
      if (total > options.maxBytes) {
        throw refusal(file, 'grew over the limit while it was read', options, true);
      }
      yield read < chunkBytes ? buffer.subarray(0, read) : buffer;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks a file the user named as readInputFile would, without reading it: for an input read
 * later (after a tool ran), so that a bad path is refused before anything else happens.
 */
export function checkInputFile<Code extends string>(file: string, options: InputFileOptions<Code>): void {
  closeSync(openInputFile(file, options).fd);
}

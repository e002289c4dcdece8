import {
  expandPathLines,
  InputError,
  isInside,
  openInputFile,
  type GlobApi,
  type InputFileOptions,
} from '@release-actions/core';
import { closeSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { CosignErrorCode } from './errors.js';

/** GitHub keeps release assets under 2 GiB; a release binary larger than that is not published anyway. */
export const MAX_BLOB_BYTES = 2 * 1024 * 1024 * 1024;

/** The suffix of every bundle written beside a file; files with it are never signed themselves. */
export const BUNDLE_SUFFIX = '.sigstore.json';

export function blobFileOptions(input: string): InputFileOptions<CosignErrorCode> {
  return { input, maxBytes: MAX_BLOB_BYTES, what: 'a release file to sign (a binary or an archive)' };
}

export interface ExpandBlobOptions {
  /** The input the lines come from, named in errors. */
  input: string;
  /** Relative lines are resolved against it, and every file must be inside it (symbolic links resolved). */
  workspace: string;
  /** Whether the workspace bounds the files (the action); the command line signs what it is given. */
  confine: boolean;
  /** For lines with glob characters (core's expandPathLines); without it such a line is refused. */
  loadGlob?: () => Promise<GlobApi>;
  /** Files a pattern must not pick up (the checksums file about to be written). */
  exclude?: readonly string[];
}

/**
 * The files of the `files` lines (core's expandPathLines). Each must be a regular file, inside the
 * workspace with its symbolic links resolved. A pattern never picks up a Sigstore bundle
 * (`*.sigstore.json`, an earlier run's) or an excluded file. Sorted, each file once.
 */
export async function expandBlobFiles(
  lines: readonly string[],
  options: ExpandBlobOptions,
): Promise<string[]> {
  const { input } = options;
  const root = path.resolve(options.workspace);
  const realRoot = realpathSync(root);
  const check = (file: string, shown: string): string => {
    if (options.confine) {
      let real: string;
      try {
        real = realpathSync(file);
      } catch {
        throw new InputError(`"${shown}" does not exist.`, { input });
      }
      if (!isInside(root, file) || !isInside(realRoot, real)) {
        throw new InputError(`"${shown}" is outside the workspace ${root}; give files inside it.`, { input });
      }
    }
    closeSync(openInputFile(file, { ...blobFileOptions(input), name: shown }).fd);
    return file;
  };
  const excluded = new Set((options.exclude ?? []).map((file) => path.resolve(root, file)));
  const candidates = await expandPathLines(lines, {
    input,
    workspace: root,
    loadGlob: options.loadGlob,
    skip: (file) => file.endsWith(BUNDLE_SUFFIX) || excluded.has(path.resolve(file)),
    purpose: 'to sign',
  });
  const found = candidates.map(({ path: file, shown, matched }) =>
    check(file, matched ? path.relative(root, file) : shown),
  );
  return [...new Set(found)].sort();
}

/** Where the signature of `file` goes: `<file>.sigstore.json`, beside it. */
export function signatureBundleOf(file: string): string {
  return `${file}${BUNDLE_SUFFIX}`;
}

/**
 * Refuses a bundle path taken by something that is not an earlier run's Sigstore bundle (a
 * directory, a symbolic link, a file of the user's): signing would replace it. An earlier bundle
 * is replaced, so that a rerun signs again.
 */
export function checkBundlePath(bundle: string, input: string): void {
  let stats;
  try {
    stats = lstatSync(bundle);
  } catch {
    return;
  }
  const inTheWay = (why: string) =>
    new InputError(
      `"${bundle}" is in the way of the bundle to write there: ${why}. Move it, or sign a copy of the file elsewhere.`,
      { input },
    );
  if (!stats.isFile()) throw inTheWay('it is not a regular file');
  if (stats.size > 16 * 1024 * 1024) throw inTheWay('it is not a Sigstore bundle');
  let mediaType: unknown;
  try {
    mediaType = (JSON.parse(readFileSync(bundle, 'utf8')) as { mediaType?: unknown } | null)?.mediaType;
  } catch {
    mediaType = undefined;
  }
  if (typeof mediaType !== 'string' || !mediaType.startsWith('application/vnd.dev.sigstore.bundle')) {
    throw inTheWay('it is not a Sigstore bundle');
  }
}

import { createHash } from 'node:crypto';
import { closeSync, createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { expandPathLines, InputError, isInside, openInputFile, type GlobApi } from '@release-actions/core';
import type { GithubErrorCode } from './errors.js';
import { contentTypeFor } from './content-type.js';

/** A local file about to become a release asset. */
export interface LocalAsset {
  path: string;
  /** The asset name: the file's base name. */
  name: string;
  size: number;
  sha256: string;
  contentType: string;
}

/** GitHub refuses release assets of 2 GiB and more. */
export const MAX_ASSET_BYTES = 2 * 1024 ** 3 - 1;

/**
 * GitHub silently renames an asset whose name has other characters, or a leading or trailing
 * period; a renamed asset would not be found by name on the next run and would be duplicated,
 * so such names are refused instead.
 */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export interface ExpandOptions {
  /** Relative lines are resolved against it; files must be inside it ... */
  workspace: string;
  /** ... or inside one of these (RUNNER_TEMP, where the sbom action writes by default). */
  alsoUnder?: readonly string[];
  /** The input named in errors. */
  input: string;
  /** The glob matcher for lines with patterns (kit's loadGlob in the action); without it a pattern is refused. */
  loadGlob?: () => Promise<GlobApi>;
}

/**
 * Expands the `files` lines (core's expandPathLines). Everything must resolve, symbolic links
 * included, to a file inside the workspace (or an allowed directory such as RUNNER_TEMP), so that
 * a crafted input cannot publish, say, the runner's credentials.
 */
export async function expandFiles(lines: readonly string[], options: ExpandOptions): Promise<string[]> {
  const workspace = await realpath(path.resolve(options.workspace));
  const roots = [workspace];
  for (const dir of options.alsoUnder ?? []) {
    try {
      roots.push(await realpath(path.resolve(dir)));
    } catch {
      // A directory that does not exist holds no file to publish.
    }
  }
  const found: string[] = [];
  const candidates = await expandPathLines(lines, {
    input: options.input,
    workspace,
    loadGlob: options.loadGlob,
  });
  for (const { path: file, shown } of candidates) {
    found.push(await checkFile(file, shown, roots, options.input));
  }
  return [...new Set(found)];
}

async function checkFile(
  candidate: string,
  shown: string,
  roots: readonly string[],
  input: string,
): Promise<string> {
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new InputError(`"${shown}" does not exist.`, { input });
  }
  const inside = roots.some((root) => isInside(root, real));
  if (!inside) {
    throw new InputError(`"${shown}" is outside the workspace (${roots.join(', ')}); give files inside it.`, {
      input,
    });
  }
  if (!(await stat(real)).isFile()) throw new InputError(`"${shown}" is not a file.`, { input });
  return candidate;
}

/**
 * Checks and fingerprints every file before anything is sent, so that a bad file fails the step
 * before the release is touched.
 */
export async function describeFiles(files: readonly string[], input = 'files'): Promise<LocalAsset[]> {
  if (files.length === 0) throw new InputError(`no file to publish was given.`, { input });
  const assets: LocalAsset[] = [];
  const byName = new Map<string, string>();
  for (const file of files) {
    const name = path.basename(file);
    if (!ASSET_NAME.test(name) || name.endsWith('.') || name.length > 255) {
      throw new InputError(
        `"${name}" is not a usable asset name; use letters, digits, '.', '_' and '-' (not first or last '.').`,
        { input },
      );
    }
    const other = byName.get(name);
    if (other !== undefined) {
      throw new InputError<GithubErrorCode>(
        `"${other}" and "${file}" would both become the asset "${name}"; rename one of them.`,
        { input, code: 'ASSET_CONFLICT' },
      );
    }
    byName.set(name, file);
    const { fd, size } = openInputFile(file, {
      input,
      maxBytes: MAX_ASSET_BYTES,
      what: 'a file to attach (GitHub accepts assets under 2 GiB)',
    });
    closeSync(fd);
    if (size === 0) throw new InputError(`"${file}" is empty; an empty asset is never meant.`, { input });
    assets.push({
      path: file,
      name,
      size,
      sha256: await sha256File(file),
      contentType: contentTypeFor(name),
    });
  }
  return assets;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

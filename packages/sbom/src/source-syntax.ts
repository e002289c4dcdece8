import { InputError, ReleaseActionsError } from '@release-actions/core';
import { parseReference, type ImageReference } from '@release-actions/oci/reference';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The one way to name what `sbom` catalogues and `scan` scans, the same in the CLI's `[source]`
 * argument and the actions' `source` input (docs/sources.md):
 *
 *   image:<reference>   an image in a registry (or a daemon, with the sbom command's image source)
 *   dir:<path>          a directory
 *   file:<path>         an image archive (docker save, OCI tar) or any single file
 *   sbom:<file>         an SBOM to scan (scan only)
 *   <reference>         a bare value is an image reference, never a path
 *
 * A bare value means the same thing wherever the command runs: what happens to lie in the current
 * directory never turns an image into a directory.
 */

export type SourceSpec =
  | { kind: 'image'; /** The reference as written. */ value: string; reference: ImageReference }
  | { kind: 'dir' | 'file' | 'sbom'; /** The absolute path. */ value: string };

/** The syntax in a line, for the command that reads it. */
export function sourceSyntax(command: 'sbom' | 'scan'): string {
  return command === 'scan'
    ? 'image:<reference>, sbom:<file>, dir:<path>, file:<path> or a bare image reference'
    : 'image:<reference>, dir:<path>, file:<path> or a bare image reference';
}

export interface ParseSourceOptions {
  /** The input errors name: `source` (the CLI shows it as `<source>`), or a flag such as `image`. */
  input?: string;
  /** `scan` reads SBOMs; `sbom` makes them and refuses `sbom:`. */
  allowSbom?: boolean;
  /**
   * Turns a written path into an absolute one, refusing those the front end does not allow (an
   * action's: outside the workspace). Default: resolved against the current directory.
   */
  resolvePath?: (value: string) => string;
  /** Told when a bare value is read as an image although a file or directory of that name exists. */
  warn?: (message: string) => void;
}

/** The schemes syft and grype read themselves, and how ours says the same. */
const TOOL_SCHEMES: Readonly<Record<string, string>> = {
  registry: 'image:<reference>',
  docker: 'image:<reference>',
  podman: 'image:<reference>',
  containerd: 'image:<reference>',
  'docker-archive': 'file:<path>',
  'oci-archive': 'file:<path>',
  singularity: 'file:<path>',
  'oci-dir': 'dir:<path>',
};

type PathKind = 'directory' | 'file';

function kindOf(location: string): PathKind | 'other' | undefined {
  if (!existsSync(location)) return undefined;
  const stats = statSync(location);
  return stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other';
}

/** Parses a source as written; paths are checked to exist and be of their kind before anything runs. */
export function parseSource(text: string, options: ParseSourceOptions = {}): SourceSpec {
  const input = options.input ?? 'source';
  const syntax = sourceSyntax(options.allowSbom ? 'scan' : 'sbom');
  const fail = (message: string) => new InputError(message, { input });
  const resolve = options.resolvePath ?? ((value: string) => path.resolve(value));
  const written = text.trim();
  if (written === '') throw fail(`is empty; accepted: ${syntax}.`);
  if (written.includes('\0')) throw fail('contains a NUL byte.');

  const colon = written.indexOf(':');
  const scheme = colon === -1 ? '' : written.slice(0, colon);
  const rest = written.slice(colon + 1);

  if (scheme === 'image') {
    if (rest.trim() === '') throw fail(`"${written}" names no image; write image:<reference>.`);
    return { kind: 'image', value: rest.trim(), reference: parseReference(rest, input) };
  }
  if (scheme === 'sbom' && !options.allowSbom) {
    throw fail(
      `"${written}": sbom:<file> is what scan reads; sbom catalogues image:<reference>, dir:<path> or file:<path>.`,
    );
  }
  if (scheme === 'dir' || scheme === 'file' || scheme === 'sbom') {
    if (rest === '') throw fail(`"${written}" names no path; write ${scheme}:<path>.`);
    const wanted: PathKind = scheme === 'dir' ? 'directory' : 'file';
    const resolved = resolve(rest);
    const found = kindOf(resolved);
    if (found === undefined) throw fail(`"${written}": ${resolved} does not exist.`);
    if (found !== wanted) {
      const instead = found === 'directory' ? ` (for a directory write dir:${rest})` : '';
      throw fail(`"${written}": ${resolved} is not a ${wanted}${instead}.`);
    }
    return { kind: scheme, value: resolved };
  }
  // A registry with a port (localhost:5000/app) is a reference, not a scheme.
  if (scheme in TOOL_SCHEMES && !/^\d/.test(rest)) {
    throw fail(
      `"${written}": ${scheme}: is syft's and grype's own scheme; write ${TOOL_SCHEMES[scheme]} (accepted: ${syntax}).`,
    );
  }
  return bareImage(written, input, resolve, options.warn);
}

/** A bare value: an image reference. An existing path is never guessed; it is named in the error or warning. */
function bareImage(
  written: string,
  input: string,
  resolve: (value: string) => string,
  warn: ((message: string) => void) | undefined,
): SourceSpec {
  let existing: PathKind | 'other' | undefined;
  try {
    existing = kindOf(resolve(written));
  } catch {
    existing = undefined; // a path the front end refuses cannot be what was meant
  }
  const [prefix, noun] = existing === 'directory' ? ['dir', 'directory'] : ['file', 'file'];
  let reference: ImageReference;
  try {
    reference = parseReference(written, input);
  } catch (error) {
    if (existing !== undefined) {
      throw new InputError(
        `"${written}" is a ${noun} here, not an image reference; write ${prefix}:${written} to use it (a bare value is always an image).`,
        { input },
      );
    }
    if (error instanceof ReleaseActionsError) {
      throw new InputError(`${error.detail}; a path is written dir:<path> or file:<path>.`, {
        input,
        code: error.code,
      });
    }
    throw error;
  }
  if (existing !== undefined) {
    warn?.(
      `source "${written}" is read as the image ${written}; a ${noun} of that name is here too: write ${prefix}:${written} to use it, or image:${written} to say you mean the image.`,
    );
  }
  return { kind: 'image', value: written, reference };
}

/**
 * The fields the sbom and scan requests take (`image`, `path`, `file`, `sbom`), for the one the
 * source names.
 */
export function sourceFields(spec: SourceSpec): {
  image?: string;
  path?: string;
  file?: string;
  sbom?: string;
} {
  switch (spec.kind) {
    case 'image':
      return { image: spec.value };
    case 'dir':
      return { path: spec.value };
    case 'file':
      return { file: spec.value };
    case 'sbom':
      return { sbom: spec.value };
  }
}

/** An action's `source` input and its older, separate inputs (image, path, …) exclude each other. */
export function checkOneSource(
  command: 'sbom' | 'scan',
  source: string | undefined,
  older: Readonly<Record<string, unknown>>,
): void {
  if (source === undefined) return;
  const given = Object.keys(older).filter((name) => older[name] !== undefined && older[name] !== '');
  if (given.length > 0) {
    throw new InputError(
      `cannot be combined with ${given.map((name) => `'${name}'`).join(', ')}; give the source once, as source (${sourceSyntax(command)}).`,
      { input: 'source' },
    );
  }
}

/**
 * An action's source: `source` parsed in the shared syntax, or else the older inputs as they are
 * (the two exclude each other). Scan also takes sbom:<file>.
 */
export function sourceOrOlder<Older extends Readonly<Record<string, string | undefined>>>(
  command: 'sbom' | 'scan',
  source: string | undefined,
  older: Older,
  options: Pick<ParseSourceOptions, 'resolvePath' | 'warn'>,
): Older | ReturnType<typeof sourceFields> {
  checkOneSource(command, source, older);
  if (source === undefined) return older;
  return sourceFields(parseSource(source, { ...options, allowSbom: command === 'scan' }));
}

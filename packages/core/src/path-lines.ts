import path from 'node:path';
import { InputError } from './errors.js';

/**
 * The `files` lines of an input, as publish and sign read them: a plain line names one path, a
 * line with glob characters is a pattern (`!pattern` excludes) matched with @actions/glob, which
 * the caller hands in (core does not import @actions/*). What each path may be (inside the
 * workspace, a regular file, how large) is the caller's check; this module only turns lines into
 * candidate paths, the same way for every input.
 */

/** The part of @actions/glob that expanding patterns needs (kit's loadGlob in the actions). */
export interface GlobApi {
  create(
    patterns: string,
    options: { matchDirectories: boolean; implicitDescendants: boolean },
  ): Promise<{ glob(): Promise<string[]> }>;
}

export interface PathLinesOptions {
  /** The input the lines come from, named in errors. */
  input: string;
  /** Relative lines and patterns are rooted here. */
  workspace: string;
  /** For lines with glob characters; without it such a line is refused. */
  loadGlob?: () => Promise<GlobApi>;
  /** Matches a pattern must never yield (an earlier run's bundles, a file about to be written). */
  skip?: (file: string) => boolean;
  /** What a match is for, in "the pattern … matches no file to sign". */
  purpose?: string;
}

export interface PathLine {
  /** The absolute path. */
  path: string;
  /** How errors name it: the line as given, or the match. */
  shown: string;
  /** Found by a pattern rather than named by a line. */
  matched: boolean;
}

const GLOB_CHARACTERS = /[*?[\]{}]/;
const MATCH = { matchDirectories: false, implicitDescendants: false };

/**
 * A literal path as @actions/glob reads one: `*`, `?` and `[` each in a class of its own, as its
 * own escaping does. A `]` is left as it is: `[]]` would not be read as a class holding `]`, and
 * braces are not special to it (brace expansion is off).
 */
function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, (c) => `[${c}]`);
}

/** Whether `candidate` lies strictly inside `root` (both already resolved). */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return (
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative)
  );
}

/**
 * The plain lines in order, then every pattern match (sorted). Each positive pattern must yield
 * at least one match that survives the exclusions and `skip`, or the line is refused: a pattern
 * that matches nothing is a mistake, never an empty release.
 */
export async function expandPathLines(
  lines: readonly string[],
  options: PathLinesOptions,
): Promise<PathLine[]> {
  const { input, workspace } = options;
  const isPattern = (line: string) => line.startsWith('!') || GLOB_CHARACTERS.test(line);
  const found: PathLine[] = lines
    .filter((line) => !isPattern(line))
    .map((line) => ({ path: path.resolve(workspace, line), shown: line, matched: false }));
  const patterns = lines.filter(isPattern);
  const positive = patterns.filter((line) => !line.startsWith('!'));
  if (positive.length === 0) return found;
  if (!options.loadGlob)
    throw new InputError(`"${positive[0]}" is a pattern; give the files by name here.`, { input });
  // Loaded only when a pattern is given: the module and its matcher are not needed otherwise.
  const glob = await options.loadGlob();
  const rooted = (line: string) => (path.isAbsolute(line) ? line : path.join(escapeGlob(workspace), line));
  const all = patterns.map((line) => (line.startsWith('!') ? `!${rooted(line.slice(1))}` : rooted(line)));
  const skip = options.skip ?? (() => false);
  const matches = (await (await glob.create(all.join('\n'), MATCH)).glob()).filter((file) => !skip(file));
  for (const line of positive) {
    const own = await (await glob.create(rooted(line), MATCH)).glob();
    if (!own.some((file) => matches.includes(file))) {
      const purpose = options.purpose === undefined ? '' : ` ${options.purpose}`;
      throw new InputError(`the pattern "${line}" matches no file${purpose}.`, { input });
    }
  }
  for (const match of [...matches].sort()) found.push({ path: match, shown: match, matched: true });
  return found;
}

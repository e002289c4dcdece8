import * as core from '@actions/core';
import { InputError } from '@release-actions/core';
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { workspace } from './runner-paths.js';

/**
 * Typed readers for action inputs. Every error names the input and says what is accepted, so a
 * user can fix the workflow from the one line the run shows. Inputs are read by literal name
 * (`readString('image')`), which lets a test compare what each action reads with its action.yml.
 */

function raw(name: string): string {
  return core.getInput(name, { trimWhitespace: true });
}

export interface StringOptions {
  required?: boolean;
  default?: string;
}

export function readString(name: string, options: StringOptions & { required: true }): string;
export function readString(name: string, options: StringOptions & { default: string }): string;
export function readString(name: string, options?: StringOptions): string | undefined;
export function readString(name: string, options: StringOptions = {}): string | undefined {
  const value = raw(name);
  if (value !== '') return value;
  if (options.default !== undefined) return options.default;
  if (options.required) throw new InputError('required but not given.', { input: name });
  return undefined;
}

/** Reads a secret and masks it in the log before anything else can print it. */
export function readSecret(name: string): string | undefined {
  // Masked as returned (trimmed): a mask of a value with a trailing newline would not match the
  // trimmed secret when it is printed.
  const value = raw(name);
  if (value === '') return undefined;
  maskSecret(value);
  return value;
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

export function readBoolean(name: string, options: { default: boolean }): boolean {
  const value = raw(name).toLowerCase();
  if (value === '') return options.default;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new InputError(`"${raw(name)}" is not a boolean; use true or false.`, { input: name });
}

export function readEnum<T extends string>(
  name: string,
  accepted: readonly T[],
  options: { default: NoInfer<T> },
): T;
export function readEnum<T extends string>(
  name: string,
  accepted: readonly T[],
  options?: { default?: T },
): T | undefined;
export function readEnum<T extends string>(
  name: string,
  accepted: readonly T[],
  options: { default?: T } = {},
): T | undefined {
  const value = raw(name);
  if (value === '') return options.default;
  const match = accepted.find((a) => a.toLowerCase() === value.toLowerCase());
  if (match === undefined) {
    throw new InputError(`"${value}" is not accepted; use one of ${accepted.join(', ')}.`, { input: name });
  }
  return match;
}

/** Comma- or newline-separated items, trimmed, empty ones dropped; `accepted` limits the values. */
export function readList(
  name: string,
  options: { accepted?: readonly string[]; default?: string[] } = {},
): string[] {
  const items = raw(name)
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) return options.default ?? [];
  if (options.accepted) {
    const accepted = options.accepted;
    const canonical = (item: string) => accepted.find((a) => a.toLowerCase() === item.toLowerCase());
    const unknown = items.filter((item) => canonical(item) === undefined);
    if (unknown.length > 0) {
      throw new InputError(
        `${unknown.map((u) => `"${u}"`).join(', ')} not accepted; use any of ${accepted.join(', ')}.`,
        { input: name },
      );
    }
    return items.map((item) => canonical(item)!);
  }
  return items;
}

/** One item per line (commas are part of the value), trimmed, empty lines and `#` comments dropped. */
export function readMultiline(name: string): string[] {
  return core
    .getMultilineInput(name, { trimWhitespace: true })
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export function readInteger(name: string, options: { default: number; min?: number; max?: number }): number {
  const value = raw(name);
  if (value === '') return options.default;
  const parsed = Number(value);
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
    const range =
      options.min !== undefined && options.max !== undefined
        ? ` between ${min} and ${max}`
        : options.min !== undefined
          ? ` of at least ${min}`
          : options.max !== undefined
            ? ` of at most ${max}`
            : '';
    throw new InputError(`"${value}" is not a whole number${range}.`, { input: name });
  }
  return parsed;
}

export interface PathOptions {
  required?: boolean;
  default?: string;
  /** When set, the path must exist and be of this kind. */
  mustExist?: 'file' | 'directory' | 'any';
  /** Paths outside the workspace are refused unless this is true (default false). */
  allowOutsideWorkspace?: boolean;
  /** Directories besides the workspace a path may be in (e.g. where an earlier step of the job wrote). */
  alsoInside?: readonly string[];
}

/**
 * Resolves a path against GITHUB_WORKSPACE (or the current directory) and refuses paths that
 * escape it, so a crafted input cannot make an action read or write elsewhere on the runner.
 */
export function readPath(name: string, options: PathOptions & { required: true }): string;
export function readPath(name: string, options: PathOptions & { default: string }): string;
export function readPath(name: string, options?: PathOptions): string | undefined;
export function readPath(name: string, options: PathOptions = {}): string | undefined {
  const value = readString(name, { required: options.required, default: options.default });
  if (value === undefined) return undefined;
  return checkPath(name, value, options);
}

export function checkPath(name: string, value: string, options: PathOptions = {}): string {
  if (value.includes('\0')) throw new InputError(`the path contains a NUL byte.`, { input: name });
  const root = workspace();
  const resolved = path.resolve(root, value);
  // A symbolic link inside the workspace can point out of it, so the real location counts too.
  const inside = (root: string) =>
    !isOutside(root, resolved) && !isOutside(realLocation(root), realLocation(resolved));
  if (!inside(root)) {
    if (
      !options.allowOutsideWorkspace &&
      !(options.alsoInside ?? []).some((root) => inside(path.resolve(root)))
    ) {
      throw new InputError(`"${value}" is outside the workspace ${root}; give a path inside it.`, {
        input: name,
      });
    }
  }
  if (options.mustExist) {
    if (!existsSync(resolved)) throw new InputError(`"${value}" does not exist.`, { input: name });
    const stats = statSync(resolved);
    if (options.mustExist === 'file' && !stats.isFile()) {
      throw new InputError(`"${value}" is not a file.`, { input: name });
    }
    if (options.mustExist === 'directory' && !stats.isDirectory()) {
      throw new InputError(`"${value}" is not a directory.`, { input: name });
    }
  }
  return resolved;
}

/** The path with symbolic links resolved in its longest existing prefix (it may not exist yet). */
function realLocation(location: string): string {
  const rest: string[] = [];
  let existing = location;
  while (!existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) return location;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  return path.join(realpathSync(existing), ...rest);
}

function isOutside(workspace: string, resolved: string): boolean {
  const relative = path.relative(workspace, resolved);
  return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
}

export function maskSecret(value: string): void {
  if (value === '') return;
  core.setSecret(value);
  // A multi-line secret (a PEM key) is masked line by line too, as the runner prints lines.
  for (const line of value.split(/\r?\n/)) if (line.trim().length > 3) core.setSecret(line.trim());
}

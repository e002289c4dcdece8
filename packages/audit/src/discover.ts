import { InputError } from '@release-actions/core';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The audit's config file, read when present and no other is given. */
export const DEFAULT_CONFIG_PATH = '.github/release-actions-audit.yml';

/** Folders never searched: dependencies, bundles, VCS data, and test inputs written to be bad. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git']);
const SKIPPED_PATHS = ['test/fixtures'];

function isYaml(name: string): boolean {
  return name.endsWith('.yml') || name.endsWith('.yaml');
}

function walk(
  root: string,
  dir: string,
  accept: (name: string) => boolean,
  out: string[],
  skipPaths: boolean,
): void {
  let list;
  try {
    list = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const item of list.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, item.name);
    if (item.isDirectory()) {
      if (SKIPPED_DIRS.has(item.name)) continue;
      const relative = path.relative(root, full).split(path.sep).join('/');
      if (skipPaths && SKIPPED_PATHS.includes(relative)) continue;
      walk(root, full, accept, out, skipPaths);
    } else if (item.isFile() && accept(item.name)) out.push(full);
  }
}

function isActionFile(name: string): boolean {
  return name === 'action.yml' || name === 'action.yaml';
}

/**
 * Whether the folder is the top of a repository: it holds `.git` (a folder, or the file a worktree
 * or submodule has). Only the folder itself is looked at, never its parents: an audit started in a
 * subfolder audits that subfolder's .github, not a repository above it.
 */
export function isRepositoryRoot(cwd: string): boolean {
  return existsSync(path.join(cwd, '.git'));
}

/**
 * Default scope: .github/workflows/*.y{a,}ml, and every action.yml / action.yaml of the repository
 * when cwd is its top; outside a repository only those under .github, so that a home folder or a
 * download folder is never searched through.
 */
export function defaultFiles(cwd: string): string[] {
  const out: string[] = [];
  const workflows = path.join(cwd, '.github', 'workflows');
  if (existsSync(workflows)) {
    for (const item of readdirSync(workflows, { withFileTypes: true })) {
      if (item.isFile() && isYaml(item.name)) out.push(path.join(workflows, item.name));
    }
  }
  const root = isRepositoryRoot(cwd) ? cwd : path.join(cwd, '.github');
  walk(root, root, isActionFile, out, true);
  return [...new Set(out)].sort();
}

/** The files among `paths` named one by one rather than found in a named folder, as given and resolved. */
export function namedFiles(cwd: string, paths: readonly string[]): { given: string; file: string }[] {
  return paths
    .map((given) => ({ given, file: path.resolve(cwd, given) }))
    .filter(({ file }) => existsSync(file) && !statSync(file).isDirectory());
}

/** Files named on the command line; a directory means every YAML file under it. */
export function expandPaths(cwd: string, paths: readonly string[]): string[] {
  if (paths.length === 0) return defaultFiles(cwd);
  const out: string[] = [];
  for (const given of paths) {
    const resolved = path.resolve(cwd, given);
    if (!existsSync(resolved))
      throw new InputError(`Path "${given}" does not exist; give a workflow file or a folder.`);
    if (statSync(resolved).isDirectory()) walk(resolved, resolved, isYaml, out, false);
    else out.push(resolved);
  }
  return [...new Set(out)];
}

/** How a file is named in findings: relative to cwd with forward slashes when inside it. */
export function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative))
    return file.split(path.sep).join('/');
  return relative.split(path.sep).join('/');
}

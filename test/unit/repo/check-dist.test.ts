import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * `npm run check-dist` must fail when a committed bundle no longer matches its sources, when a
 * bundle nobody committed lies in dist/, and when a bundle outlives its sources. The scripts of
 * HEAD are tried in a `git clone --shared` in a temp folder: it borrows the repository's objects
 * and writes nothing into it (no worktree entry, no ref), so deleting the folder leaves nothing
 * behind. The clone is trimmed to small probe actions so that each of the several builds takes a
 * moment; whether the repository's own dist/ is current is `npm run check-dist` itself, in .ci/run
 * and CI.
 */

let scratch: string;
let tree: string;

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync(
    'git',
    ['-c', 'user.name=check-dist test', '-c', 'user.email=test@localhost', ...args],
    {
      cwd,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function checkDist(): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['scripts/check-dist.mjs'], {
    cwd: tree,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Hard-linked node_modules (not symlinks): the bundler then sees the same paths as in a real checkout. */
function linkNodeModules(): void {
  const dirs = [path.join(repoRoot, 'node_modules')];
  for (const parent of ['packages', 'actions']) {
    const base = path.join(repoRoot, parent);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base)) {
      const dir = path.join(base, entry, 'node_modules');
      if (existsSync(dir)) dirs.push(dir);
    }
  }
  for (const dir of dirs) {
    const target = path.join(tree, path.relative(repoRoot, dir));
    mkdirSync(path.dirname(target), { recursive: true });
    const copy = spawnSync('cp', ['-al', dir, target]);
    if (copy.status !== 0) throw new Error(`cp -al ${dir}: ${copy.stderr}`);
  }
}

function writeProbe(name: string, text: string): void {
  mkdirSync(path.join(tree, 'actions', name, 'src'), { recursive: true });
  writeFileSync(path.join(tree, 'actions', name, 'src', 'main.ts'), text);
}

// One bundled dependency, so that the probe's dist/ has a LICENSES.txt with a notice in it.
const probeSource = [
  "import { diffChars } from 'diff';",
  "process.stdout.write(`${diffChars('a', 'b').length}\\n`);",
  '',
].join('\n');

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'check-dist-'));
  tree = path.join(scratch, 'tree');
  const head = git(repoRoot, 'rev-parse', 'HEAD').trim();
  git(scratch, 'clone', '--quiet', '--shared', '--no-checkout', repoRoot, tree);
  git(tree, 'checkout', '--quiet', '--detach', head);
  linkNodeModules();
  for (const folder of ['actions', 'dist']) rmSync(path.join(tree, folder), { recursive: true, force: true });
  rmSync(path.join(tree, 'packages', 'cli', 'src', 'main.ts'), { force: true });
  writeProbe('probe', probeSource);
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], {
    cwd: tree,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (build.status !== 0) throw new Error(`build: ${build.stderr}`);
  git(tree, 'add', '--all', '--', 'actions', 'dist', 'packages/cli/src/main.ts');
  git(tree, 'commit', '--quiet', '--no-verify', '-m', 'one probe action and its bundle');
}, 180_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('check-dist', () => {
  it('passes when dist/ matches the sources', () => {
    const result = checkDist();
    expect(result.output).toContain('check-dist: dist/ matches the sources.');
    expect(result.status).toBe(0);
  }, 120_000);

  it('fails on a stray file nobody committed in dist/', () => {
    writeFileSync(path.join(tree, 'dist', 'stray.js'), 'export {};\n');
    const result = checkDist();
    expect(result.status).toBe(1);
    expect(result.output).toContain('?? dist/stray.js');
    rmSync(path.join(tree, 'dist', 'stray.js'));
  }, 120_000);

  it('fails on a new bundle left untracked', () => {
    writeProbe('second', probeSource);
    git(tree, 'add', 'actions/second');
    git(tree, 'commit', '--quiet', '--no-verify', '-m', 'new action without its bundle');
    const result = checkDist();
    expect(result.status).toBe(1);
    expect(result.output).toContain('?? dist/second/index.js');

    git(tree, 'add', 'dist');
    git(tree, 'commit', '--quiet', '--no-verify', '-m', 'its bundle and the new sources hash');
    expect(checkDist().status).toBe(0);
  }, 120_000);

  it('fails when a source changed without a rebuild', () => {
    appendFileSync(
      path.join(tree, 'actions', 'probe', 'src', 'main.ts'),
      "process.stdout.write('changed\\n');\n",
    );
    git(tree, 'commit', '--quiet', '--no-verify', '-am', 'source change, stale bundle');
    const result = checkDist();
    expect(result.status).toBe(1);
    expect(result.output).toContain(' M dist/probe/index.js');
    expect(result.output).toContain(' M dist/SOURCES.sha256');
    expect(result.output).toContain('Run `npm run build` and commit dist/');
    git(tree, 'commit', '--quiet', '--no-verify', '-am', 'rebuilt');
    expect(checkDist().status).toBe(0);
  }, 120_000);

  it('fails when a bundle outlives its sources', () => {
    git(tree, 'rm', '--quiet', '-r', 'actions/second');
    git(tree, 'commit', '--quiet', '--no-verify', '-m', 'action removed, bundle kept');
    const result = checkDist();
    expect(result.status).toBe(1);
    expect(result.output).toContain(' D dist/second/index.js');
  }, 120_000);
});

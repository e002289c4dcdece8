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
 * `npm run check-dist` must fail when a committed bundle no longer matches its sources and when
 * a bundle nobody committed lies in dist/. It is tried in a scratch worktree of HEAD, so the
 * real tree is never touched.
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

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'check-dist-'));
  tree = path.join(scratch, 'tree');
  git(repoRoot, 'worktree', 'add', '--quiet', '--detach', tree, 'HEAD');
  linkNodeModules();
  // Start from a state where dist/ is current, whatever HEAD holds right now.
  spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: tree, timeout: 120_000 });
  git(tree, 'add', '--all', '--', 'dist');
  git(tree, 'commit', '--quiet', '--allow-empty', '--no-verify', '-m', 'current dist');
}, 180_000);

afterAll(() => {
  if (tree) spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: repoRoot });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  spawnSync('git', ['worktree', 'prune'], { cwd: repoRoot });
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
    mkdirSync(path.join(tree, 'actions', 'probe', 'src'), { recursive: true });
    writeFileSync(
      path.join(tree, 'actions', 'probe', 'src', 'main.ts'),
      "process.stdout.write('probe\\n');\n",
    );
    git(tree, 'add', 'actions/probe');
    git(tree, 'commit', '--quiet', '--no-verify', '-m', 'new action without its bundle');
    const result = checkDist();
    expect(result.status).toBe(1);
    expect(result.output).toContain('?? dist/probe/index.js');

    git(tree, 'add', 'dist/probe');
    git(tree, 'commit', '--quiet', '--no-verify', '-m', 'its bundle');
    expect(checkDist().status).toBe(0);
  }, 240_000);

  it('fails when a source changed without a rebuild', () => {
    appendFileSync(
      path.join(tree, 'actions', 'probe', 'src', 'main.ts'),
      "process.stdout.write('changed\\n');\n",
    );
    git(tree, 'commit', '--quiet', '--no-verify', '-am', 'source change, stale bundle');
    const result = checkDist();
    expect(result.status).toBe(1);
    expect(result.output).toContain(' M dist/probe/index.js');
    expect(result.output).toContain('Run `npm run build` and commit dist/');
  }, 120_000);
});

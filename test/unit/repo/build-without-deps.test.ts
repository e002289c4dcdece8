import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * `npm run build` on a clone without `npm ci`: nothing to do when the committed dist/ is built
 * from these sources, one line naming `npm ci` when a build is needed. Run on a `git clone
 * --shared` of HEAD, which has no node_modules.
 */
let scratch: string;
let clone: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'build-without-deps-'));
  clone = path.join(scratch, 'repo');
  const cloned = spawnSync('git', ['clone', '--quiet', '--shared', repoRoot, clone], { encoding: 'utf8' });
  if (cloned.status !== 0) throw new Error(`git clone: ${cloned.stderr}`);
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const build = () =>
  spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: clone, encoding: 'utf8', timeout: 60_000 });

describe('npm run build without the dependencies installed', () => {
  it('succeeds without building when dist/ is already built from these sources', () => {
    const result = build();
    expect(result.stdout.trim()).toBe(
      'build: dist/ is already built from these sources; run `npm ci` to rebuild it yourself.',
    );
    expect(result.status).toBe(0);
  });

  it('fails with one line naming npm ci when the sources changed', () => {
    appendFileSync(path.join(clone, 'packages/core/src/index.ts'), '// changed\n');
    const result = build();
    expect(result.stderr.trim()).toBe(
      'build: esbuild is not installed; run `npm ci` first (it installs the pinned esbuild).',
    );
    expect(result.status).toBe(1);
  });
});

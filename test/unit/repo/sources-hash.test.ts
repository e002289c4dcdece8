import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SOURCES_FILE, STALE_DIST, buildInputs, sourcesLine } from '../../../scripts/sources-hash.mjs';
import freshDist from '../../harness/fresh-dist.mjs';

/**
 * dist/SOURCES.sha256 is what lets the e2e tests refuse bundles built from other sources, so the
 * hash must cover every file a bundle is made from (checked against esbuild's own list in
 * bundle-inputs.test.ts, beside the licenses, so that one rebuild serves both), and nothing about
 * the machine.
 */

function writeTree(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
}

const tree = {
  'package-lock.json': '{}',
  'packages/kit/package.json': '{}',
  'packages/kit/src/index.ts': 'export {};\n',
  'packages/kit/src/deep/b.ts': 'export {};\n',
  'actions/scan/src/main.ts': "import '@release-actions/kit';\n",
  'packages/kit/README.md': 'not a build input',
  'test/unit/kit.test.ts': 'not a build input',
};

describe('the sources hash', () => {
  let scratch: string;
  let root: string;

  beforeEach(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'sources-hash-'));
    root = path.join(scratch, 'one');
    writeTree(root, tree);
  });

  afterEach(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('lists the inputs by relative path in code-point order, leaving out what is no input', () => {
    expect(buildInputs(root)).toEqual([
      'actions/scan/src/main.ts',
      'package-lock.json',
      'packages/kit/package.json',
      'packages/kit/src/deep/b.ts',
      'packages/kit/src/index.ts',
    ]);
  });

  it('is one line, the same for the same files in another folder, and changes with any input', () => {
    const line = sourcesLine(root);
    expect(line).toMatch(/^[0-9a-f]{64}\n$/);
    const elsewhere = path.join(scratch, 'two');
    writeTree(elsewhere, tree);
    expect(sourcesLine(elsewhere)).toBe(line);

    writeFileSync(path.join(root, 'packages/kit/README.md'), 'changed, still no input');
    expect(sourcesLine(root)).toBe(line);

    appendFileSync(path.join(root, 'packages/kit/src/deep/b.ts'), '// changed\n');
    const changed = sourcesLine(root);
    expect(changed).not.toBe(line);
    writeTree(root, { 'actions/scan/src/new.ts': '' });
    const added = sourcesLine(root);
    expect(added).not.toBe(changed);
    rmSync(path.join(root, 'actions/scan/src/new.ts'));
    expect(sourcesLine(root)).toBe(changed);
    writeTree(root, { 'package-lock.json': '{"lockfileVersion":3}' });
    expect(sourcesLine(root)).not.toBe(changed);
  });

  it("lets the e2e project start only when dist/ holds the current sources' hash", () => {
    const setup = () => freshDist({}, { rootDir: root });
    let thrown: unknown;
    try {
      setup();
    } catch (error) {
      thrown = error;
    }
    // jest prints the stack of a failed global setup: it must be the one line, nothing more.
    expect(thrown).toMatchObject({ message: STALE_DIST, stack: STALE_DIST });

    writeTree(root, { [SOURCES_FILE]: sourcesLine(root) });
    expect(setup).not.toThrow();

    appendFileSync(path.join(root, 'packages/kit/src/index.ts'), '// edited after the build\n');
    expect(setup).toThrow(STALE_DIST);
  });
});

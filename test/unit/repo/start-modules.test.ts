import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * What Node itself loads when an action starts without inputs (what the cold-start bench runs):
 * the internal modules some built-ins pull in cost more than our own code, so the bundles must not
 * reach them before an action needs them. Asked of Node (process.moduleLoadList), not of esbuild.
 */
const COSTLY = [
  'NativeModule internal/fs/promises', // and readline with it (fs.promises, node:fs/promises)
  'NativeModule internal/readline/interface',
  'NativeModule crypto',
  'NativeModule child_process',
  'NativeModule zlib',
  'NativeModule http',
];

const dist = path.join(repoRoot, 'dist');
const actions = readdirSync(dist, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'cli' && existsSync(path.join(dist, d.name, 'index.js')))
  .map((d) => d.name)
  .sort();

let dir: string;

/** The internal modules Node has loaded when `script` ends, run as an action runs: no inputs, a clean environment. */
function modulesLoadedBy(script: string, name: string): { stdout: string; modules: string[] } {
  const loaded = path.join(dir, `${name}.txt`);
  const cwd = mkdtempSync(path.join(dir, `${name}-`));
  const result = spawnSync(process.execPath, ['--require', path.join(dir, 'record.cjs'), script], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LOADED: loaded },
    encoding: 'utf8',
  });
  return { stdout: result.stdout, modules: readFileSync(loaded, 'utf8').split('\n') };
}

describe('an action started without inputs', () => {
  // What Node loads for any ES module: Node 20's ESM loader reads files through fs/promises
  // itself, Node 24's does not (the suite runs on both).
  let baseline: string[];
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'start-modules-'));
    writeFileSync(
      path.join(dir, 'record.cjs'),
      "process.on('exit', () => require('fs').writeFileSync(process.env.LOADED, process.moduleLoadList.join('\\n')));\n",
    );
    writeFileSync(path.join(dir, 'empty.mjs'), "process.stdout.write('');\n");
    baseline = modulesLoadedBy(path.join(dir, 'empty.mjs'), 'empty').modules;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is every action', () => {
    expect(actions).toEqual(expect.arrayContaining(['audit', 'scan', 'sbom', 'verify', 'attest', 'sign']));
  });

  it.each(actions)('%s loads none of the costly Node modules an empty ES module does not', (name) => {
    const { stdout, modules } = modulesLoadedBy(path.join(dist, name, 'index.js'), name);
    // It ran to its end: an input error (::error::) or, for audit, an empty audit.
    expect(stdout).toMatch(/::(error|set-output name=outcome)/);
    expect(modules).toContain('NativeModule fs');
    expect(COSTLY.filter((m) => modules.includes(m) && !baseline.includes(m))).toEqual([]);
  });
});

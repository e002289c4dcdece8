import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

/**
 * What a user installs: the npm package (`npm pack` of the repository, as the release workflow
 * publishes it) and the git form (`npx 'github:aotanami/release-actions#<sha>::path:dist/cli'`),
 * each installed into an empty project with npm offline and an empty cache, so that neither may
 * need a registry. The suite runs on the machine's Node and on Node 24 (.ci/run), and so do these.
 */

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const report = path.join(repoRoot, 'test/fixtures/upstream/grype/reports/nginx-debian10.grype.json');

/** npm's own script, run with this Node: the one `npm test` runs under, else the one beside this Node. */
function npmCli(): string {
  const candidates = [
    process.env.npm_execpath,
    path.join(
      path.dirname(path.dirname(process.execPath)),
      'lib',
      'node_modules',
      'npm',
      'bin',
      'npm-cli.js',
    ),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
  ];
  const found = candidates.find((file) => file && /npm-cli\.js$/.test(file) && existsSync(file));
  if (!found) throw new Error(`npm-cli.js not found (tried ${candidates.filter(Boolean).join(', ')})`);
  return found;
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cli-package-'));
const npmrc = path.join(scratch, 'npmrc');

/** The environment of a child: this one without what `npm test` passes down to its scripts. */
function childEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}` };
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', timeout: 120_000 });
}

/** npm with an empty cache and user config of its own: nothing the machine has cached can help. */
function npm(args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const cache = path.join(scratch, 'npm-cache');
  return run(
    process.execPath,
    [
      npmCli(),
      ...args,
      `--cache=${cache}`,
      `--userconfig=${npmrc}`,
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
    ],
    cwd,
  );
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0)
    throw new Error(`${what} exited ${result.status}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

function git(cwd: string, ...args: string[]): string {
  return ok(
    run('git', ['-c', 'user.name=package test', '-c', 'user.email=test@localhost', ...args], cwd),
    `git ${args[0]}`,
  );
}

/** An empty project to install into. */
function project(name: string): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name, private: true })}\n`);
  return dir;
}

/** The installed command works: --version, and the gate on a real grype report. */
function expectWorkingCli(dir: string): void {
  expect(readdirSync(path.join(dir, 'node_modules')).filter((entry) => !entry.startsWith('.'))).toEqual([
    '@aotanami',
  ]);
  const bin = path.join(dir, 'node_modules', '.bin', 'release-actions');
  const version = run(bin, ['--version'], dir);
  expect(version.stderr).toBe('');
  expect(version.stdout).toBe(`${manifest.version}\n`);
  expect(version.status).toBe(0);
  const scan = run(bin, ['scan', '--report', report], dir);
  expect(scan.status).toBe(1);
  expect(scan.stdout).toMatch(/gate blocked for nginx/);
  expect(scan.stderr).toMatch(/^release-actions: .*blocked/m);
}

beforeAll(() => {
  writeFileSync(npmrc, '');
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the npm package', () => {
  let tarball: string;

  it('holds the CLI bundle, its license notices, LICENSE, README and SECURITY.md, and nothing else', () => {
    const packed = JSON.parse(
      ok(npm(['pack', '--json', '--ignore-scripts', `--pack-destination=${scratch}`], repoRoot), 'npm pack'),
    ) as { name: string; version: string; filename: string; files: { path: string }[] }[];
    expect(packed).toHaveLength(1);
    const [pack] = packed;
    expect(pack!.name).toBe('@aotanami/release-actions');
    expect(pack!.version).toBe(manifest.version);
    const files = pack!.files.map((file) => file.path).sort();
    const chunks = readdirSync(path.join(repoRoot, 'dist', 'cli', 'chunks')).filter((file) =>
      file.endsWith('.js'),
    );
    expect(chunks.length).toBeGreaterThan(0);
    expect(files).toEqual(
      [
        'LICENSE',
        'README.md',
        'SECURITY.md',
        'package.json',
        'dist/cli/index.js',
        'dist/cli/LICENSES.txt',
        ...chunks.map((chunk) => `dist/cli/chunks/${chunk}`),
      ].sort(),
    );
    tarball = path.join(scratch, pack!.filename);
    expect(existsSync(tarball)).toBe(true);
  });

  it('installs offline with nothing else, and runs', () => {
    const dir = project('from-tarball');
    ok(npm(['install', '--offline', tarball], dir), 'npm install <tarball>');
    expectWorkingCli(dir);
  }, 120_000);
});

describe('the git form', () => {
  let clone: string;
  let sha: string;

  beforeAll(() => {
    // HEAD with this checkout's dist/cli, which the e2e setup has checked against the sources: the
    // commit a push would publish.
    clone = path.join(scratch, 'clone');
    git(scratch, 'clone', '--quiet', '--shared', '--no-checkout', repoRoot, clone);
    git(clone, 'checkout', '--quiet', '--detach', git(repoRoot, 'rev-parse', 'HEAD').trim());
    rmSync(path.join(clone, 'dist', 'cli'), { recursive: true, force: true });
    cpSync(path.join(repoRoot, 'dist', 'cli'), path.join(clone, 'dist', 'cli'), { recursive: true });
    git(clone, 'add', '--all', '--', 'dist/cli');
    if (git(clone, 'status', '--porcelain').trim() !== '') {
      git(clone, 'commit', '--quiet', '--no-verify', '-m', 'dist/cli of the checkout');
    }
    sha = git(clone, 'rev-parse', 'HEAD').trim();
  }, 120_000);

  // dist/cli, not the repository root: npm prepares a git dependency whose package.json has
  // workspaces by installing all its devDependencies from the registry before packing it.
  it('installs dist/cli of a commit offline, without preparing the repository', () => {
    const dir = project('from-git');
    ok(npm(['install', '--offline', `git+file://${clone}#${sha}::path:dist/cli`], dir), 'npm install <git>');
    expectWorkingCli(dir);
    const installed = JSON.parse(
      readFileSync(path.join(dir, 'node_modules', '@aotanami', 'release-actions', 'package.json'), 'utf8'),
    ) as { name: string; version: string; dependencies?: unknown };
    expect(installed.name).toBe(manifest.name);
    expect(installed.version).toBe(manifest.version);
    expect(installed.dependencies).toBeUndefined();
  }, 120_000);
});

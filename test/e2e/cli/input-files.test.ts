import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeBadFiles, type BadFiles } from '../../harness/bad-files.js';
import { fakesBin, repoRoot } from '../../harness/run-bundle.js';
import { readCalls, runCli, type ProcessResult } from '../../harness/run-cli.js';

/**
 * Every file a command reads from a path the user gave is refused, before it is read and before
 * anything else happens, when it is not a regular file within its limit: one line naming the
 * input, exit 2, at once (a device or a named pipe would otherwise be read for ever). Through the
 * built CLI, outside any runner: no OIDC token, the fake tools first on PATH.
 */

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cli-input-files-'));
const log = path.join(scratch, 'fake.log');
const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE = `127.0.0.1:5999/app@${DIGEST}`;
const REPORT = path.join(
  repoRoot,
  'test',
  'fixtures',
  'upstream',
  'grype',
  'reports',
  'check-all-fields.grype-0.28.0.json',
);
const SPDX = path.join(
  repoRoot,
  'test',
  'fixtures',
  'upstream',
  'syft',
  'golden',
  'spdx-json.image.golden.json',
);

/** The bad files: a device, and a named pipe, a directory and a sparse file over every limit. */
const BAD: BadFiles & { device: string } = {
  device: '/dev/zero',
  fifo: '',
  directory: '',
  oversized: '',
};

const WHAT = {
  device: 'is a character device',
  fifo: 'is a named pipe (FIFO)',
  directory: 'is a directory',
  oversized: 'over the',
} as const;

beforeAll(() => {
  // Past the largest limit (512 MiB) and GitHub's asset limit.
  Object.assign(BAD, makeBadFiles(scratch, 3 * 1024 ** 3));
  mkdirSync(path.join(scratch, 'work'));
  copyFileSync(SPDX, path.join(scratch, 'work', 'sbom.json'));
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
  return runCli(args, {
    cwd: path.join(scratch, 'work'),
    env: {
      ...env,
      PATH: `${fakesBin}${path.delimiter}${process.env.PATH ?? ''}`,
      HOME: scratch,
      FAKE_LOG: log,
      GITHUB_TOKEN: 'ghp_inputfiles0123456789abcdefghij',
      RELEASE_ACTIONS_REGISTRY_PASSWORD: 'registry-secret',
    },
    // A command that read the device or waited on the pipe would be killed here, and fail.
    timeoutMs: 15_000,
  });
}

/** The error lines a run printed (the one line every refusal is). */
function errorLines(result: ProcessResult): string[] {
  return result.stderr.split('\n').filter((line) => line.startsWith('release-actions: '));
}

/** Each command and flag that reads a file, with the name its refusal starts with. */
const READERS: { name: string; flag: string; args: (file: string) => string[] }[] = [
  { name: 'scan --report', flag: '--report', args: (f) => ['scan', '--report', f] },
  { name: 'scan --ignore-file', flag: '--ignore-file', args: (f) => ['scan', 'dir:.', '--ignore-file', f] },
  { name: 'scan --vex', flag: '--vex', args: (f) => ['scan', '--report', REPORT, '--vex', f] },
  { name: 'scan --sbom-manifest', flag: '--sbom-manifest', args: (f) => ['scan', '--sbom-manifest', f] },
  {
    name: 'attest --predicate',
    flag: '--predicate',
    args: (f) => ['attest', IMAGE, '--predicate', f, '--type', 'custom', '--skip-without-oidc'],
  },
  {
    name: 'attest --sbom-spdx',
    flag: '--sbom-spdx',
    args: (f) => ['attest', IMAGE, '--sbom-spdx', f, '--skip-without-oidc'],
  },
  {
    name: 'attest --sbom-manifest',
    flag: '--sbom-manifest',
    args: (f) => ['attest', IMAGE, '--sbom-manifest', f, '--skip-without-oidc'],
  },
  { name: 'sign --key', flag: '--key', args: (f) => ['sign', IMAGE, '--key', f] },
  {
    name: 'sign --signing-config',
    flag: '--signing-config',
    args: (f) => ['sign', IMAGE, '--signing-config', f, '--skip-without-oidc'],
  },
  {
    name: 'sign --trusted-root',
    flag: '--trusted-root',
    args: (f) => ['sign', IMAGE, '--trusted-root', f, '--skip-without-oidc'],
  },
  {
    name: 'verify --trusted-root',
    flag: '--trusted-root',
    args: (f) => ['verify', IMAGE, '--repository', 'o/r', '--trusted-root', f],
  },
  {
    name: 'verify --key',
    flag: '--key',
    args: (f) => ['verify', IMAGE, '--repository', 'o/r', '--key', f],
  },
  { name: 'sbom diff <old>', flag: '<old>', args: (f) => ['sbom', 'diff', f, 'sbom.json'] },
  { name: 'sbom diff <new>', flag: '<new>', args: (f) => ['sbom', 'diff', 'sbom.json', f] },
  {
    name: 'sbom --compare-to',
    flag: '--compare-to',
    args: (f) => ['sbom', 'dir:.', '--compare-to', f, '--output-dir', path.join(scratch, 'sbom-out')],
  },
  { name: 'audit --config', flag: '--config', args: (f) => ['audit', '--config', f] },
  {
    name: 'publish --release-notes-file',
    flag: '--release-notes-file',
    args: (f) => [
      'publish',
      'sbom.json',
      '--tag',
      'v1',
      '--repo',
      'o/r',
      '--api-url',
      'http://127.0.0.1:9',
      '--release-notes-file',
      f,
    ],
  },
  {
    name: 'chart --package',
    flag: '--package',
    args: (f) => ['chart', '--package', f, 'oci://127.0.0.1:5999/charts'],
  },
];

describe.each(Object.keys(BAD) as (keyof typeof BAD)[])('a file that %s', (kind) => {
  it.each(READERS)('$name: exit 2, one line naming the flag, nothing run', async ({ flag, args }) => {
    rmSync(log, { force: true });
    const result = await cli(args(BAD[kind]));
    expect(errorLines(result)).toEqual([expect.stringContaining(`release-actions: ${flag}: `)]);
    expect(errorLines(result)[0]).toContain(WHAT[kind]);
    // What is accepted: a regular file, and how large it may be.
    expect(errorLines(result)[0]).toMatch(/(a regular file of at most|over the) \d+(\.\d)? (MiB|KiB|bytes)/);
    expect(result.code).toBe(2);
    expect(readCalls(log)).toEqual([]);
  });
});

describe('audit with a workflow path that is not a regular file', () => {
  it.each(['fifo', 'device'] as const)('%s: exit 2, naming the file', async (kind) => {
    const result = await cli(['audit', BAD[kind]]);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain(
      `"${BAD[kind]}" ${WHAT[kind]}; give a workflow or action YAML file`,
    );
  });
});

describe('publish with a file to attach that is not a regular file within GitHub’s limit', () => {
  beforeAll(() => {
    // Inside the working directory, where publish takes its files from.
    execFileSync('mkfifo', [path.join(scratch, 'work', 'fifo.bin')]);
    mkdirSync(path.join(scratch, 'work', 'directory.bin'));
    writeFileSync(path.join(scratch, 'work', 'oversized.bin'), '');
    truncateSync(path.join(scratch, 'work', 'oversized.bin'), 2 * 1024 ** 3);
  });

  it.each(['fifo', 'directory', 'oversized'] as const)('%s: exit 2 before any API call', async (kind) => {
    const inside = path.join(scratch, 'work', `${kind}.bin`);
    const result = await cli([
      'publish',
      inside,
      '--tag',
      'v1',
      '--repo',
      'o/r',
      '--api-url',
      'http://127.0.0.1:9',
    ]);
    expect(errorLines(result)).toEqual([expect.stringContaining('release-actions: <files...>: ')]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('127.0.0.1:9');
  });
});

describe('references refused before the OIDC check', () => {
  it.each([
    [
      'a port out of range',
      `127.0.0.1:99999/app@${DIGEST}`,
      'registry port 99999 is not between 1 and 65535',
    ],
    ['a leading space', ` ghcr.io/org/app@${DIGEST}`, 'it contains whitespace'],
  ])('sign and attest with %s exit 2, not "skipped"', async (_what, reference, problem) => {
    const sign = await cli(['sign', reference, '--skip-without-oidc']);
    expect(errorLines(sign)).toEqual([
      expect.stringContaining(`release-actions: <images>: invalid image reference`),
    ]);
    expect(errorLines(sign)[0]).toContain(problem);
    expect(sign.code).toBe(2);
    const attest = await cli([
      'attest',
      reference,
      '--predicate',
      'sbom.json',
      '--type',
      'spdxjson',
      '--skip-without-oidc',
    ]);
    expect(errorLines(attest)).toEqual([
      expect.stringContaining(`release-actions: <subject>: invalid image reference`),
    ]);
    expect(attest.code).toBe(2);
    expect(sign.stdout + attest.stdout).not.toMatch(/skipped/i);
  });

  it('scan image:<not a reference> exits 2 without running grype', async () => {
    rmSync(log, { force: true });
    // Its own temporary folder, to see that the refused scan leaves nothing in it.
    const temp = mkdtempSync(path.join(scratch, 'tmp-'));
    const result = await cli(['scan', 'image:127.0.0.1:99999/app:1'], { TMPDIR: temp });
    expect(errorLines(result)).toEqual([
      expect.stringContaining('release-actions: <source>: invalid image reference'),
    ]);
    expect(result.code).toBe(2);
    expect(readCalls(log)).toEqual([]);
    expect(readdirSync(temp)).toEqual([]);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { TOOL_NAMES } from '@release-actions/tools';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { registerAttest } from '../../../packages/cli/src/commands/attest.js';
import { registerAudit } from '../../../packages/cli/src/commands/audit.js';
import { registerChart } from '../../../packages/cli/src/commands/chart.js';
import { registerInstall } from '../../../packages/cli/src/commands/install.js';
import { registerPublish } from '../../../packages/cli/src/commands/publish.js';
import { registerSbom } from '../../../packages/cli/src/commands/sbom.js';
import { registerScan } from '../../../packages/cli/src/commands/scan.js';
import { registerSign } from '../../../packages/cli/src/commands/sign.js';
import { registerVerify } from '../../../packages/cli/src/commands/verify.js';
import { DownloadServer, serveAssets, type TestAsset } from '../../harness/download-server.js';
import { GitHubApiStandIn } from '../../harness/github-api.js';
import { repoRoot } from '../../harness/run-bundle.js';
import { captureCli, useFakeTools } from '../../harness/run-cli.js';

/**
 * The conventions every reporting command follows, command by command (README, "Command line"):
 * --format json prints JSON and nothing else; -o writes the result whole and prints nothing on
 * stdout; -q prints the verdict line only; no colour under --no-color or NO_COLOR; an unknown
 * --format is one line naming --format, exit 2; a bad value never reads "Input '…'".
 */

const {
  stdout,
  stderr,
  run: cli,
} = captureCli([
  registerAudit,
  registerSign,
  registerAttest,
  registerChart,
  registerInstall,
  registerSbom,
  registerScan,
  registerPublish,
  registerVerify,
]);

const fixtures = path.join(repoRoot, 'test', 'fixtures');
const REPORT = path.join(fixtures, 'upstream', 'grype', 'reports', 'check-all-fields.grype-0.28.0.json');
const GOLDEN_SPDX = path.join(fixtures, 'upstream', 'syft', 'golden', 'spdx-json.image.golden.json');
const GOLDEN_CDX = path.join(fixtures, 'upstream', 'syft', 'golden', 'cyclonedx-json-1.7.image.golden.json');
const WORKFLOW = path.join(fixtures, 'audit', 'corpus', 'pin001.ok.yml');
const TOKEN = 'ghp_conventions0123456789abcdef';
// The escape that starts every ANSI colour sequence.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);

let dir: string;
let api: GitHubApiStandIn;
let downloads: DownloadServer;
let assets: TestAsset[];

beforeAll(async () => {
  downloads = await DownloadServer.start();
  assets = serveAssets(downloads, TOOL_NAMES, 'v0.0.1');
});

afterAll(async () => {
  await downloads?.stop();
});

beforeEach(async () => {
  ({ dir } = useFakeTools('cli-conventions-'));
  process.chdir(dir);
  process.env.HOME = dir;
  delete process.env.NO_COLOR;
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  process.env.RELEASE_ACTIONS_RETRY_BASE_MS = '5';
  process.env.GITHUB_TOKEN = TOKEN;
  mkdirSync(path.join(dir, 'app'));
  writeFileSync(path.join(dir, 'asset.txt'), 'an asset\n');
  cpSync(path.join(fixtures, 'sigstore', 'charts', 'demo'), path.join(dir, 'demo'), { recursive: true });
});

/** A command line per command; each runs offline against the fakes and loopback servers. */
interface Case {
  name: string;
  args: () => string[];
  /** Its exit code (scan's report holds blocking findings). */
  code: number;
  /** A server the command talks to, started for the run. */
  api?: boolean;
}

const CASES: Case[] = [
  { name: 'scan', args: () => ['scan', '--report', REPORT], code: 1 },
  { name: 'sbom', args: () => ['sbom', 'dir:app', '--output-dir', 'sboms'], code: 0 },
  { name: 'sbom diff', args: () => ['sbom', 'diff', GOLDEN_SPDX, GOLDEN_CDX], code: 0 },
  {
    name: 'sign',
    args: () => ['sign', '127.0.0.1:1/o/app@sha256:' + 'a'.repeat(64), '--skip-without-oidc'],
    code: 0,
  },
  {
    name: 'attest',
    args: () => [
      'attest',
      '127.0.0.1:1/o/app@sha256:' + 'a'.repeat(64),
      '--predicate',
      path.join(repoRoot, 'package.json'),
      '--skip-without-oidc',
    ],
    code: 0,
  },
  { name: 'chart', args: () => ['chart', 'demo', '--no-push', '--destination', 'charts'], code: 0 },
  {
    name: 'publish',
    args: () => ['publish', 'asset.txt', '--tag', 'v1.0.0', '--repo', 'aotanami/aotanami'],
    code: 0,
    api: true,
  },
  {
    name: 'install',
    args: () => [
      'install',
      'cosign',
      '--dir',
      path.join(dir, 'tools'),
      '--mirror',
      downloads.url,
      '--version',
      'cosign=v0.0.1',
      '--sha256',
      `cosign=${assets.find((a) => a.tool === 'cosign')!.sha256}`,
    ],
    code: 0,
  },
  { name: 'audit', args: () => ['audit', WORKFLOW], code: 0 },
];

async function run(c: Case, ...extra: string[]): Promise<number> {
  if (!c.api) return cli(...c.args(), ...extra);
  api = await GitHubApiStandIn.start({ token: TOKEN });
  process.env.GITHUB_API_URL = api.url;
  api.addRelease('v1.0.0');
  try {
    return await cli(...c.args(), ...extra);
  } finally {
    await api.close();
  }
}

const out = () => stdout.join('');
const err = () => stderr.join('');

describe.each(CASES)('release-actions $name', (c) => {
  it('runs as given: text on stdout, no error line', async () => {
    const code = await run(c);
    expect(err()).not.toMatch(/^release-actions: (?!\d+ finding|❌)/m);
    expect(code).toBe(c.code);
    expect(out()).not.toBe('');
    // Plain text on a terminal: no Markdown heading, table or code span.
    expect(out()).not.toMatch(/^#{1,6} |^\|.*\|$|```/m);
  });

  it('--format json: parseable JSON on stdout and nothing else', async () => {
    expect(await run(c, '--format', 'json')).toBe(c.code);
    expect(() => JSON.parse(out())).not.toThrow();
    expect(out().trimStart().startsWith('{') || out().trimStart().startsWith('[')).toBe(true);
  });

  it('-q: the verdict line alone on stdout, no progress on stderr; JSON unchanged by it', async () => {
    expect(await run(c, '-q')).toBe(c.code);
    expect(out().split('\n')).toEqual([expect.stringMatching(/\S/), '']);
    expect(err()).not.toMatch(/^(?!warning: |release-actions: ).+/m);
    stdout.length = 0;
    expect(await run(c, '-q', '--format', 'json')).toBe(c.code);
    expect(() => JSON.parse(out())).not.toThrow();
  });

  it('-o: the whole result in the file, nothing on stdout; -o with --format json writes JSON', async () => {
    const file = path.join(dir, 'result.txt');
    expect(await run(c, '-o', file)).toBe(c.code);
    expect(out()).toBe('');
    expect(readFileSync(file, 'utf8')).not.toBe('');
    expect(err()).toContain(`wrote the text result to ${file}`);
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
    const json = path.join(dir, 'result.json');
    expect(await run(c, '--output', json, '--format', 'json', '-q')).toBe(c.code);
    expect(out()).toBe('');
    expect(() => JSON.parse(readFileSync(json, 'utf8'))).not.toThrow();
  });

  it('no ANSI escape under --no-color or NO_COLOR, even on a terminal', async () => {
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    try {
      expect(await run(c, '--no-color')).toBe(c.code);
      expect(out() + err()).not.toMatch(ANSI);
      stdout.length = 0;
      stderr.length = 0;
      process.env.NO_COLOR = '1';
      expect(await run(c, '-q')).toBe(c.code);
      expect(out() + err()).not.toMatch(ANSI);
    } finally {
      if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
  });

  it('an unknown --format: exit 2, one line naming --format and what it accepts, nothing run', async () => {
    expect(await run(c, '--format', 'xml')).toBe(2);
    expect(out()).toBe('');
    const lines = err().split('\n').filter(Boolean);
    expect(lines).toEqual([
      expect.stringMatching(
        /^release-actions: --format: "xml" is not accepted; use (text or json|text, json or sarif)\./,
      ),
    ]);
  });
});

describe('--format sarif (scan and audit)', () => {
  it.each([
    [['scan', '--report', REPORT], 1],
    [['audit', WORKFLOW], 0],
  ])('%j prints one SARIF 2.1.0 log and nothing else, or writes it with -o', async (args, code) => {
    expect(await cli(...args, '--format', 'sarif')).toBe(code);
    const log = JSON.parse(out()) as { version: string; runs: unknown[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    stdout.length = 0;
    const file = path.join(dir, 'result.sarif');
    expect(await cli(...args, '--format', 'sarif', '-o', file)).toBe(code);
    expect(out()).toBe('');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(log);
  });

  it('is refused where SARIF makes no sense', async () => {
    expect(await cli('sbom', 'diff', GOLDEN_SPDX, GOLDEN_CDX, '--format', 'sarif')).toBe(2);
    expect(err()).toBe('release-actions: --format: "sarif" is not accepted; use text or json.\n');
  });
});

describe('colour on a terminal', () => {
  it('marks the verdict word when stdout is a terminal and nothing turns colour off', async () => {
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    delete process.env.TERM;
    try {
      expect(await cli('audit', WORKFLOW, '-q')).toBe(0);
      expect(out()).toBe('Audit \u001b[32mpassed\u001b[39m: 0 finding(s), none at or above high.\n');
      stdout.length = 0;
      expect(await cli('--no-color', 'audit', WORKFLOW, '-q')).toBe(0);
      expect(out()).toBe('Audit passed: 0 finding(s), none at or above high.\n');
      // What the tools we run inherit.
      expect(process.env.NO_COLOR).toBe('1');
    } finally {
      if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
  });
});

describe('a bad value names the flag, never an action input', () => {
  const image = `127.0.0.1:1/o/app@sha256:${'a'.repeat(64)}`;
  it.each([
    [['scan', '--report', REPORT, '--severity-cutoff', 'nope'], '--severity-cutoff'],
    [['scan'], 'Give what to scan'],
    [['sbom', 'dir:app', '--sbom-format', 'nope'], '--sbom-format'],
    [['sbom', 'diff', GOLDEN_SPDX, 'absent.json'], 'absent.json'],
    [['sign', image, '--signing-config', 'absent.json'], '--signing-config'],
    [['attest', image, '--type', 'spdxjson'], '--type: it is the type of --predicate'],
    [
      ['attest', image],
      'Give a predicate: --predicate (with --type), --vex, --sbom-spdx / --sbom-cyclonedx, or --sbom-manifest',
    ],
    [['chart', 'demo', 'oci://127.0.0.1:1/c', '--package', 'x.tgz'], '--package'],
    [['publish', 'package.json', '--tag', 'v1', '--repo', 'not a repo'], '--repo'],
    [['install', 'cosign', '--version', 'cosign'], '--version'],
    [['audit', '--config', 'absent.yml'], 'absent.yml'],
    [['verify', image, '--repository', 'o/r', '--signer', 'nobody'], '--signer'],
    [
      ['verify', image, '--repository', 'o/r', '--certificate-identity-regexp', '.*'],
      'or set --allow-unanchored to accept the risk',
    ],
    [['verify', image, '--repository', 'o/r', '-o', ''], '--output: names no file.'],
  ])('%j', async (args, named) => {
    expect(await cli(...args)).toBe(2);
    const lines = err().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(named);
    expect(err()).not.toContain("Input '");
    expect(err()).not.toMatch(/\{input:/);
  });
});

describe('sign and attest without an OIDC token', () => {
  const image = `127.0.0.1:1/o/app@sha256:${'a'.repeat(64)}`;
  it.each([['sign'], ['attest']])(
    '%s exits 2 with the one line, and 0 with a skipped line',
    async (command) => {
      const predicate = command === 'attest' ? ['--predicate', path.join(repoRoot, 'package.json')] : [];
      expect(await cli(command, image, ...predicate)).toBe(2);
      expect(err()).toBe(
        'release-actions: keyless signing needs an OIDC token (run in GitHub Actions with id-token: write) or use --key\n',
      );
      expect(out()).toBe('');
      stderr.length = 0;
      expect(await cli(command, image, ...predicate, '--skip-without-oidc')).toBe(0);
      expect(out()).toMatch(
        /^(Signatures|Attestations): Skipped \(--skip-without-oidc\): .* nothing was (signed|attested)\.\n$/,
      );
      expect(existsSync(path.join(dir, 'fake.log'))).toBe(false);
    },
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

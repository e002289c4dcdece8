import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOOL_NAMES } from '@release-actions/tools';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DownloadServer, serveAssets, type TestAsset } from '../../harness/download-server.js';
import { runCli, type ProcessResult } from '../../harness/run-cli.js';

/** Runs `node dist/cli/index.js ...` outside any runner (no RUNNER_* variables). */
function cli(args: string[], env: Record<string, string> = {}): Promise<ProcessResult> {
  return runCli(args, { env: { HOME: home, RELEASE_ACTIONS_RETRY_BASE_MS: '5', ...env } });
}

const host = `${process.platform}-${process.arch}`;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'cli-install-'));
const home = path.join(scratch, 'home');
let server: DownloadServer;
let assets: TestAsset[];

beforeAll(async () => {
  server = await DownloadServer.start();
  assets = serveAssets(server, TOOL_NAMES, 'v0.0.1');
});

afterAll(async () => {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function overrides(tools: readonly string[]): string[] {
  return tools.flatMap((tool) => [
    '--version',
    `${tool}=v0.0.1`,
    '--sha256',
    `${tool}=${assets.find((a) => a.tool === tool)!.sha256}`,
  ]);
}

describe('release-actions install', () => {
  it('installs into --dir and prints "tool version path" per line; a second run makes no request', async () => {
    const dir = path.join(scratch, 'tools');
    const before = server.count();
    const args = [
      'install',
      'cosign',
      'helm',
      '--dir',
      dir,
      '--mirror',
      server.url,
      ...overrides(['cosign', 'helm']),
    ];
    const result = await cli(args);
    expect(result.stderr).not.toContain('release-actions:');
    expect(result.code).toBe(0);
    const cosign = path.join(dir, 'cosign', '0.0.1', process.arch, 'cosign');
    const helm = path.join(dir, 'helm', '0.0.1', process.arch, 'helm');
    expect(result.stdout).toBe(`cosign v0.0.1 ${cosign}\nhelm v0.0.1 ${helm}\n`);
    expect(execFileSync(helm, [], { encoding: 'utf8' })).toBe('helm v0.0.1\n');
    expect(server.count()).toBe(before + 2);
    // Progress goes to stderr, never into the result lines.
    expect(result.stderr).toContain('Downloading cosign v0.0.1');

    const again = await cli(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(result.stdout);
    expect(server.count()).toBe(before + 2);
  });

  it('defaults to the per-user cache under $XDG_CACHE_HOME', async () => {
    const xdg = path.join(scratch, 'xdg');
    const result = await cli(['install', 'grype', '--mirror', server.url, ...overrides(['grype'])], {
      XDG_CACHE_HOME: xdg,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `grype v0.0.1 ${path.join(xdg, 'release-actions', 'tools', 'grype', '0.0.1', process.arch, 'grype')}\n`,
    );
  });

  it('exits 2 with one clear line on a checksum mismatch, leaving no cache entry', async () => {
    const dir = path.join(scratch, 'mismatch');
    const syft = assets.find((a) => a.tool === 'syft')!;
    const wrong = '1'.repeat(64);
    const result = await cli([
      'install',
      'syft',
      '--dir',
      dir,
      '--mirror',
      server.url,
      '--version',
      'syft=v0.0.1',
      '--sha256',
      `syft=${wrong}`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `release-actions: syft v0.0.1 ${host}: checksum mismatch for ${syft.url}: expected sha256 ${wrong}, got ${syft.sha256} over ${syft.body.length} bytes; the download may have been tampered with or the given checksum is wrong. It was deleted and nothing was cached.\n`,
    );
    // The run created --dir; it fails whole, so the folder goes too.
    expect(existsSync(dir)).toBe(false);
  });

  it('leaves no --dir it created when a download fails, and keeps one that was there', async () => {
    const args = (dir: string) => [
      'install',
      'cosign',
      '--dir',
      dir,
      '--mirror',
      `${server.url}/nothing-here`,
      ...overrides(['cosign']),
    ];
    const fresh = path.join(scratch, 'absent', 'tools');
    const failed = await cli(args(fresh));
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('404');
    expect(existsSync(path.join(scratch, 'absent'))).toBe(false);

    const kept = path.join(scratch, 'kept');
    mkdirSync(kept);
    writeFileSync(path.join(kept, 'mine'), 'a file of the user');
    const again = await cli(args(kept));
    expect(again.code).toBe(2);
    expect(readdirSync(kept)).toEqual(['mine']);
  });

  it('refuses a mirror with credentials before anything, without printing the password', async () => {
    const dir = path.join(scratch, 'with-credentials');
    const before = server.count();
    const mirror = server.url.replace('http://', 'http://user:pa55-w0rd@');
    const result = await cli([
      'install',
      'cosign',
      '--dir',
      dir,
      '--mirror',
      mirror,
      ...overrides(['cosign']),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `release-actions: --mirror: "${server.url.replace('http://', 'http://user:***@')}" holds credentials, which are not accepted; give a mirror that serves the downloads without a login (the URL as a plain base such as https://mirror.example.com).\n`,
    );
    expect(result.stdout + result.stderr).not.toContain('pa55-w0rd');
    expect(server.count()).toBe(before);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a --dir that cannot be a folder before any download', async () => {
    const file = path.join(scratch, 'a-file');
    writeFileSync(file, '');
    const before = server.count();
    const result = await cli([
      'install',
      'cosign',
      '--dir',
      file,
      '--mirror',
      server.url,
      ...overrides(['cosign']),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`release-actions: --dir: cannot create the folder "${file}" (EEXIST)`);
    expect(server.count()).toBe(before);
  });

  it('refuses an unsupported platform, an unknown tool and malformed flags with exit 2', async () => {
    const dir = path.join(scratch, 'refused');
    const before = server.count();
    const windows = await cli([
      'install',
      'grype',
      '--dir',
      dir,
      '--platform',
      'win32-x64',
      '--version',
      'grype=v0.116.1',
    ]);
    expect(windows.code).toBe(2);
    expect(windows.stderr).toContain(
      'release-actions: grype v0.116.1 has no known checksum for platform win32-x64 (known: linux-x64, linux-arm64, darwin-x64, darwin-arm64); give its sha256 from the release to install it.',
    );
    const s390 = await cli(['install', 'cosign', '--dir', dir, '--platform', 'linux-s390x']);
    expect(s390.stderr).toContain(
      'cosign is not published for platform linux-s390x; supported: linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64.',
    );
    const unknown = await cli(['install', 'kubectl', '--dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown tool "kubectl"');
    const malformed = await cli(['install', 'cosign', '--dir', dir, '--version', 'v3.1.3']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--version "v3.1.3" must have the form tool=value.');
    const stray = await cli(['install', 'cosign', '--dir', dir, '--sha256', `helm=${'a'.repeat(64)}`]);
    expect(stray.stderr).toContain('helm is not among the tools to install');
    expect(server.count()).toBe(before);
    expect(existsSync(path.join(dir, 'cosign'))).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { manifest } from '@release-actions/tools';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DownloadServer, serveAssets, type TestAsset } from '../../harness/download-server.js';
import { errors, NO_DNS_ENV, runBundle } from '../../harness/run-bundle.js';
import { runCli } from '../../harness/run-cli.js';

/**
 * The installer, through the setup action and `release-actions install`, on a machine that cannot
 * reach the download host, and what both print while downloading where no terminal is attached
 * (CI logs, these tests): one line before and one after each download, nothing in between.
 */

const host = `${process.platform}-${process.arch}`;
/** RFC 2606 reserves .invalid; NO_DNS_ENV fails it as DNS would, without asking a resolver. */
const unresolvable = 'https://mirror.release-actions.invalid';
const cosignVersion = manifest.tools.cosign!.default;
/** A first retry would wait at least 7.5 s (10 s ± 25 %): a run well under that made none. */
const slowRetry = { RELEASE_ACTIONS_RETRY_BASE_MS: '10000', ...NO_DNS_ENV };
const fastRetry = { RELEASE_ACTIONS_RETRY_BASE_MS: '5' };

let server: DownloadServer;
let assets: TestAsset[];
const scratch = mkdtempSync(path.join(os.tmpdir(), 'offline-e2e-'));

beforeAll(async () => {
  server = await DownloadServer.start();
  assets = serveAssets(server, ['cosign', 'helm'], 'v0.0.1');
});

afterAll(async () => {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const asset = (tool: string) => assets.find((a) => a.tool === tool)!;
const freshDir = (prefix: string) => mkdtempSync(path.join(scratch, prefix));

function pinnedTo(tool: string): Record<string, string> {
  return { [`${tool}-version`]: 'v0.0.1', [`${tool}-sha256`]: asset(tool).sha256 };
}

/** The log lines of a run (stdout without workflow commands). */
function logLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line !== '' && !line.startsWith('::'));
}

describe('setup action', () => {
  it('fails at once on an unresolvable mirror, naming the input, with no retry and no checksum', async () => {
    const result = await runBundle('setup', {
      inputs: { tools: 'cosign', mirror: unresolvable },
      env: slowRetry,
      toolCache: freshDir('cache-'),
    });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toEqual([
      `cosign ${cosignVersion} ${host}: cannot reach mirror.release-actions.invalid (DNS lookup failed: ENOTFOUND); check the 'mirror' input (${unresolvable}), or put cosign on PATH.`,
    ]);
    expect(result.annotations.find((a) => a.level === 'error')?.properties['title']).toBe(
      'DOWNLOAD_UNREACHABLE',
    );
    expect(result.annotations.filter((a) => a.level === 'warning')).toEqual([]);
    expect(result.durationMs).toBeLessThan(5000);
    expect(result.outputs['outcome']).toBe('error');
  });

  it('logs one line before and one after each download, with its size and time', async () => {
    const result = await runBundle('setup', {
      inputs: { tools: 'cosign, helm', mirror: server.url, ...pinnedTo('cosign'), ...pinnedTo('helm') },
      env: fastRetry,
      toolCache: freshDir('cache-'),
    });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('\r');
    for (const tool of ['cosign', 'helm']) {
      const lines = logLines(result.stdout).filter((line) => line.includes(tool));
      expect(lines).toEqual([
        `Downloading ${tool} v0.0.1 ${host} from ${asset(tool).url}`,
        expect.stringMatching(
          new RegExp(
            `^Verified ${asset(tool).file}: sha256 ${asset(tool).sha256} \\(\\d+ B in \\d+ ms, .+/s\\)$`,
          ),
        ),
        expect.stringMatching(new RegExp(`^${tool} v0\\.0\\.1 ${host} installed: `)),
      ]);
    }
  });
});

describe('release-actions install', () => {
  const cli = (args: string[], env: Record<string, string> = fastRetry) =>
    runCli(args, { env: { HOME: path.join(scratch, 'home'), ...env } });

  it('prints the start and end of a download on stderr, and only the result on stdout', async () => {
    const dir = freshDir('tools-');
    const cosign = asset('cosign');
    const args = ['install', 'cosign', '--dir', dir, '--mirror', server.url];
    const result = await cli([...args, '--version', 'cosign=v0.0.1', '--sha256', `cosign=${cosign.sha256}`]);
    expect(result.code).toBe(0);
    const binary = path.join(dir, 'cosign', '0.0.1', process.arch, 'cosign');
    expect(result.stdout).toBe(`cosign v0.0.1 ${binary}\n`);
    // stderr is a pipe here, not a terminal: no progress line, no carriage return.
    expect(result.stderr).not.toContain('\r');
    expect(result.stderr.split('\n')).toEqual([
      `Downloading cosign v0.0.1 ${host} from ${cosign.url}`,
      expect.stringMatching(
        new RegExp(`^Verified ${cosign.file}: sha256 ${cosign.sha256} \\(\\d+ B in \\d+ ms, .+/s\\)$`),
      ),
      `cosign v0.0.1 ${host} installed: ${binary}`,
      '',
    ]);
  });

  it('prints nothing on stderr under -q', async () => {
    const dir = freshDir('tools-');
    const helm = asset('helm');
    const result = await cli([
      '-q',
      'install',
      'helm',
      '--dir',
      dir,
      '--mirror',
      server.url,
      '--version',
      'helm=v0.0.1',
      '--sha256',
      `helm=${helm.sha256}`,
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    // -q keeps the verdict line only (the paths are in --format json).
    expect(result.stdout).toBe('Installed helm v0.0.1, each verified against its SHA-256.\n');
  });

  it('fails at once on an unresolvable mirror with one line naming --mirror', async () => {
    const started = Date.now();
    const result = await cli(
      ['install', 'cosign', '--dir', freshDir('tools-'), '--mirror', unresolvable],
      slowRetry,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter((line) => line.startsWith('release-actions:'))).toEqual([
      `release-actions: cosign ${cosignVersion} ${host}: cannot reach mirror.release-actions.invalid (DNS lookup failed: ENOTFOUND); check --mirror (${unresolvable}), or put cosign on PATH.`,
    ]);
    expect(result.stderr).not.toMatch(/[0-9a-f]{64}|warning:/);
  });
});

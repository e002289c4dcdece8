import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { InputError, OperationalError } from '@release-actions/core';
import {
  cacheDirectory,
  ensureTool,
  install,
  installMany,
  resolveAsset,
  TOOL_NAMES,
  type Manifest,
} from '@release-actions/tools';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DownloadServer, serveAssets, testManifest, type TestAsset } from '../../harness/download-server.js';
import { recordingLogger } from '../../harness/logger.js';

const host = `${process.platform}-${process.arch}`;
const fast = { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 };

let server: DownloadServer;
let assets: TestAsset[];
let manifest: Manifest;
let scratch: string;
const saved = { cache: process.env.RUNNER_TOOL_CACHE, temp: process.env.RUNNER_TEMP, path: process.env.PATH };

beforeAll(async () => {
  server = await DownloadServer.start();
  assets = serveAssets(server, TOOL_NAMES, 'v0.0.1');
  manifest = testManifest(assets);
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'install-test-'));
  process.env.RUNNER_TOOL_CACHE = path.join(scratch, 'cache');
  process.env.RUNNER_TEMP = path.join(scratch, 'temp');
  mkdirSync(process.env.RUNNER_TEMP);
});

afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
  process.env.RUNNER_TOOL_CACHE = saved.cache;
  process.env.RUNNER_TEMP = saved.temp;
  process.env.PATH = saved.path;
});

const asset = (tool: string) => assets.find((a) => a.tool === tool)!;

function expectNothingCached(tool: string, platform = host): void {
  const dir = cacheDirectory({ tool, version: 'v0.0.1', platform });
  expect(existsSync(dir)).toBe(false);
  expect(existsSync(`${dir}.complete`)).toBe(false);
  expect(readdirSync(process.env.RUNNER_TEMP!)).toEqual([]);
}

describe('install', () => {
  it('downloads, verifies, unpacks and caches on a cold cache, then answers from the cache with no request', async () => {
    const cosign = asset('cosign');
    const before = server.count(cosign.url);
    const cold = await install('cosign', { manifest, retry: fast });
    expect(cold).toMatchObject({
      tool: 'cosign',
      version: 'v0.0.1',
      platform: host,
      source: 'download',
      sha256: cosign.sha256,
    });
    expect(cold.path).toBe(
      path.join(process.env.RUNNER_TOOL_CACHE!, 'cosign', '0.0.1', process.arch, 'cosign'),
    );
    expect(statSync(cold.path).mode & 0o111).not.toBe(0);
    expect(execFileSync(cold.path, [], { encoding: 'utf8' })).toBe('cosign v0.0.1\n');
    expect(existsSync(`${cold.dir}.complete`)).toBe(true);
    expect(server.count(cosign.url)).toBe(before + 1);
    expect(readdirSync(process.env.RUNNER_TEMP!)).toEqual([]);

    const total = server.count();
    const warm = await install('cosign', { manifest, retry: fast });
    expect(warm).toMatchObject({ source: 'cache', path: cold.path, sha256: cosign.sha256 });
    expect(server.count()).toBe(total);
  });

  it('extracts only the executable from a tar.gz, at the path the manifest names (helm: linux-amd64/helm)', async () => {
    const helm = await install('helm', { manifest, retry: fast });
    expect(path.basename(helm.path)).toBe('helm');
    expect(execFileSync(helm.path, [], { encoding: 'utf8' })).toBe('helm v0.0.1\n');
    expect(readdirSync(helm.dir).sort()).toEqual(['.release-actions.json', 'helm']);
  });

  it('unpacks a zip asset (the Windows layout) with the executable named .exe', async () => {
    const [zipAsset] = serveAssets(server, ['syft'], 'v0.0.2', 'win32-x64');
    const syft = await install('syft', {
      version: 'v0.0.2',
      sha256: zipAsset!.sha256,
      mirror: server.url,
      platform: 'win32-x64',
      retry: fast,
    });
    expect(path.basename(syft.path)).toBe('syft.exe');
    expect(syft.dir).toBe(path.join(process.env.RUNNER_TOOL_CACHE!, 'syft', '0.0.2', 'win32-x64'));
    expect(readFileSync(syft.path, 'utf8')).toBe('#!/bin/sh\necho "syft v0.0.2"\n');
  });

  it('fails on a checksum mismatch with one line naming tool, version, platform, expected and actual hash, caching nothing', async () => {
    const grype = asset('grype');
    const wrong = 'f'.repeat(64);
    const error = await install('grype', { manifest, sha256: wrong, retry: fast }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationalError);
    const message = (error as Error).message;
    expect(message).toBe(
      `grype v0.0.1 ${host}: checksum mismatch for ${grype.url}: expected sha256 ${wrong}, got ${grype.sha256} over ${grype.body.length} bytes; the download may have been tampered with or the given checksum is wrong. It was deleted and nothing was cached.`,
    );
    expect(message).not.toContain('\n');
    expect((error as OperationalError).code).toBe('CHECKSUM_MISMATCH');
    expectNothingCached('grype');
  });

  it('retries 500s and succeeds when the fault clears', async () => {
    const syft = asset('syft');
    server.fault(syft.url, { mode: '500', times: 2 });
    const logger = recordingLogger();
    const before = server.count(syft.url);
    const result = await install('syft', { manifest, retry: fast, logger });
    expect(result.source).toBe('download');
    expect(server.count(syft.url)).toBe(before + 3);
    expect(logger.lines.filter((l) => l.startsWith('warning:') && l.includes('HTTP 500'))).toHaveLength(2);
    server.fault(syft.url, { mode: 'ok' });
  });

  it('gives up on persistent 500s after the bounded attempts, caching nothing', async () => {
    const syft = asset('syft');
    server.fault(syft.url, { mode: '500' });
    const before = server.count(syft.url);
    const error = await install('syft', { manifest, retry: fast }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^syft v0.0.1 ${host}: ${syft.url} answered HTTP 500 \\(tried 3 times\\); nothing was downloaded\\.$`,
      ),
    );
    expect((error as OperationalError).code).toBe('DOWNLOAD_FAILED');
    expect(server.count(syft.url)).toBe(before + 3);
    expectNothingCached('syft');
    server.fault(syft.url, { mode: 'ok' });
  });

  it('retries a truncated download and succeeds when the fault clears', async () => {
    const helm = asset('helm');
    server.fault(helm.url, { mode: 'truncated', times: 1 });
    const before = server.count(helm.url);
    const result = await install('helm', { manifest, retry: fast });
    expect(result.source).toBe('download');
    expect(server.count(helm.url)).toBe(before + 2);
    server.fault(helm.url, { mode: 'ok' });
  });

  it('fails cleanly when every attempt is truncated, saying how far it got and no hash', async () => {
    const helm = asset('helm');
    server.fault(helm.url, { mode: 'truncated' });
    const error = (await install('helm', { manifest, retry: fast }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(OperationalError);
    expect(error.message).toMatch(
      new RegExp(
        `^helm v0.0.1 ${host}: download of ${helm.url} ended after \\d+ of ${helm.body.length} bytes .*\\(tried 3 times\\); the partial download was deleted and nothing was cached\\.$`,
      ),
    );
    expect(error.message).not.toMatch(/[0-9a-f]{64}/);
    expectNothingCached('helm');
    server.fault(helm.url, { mode: 'ok' });
  });

  it('abandons a stalled download after the idle timeout and retries', async () => {
    const slsa = asset('slsa-verifier');
    server.fault(slsa.url, { mode: 'slow', times: 1 });
    const logger = recordingLogger();
    const result = await install('slsa-verifier', { manifest, retry: fast, idleTimeoutMs: 300, logger });
    expect(result.source).toBe('download');
    expect(logger.lines.some((l) => l.startsWith('warning:') && l.includes('stalled for 300 ms'))).toBe(true);
    server.fault(slsa.url, { mode: 'ok' });
  });

  it('fails at once on a 404, naming the URL', async () => {
    const cosignUrl = resolveAsset('cosign', {
      version: 'v7.7.7',
      sha256: 'a'.repeat(64),
      mirror: server.url,
    }).url;
    const before = server.count();
    await expect(
      install('cosign', { version: 'v7.7.7', sha256: 'a'.repeat(64), mirror: server.url, retry: fast }),
    ).rejects.toThrow(
      `cosign v7.7.7 ${host}: no such release asset: ${cosignUrl} (HTTP 404); check the version and that the mirror holds this file.`,
    );
    expect(server.count()).toBe(before + 1);
    expect(cosignUrl.startsWith(`${server.url}/sigstore/cosign/releases/download/v7.7.7/`)).toBe(true);
  });

  it('refuses unknown tools, versions without sha256 and unsupported platforms before any request', async () => {
    const before = server.count();
    await expect(install('kubectl', { manifest })).rejects.toThrow(InputError);
    await expect(install('kubectl', { manifest })).rejects.toMatchObject({ code: 'TOOL_UNKNOWN' });
    await expect(install('cosign', { manifest, version: 'v9.9.9' })).rejects.toThrow(/give its sha256 too/);
    await expect(install('grype', { version: 'v0.116.1', platform: 'win32-x64' })).rejects.toThrow(
      /no known checksum for platform win32-x64/,
    );
    await expect(install('cosign', { manifest, platform: 'freebsd-x64' })).rejects.toThrow(
      /not published for platform freebsd-x64/,
    );
    expect(server.count()).toBe(before);
  });

  it('honours a mirror for GitHub release assets and for the Helm host', async () => {
    const cosign = asset('cosign');
    const helm = asset('helm');
    const logger = recordingLogger();
    const [c, h] = await Promise.all([
      install('cosign', {
        version: 'v0.0.1',
        sha256: cosign.sha256,
        mirror: server.url,
        retry: fast,
        logger,
      }),
      install('helm', {
        version: 'v0.0.1',
        sha256: helm.sha256,
        mirror: `${server.url}/`,
        retry: fast,
        logger,
      }),
    ]);
    expect(c.source).toBe('download');
    expect(h.source).toBe('download');
    expect(logger.lines).toContain(`Downloading cosign v0.0.1 ${host} from ${cosign.url}`);
    expect(new URL(helm.url).pathname).toMatch(/^\/helm-v0\.0\.1-[a-z]+-[a-z0-9]+\.tar\.gz$/);
    expect(logger.lines).toContain(`Downloading helm v0.0.1 ${host} from ${helm.url}`);
  });

  it('warns when a given sha256 overrides the manifest', async () => {
    const logger = recordingLogger();
    const cosign = asset('cosign');
    const other = testManifest([{ ...cosign, sha256: 'b'.repeat(64) }]);
    await install('cosign', { manifest: other, sha256: cosign.sha256, logger, retry: fast });
    expect(
      logger.lines.some((l) => l.startsWith('warning:') && l.includes('differs from the manifest')),
    ).toBe(true);
  });

  it('does not take a cached copy verified against another checksum for the one asked for', async () => {
    const cosign = asset('cosign');
    const first = await install('cosign', { manifest, retry: fast });
    const record = path.join(first.dir, '.release-actions.json');
    writeFileSync(record, readFileSync(record, 'utf8').replace(cosign.sha256, 'c'.repeat(64)));
    const before = server.count(cosign.url);
    const again = await install('cosign', { manifest, retry: fast });
    expect(again.source).toBe('download');
    expect(server.count(cosign.url)).toBe(before + 1);
  });

  it('installs all five tools concurrently', async () => {
    const before = Object.fromEntries(assets.map((a) => [a.tool, server.count(a.url)]));
    const started = performance.now();
    const installed = await installMany([...TOOL_NAMES, 'cosign'], { manifest, retry: fast });
    expect(installed.map((i) => i.tool)).toEqual([...TOOL_NAMES]);
    for (const i of installed) {
      expect(i.source).toBe('download');
      expect(execFileSync(i.path, [], { encoding: 'utf8' })).toBe(`${i.tool} v0.0.1\n`);
      expect(server.count(asset(i.tool).url)).toBe(before[i.tool]! + 1);
    }
    expect(performance.now() - started).toBeLessThan(10_000);
    const warm = await installMany(TOOL_NAMES, { manifest });
    expect(warm.every((i) => i.source === 'cache')).toBe(true);
  });

  it('reports the first failure of several after all have finished', async () => {
    await expect(installMany(['cosign', 'kubectl'], { manifest, retry: fast })).rejects.toThrow(
      /Unknown tool "kubectl"/,
    );
    expect(
      existsSync(`${cacheDirectory({ tool: 'cosign', version: 'v0.0.1', platform: host })}.complete`),
    ).toBe(true);
  });

  it('says which unpacker is missing', async () => {
    process.env.PATH = path.join(scratch, 'empty');
    await expect(install('helm', { manifest, retry: fast })).rejects.toThrow(
      `helm v0.0.1 ${host}: tar is needed to unpack ${asset('helm').file} and was not found on PATH.`,
    );
    expectNothingCached('helm');
  });

  it('uses a per-user cache outside a runner', async () => {
    delete process.env.RUNNER_TOOL_CACHE;
    const saveXdg = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = path.join(scratch, 'xdg');
    try {
      const cosign = await install('cosign', { manifest, retry: fast });
      expect(cosign.dir).toBe(
        path.join(scratch, 'xdg', 'release-actions', 'tools', 'cosign', '0.0.1', process.arch),
      );
    } finally {
      if (saveXdg === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saveXdg;
    }
  });
});

describe('ensureTool', () => {
  it('uses a tool already on PATH as it is and logs its version', async () => {
    const bin = path.join(scratch, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'syft'), '#!/bin/sh\necho "syft 9.9.9-local"\n', { mode: 0o755 });
    process.env.PATH = `${bin}${path.delimiter}${saved.path}`;
    const logger = recordingLogger();
    const before = server.count();
    const syft = await ensureTool('syft', { manifest, logger });
    expect(syft).toEqual({
      tool: 'syft',
      path: path.join(bin, 'syft'),
      version: 'syft 9.9.9-local',
      source: 'path',
    });
    expect(logger.lines).toContain(`Using syft from PATH: ${path.join(bin, 'syft')} (syft 9.9.9-local)`);
    expect(server.count()).toBe(before);
  });

  it('logs the line that names the version, not the banner some tools print first', async () => {
    const bin = path.join(scratch, 'bin-banner');
    mkdirSync(bin);
    writeFileSync(
      path.join(bin, 'slsa-verifier'),
      '#!/bin/sh\necho "  ____    _  "\necho " / ___|  | | "\necho "slsa-verifier: Verify SLSA provenance"\necho\necho "GitVersion:    v2.7.1"\n',
      { mode: 0o755 },
    );
    process.env.PATH = `${bin}${path.delimiter}${saved.path}`;
    const tool = await ensureTool('slsa-verifier', { manifest, logger: recordingLogger() });
    expect(tool.version).toBe('GitVersion:    v2.7.1');
  });

  it('installs the pinned version when the tool is not on PATH and puts it first on PATH', async () => {
    process.env.PATH = [path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter);
    const grype = await ensureTool('grype', { manifest, retry: fast });
    expect(grype).toMatchObject({ tool: 'grype', version: 'v0.0.1', source: 'download' });
    expect(process.env.PATH!.split(path.delimiter)[0]).toBe(path.dirname(grype.path));
    const again = await ensureTool('grype', { manifest });
    expect(again.source).toBe('path');
    expect(again.version).toBe('grype v0.0.1');
  });
});

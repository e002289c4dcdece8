import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from '@jest/globals';
import { OperationalError } from '@release-actions/core';
import { install, installMany, manifest as pinned, type Manifest } from '@release-actions/tools';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { download, DownloadError, type DownloadProgress } from '../../../packages/tools/src/download.js';
import { DownloadServer, serveAssets, testManifest, type TestAsset } from '../../harness/download-server.js';
import { repoRoot } from '../../harness/run-bundle.js';
import { recordingLogger } from '../../harness/logger.js';
import { blockInvalidDns } from '../../harness/no-dns.mjs';

/**
 * A machine that is offline, or a download host that is down or misbehaving: each failure gets
 * its own line, saying what failed and what to do, without the retries a permanent failure
 * cannot profit from, and without a checksum of something that did not arrive whole.
 */

const host = `${process.platform}-${process.arch}`;
const fast = { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 };
/** A retry delay no test could sit out within its time bound. */
const slow = { attempts: 4, initialDelayMs: 5000 };
/** RFC 2606 reserves .invalid; blockInvalidDns fails it as DNS would, without asking a resolver. */
const unresolvable = 'https://mirror.release-actions.invalid';
/** Any 64 hex digits: a checksum, which none of these failures may print. */
const HASH = /[0-9a-f]{64}/;

const cosign = pinned.tools.cosign!;
const cosignFile = cosign.platforms[host]!.file;
const cosignPath = `/sigstore/cosign/releases/download/${cosign.default}/${cosignFile}`;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

let downloads: DownloadServer;
let assets: TestAsset[];
let manifest: Manifest;
let scratch: string;
let toolCache: string;
const savedTemp = process.env.RUNNER_TEMP;

let restoreDns: () => void;

beforeAll(async () => {
  restoreDns = blockInvalidDns();
  downloads = await DownloadServer.start();
  assets = serveAssets(downloads, ['syft', 'helm'], 'v0.0.1');
  manifest = testManifest(assets);
});

afterAll(async () => {
  restoreDns();
  await downloads.stop();
});

beforeEach(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'offline-test-'));
  toolCache = path.join(scratch, 'cache');
  process.env.RUNNER_TEMP = path.join(scratch, 'temp');
});

afterEach(() => {
  process.env.RUNNER_TEMP = savedTemp;
  rmSync(scratch, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<OperationalError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OperationalError);
  return error as OperationalError;
}

function expectNothingLeft(): void {
  expect(existsSync(toolCache) ? readdirSync(toolCache) : []).toEqual([]);
  expect(readdirSync(process.env.RUNNER_TEMP!)).toEqual([]);
}

describe('an unresolvable download host', () => {
  it('fails at once, naming the host and the way out, with no retry and no checksum', async () => {
    const logger = recordingLogger();
    const started = Date.now();
    const error = await failure(install('cosign', { mirror: unresolvable, retry: slow, logger, toolCache }));
    const elapsed = Date.now() - started;
    expect(error.message).toBe(
      `cosign ${cosign.default} ${host}: cannot reach mirror.release-actions.invalid (DNS lookup failed: ENOTFOUND); check the mirror (${unresolvable}), or put cosign on PATH.`,
    );
    expect(error.code).toBe('DOWNLOAD_UNREACHABLE');
    expect(error.message).not.toMatch(HASH);
    // A retry would wait 5 s first: finishing well before proves there was none.
    expect(elapsed).toBeLessThan(3000);
    expect(logger.lines.filter((l) => l.startsWith('warning:'))).toEqual([]);
  });

  it('names the front end’s mirror setting when no mirror was given', async () => {
    const offline = JSON.parse(
      JSON.stringify(pinned).replaceAll('https://github.com/', 'https://github.release-actions.invalid/'),
    ) as Manifest;
    const cli = await failure(
      install('cosign', { manifest: offline, retry: slow, toolCache, mirrorSetting: '--mirror' }),
    );
    expect(cli.message).toBe(
      `cosign ${cosign.default} ${host}: cannot reach github.release-actions.invalid (DNS lookup failed: ENOTFOUND); use --mirror, put cosign on PATH, or install on a connected machine.`,
    );
    const library = await failure(install('cosign', { manifest: offline, retry: slow, toolCache }));
    expect(library.message).toMatch(
      /; use a mirror \(release-actions install --mirror, or the setup action's 'mirror' input\), put cosign on PATH, or install on a connected machine\.$/,
    );
  });

  it('says it once for all the tools that failed alike', async () => {
    const offline = JSON.parse(
      JSON.stringify(pinned)
        .replaceAll('https://github.com/', 'https://github.release-actions.invalid/')
        .replaceAll('https://get.helm.sh/', 'https://helm.release-actions.invalid/'),
    ) as Manifest;
    const logger = recordingLogger();
    const error = await failure(
      installMany(['cosign', 'syft', 'helm', 'grype'], {
        manifest: offline,
        retry: slow,
        toolCache,
        logger,
        mirrorSetting: '--mirror',
      }),
    );
    const version = (tool: string) => `${tool} ${offline.tools[tool]!.default}`;
    expect(error.message).toBe(
      `${version('cosign')}, ${version('syft')} and ${version('grype')} (${host}): cannot reach github.release-actions.invalid (DNS lookup failed: ENOTFOUND); use --mirror, put them on PATH, or install on a connected machine.`,
    );
    expect(error.code).toBe('DOWNLOAD_UNREACHABLE');
    expect(logger.lines.filter((l) => l.startsWith('warning:'))).toEqual([
      `warning: ${version('helm')} ${host}: cannot reach helm.release-actions.invalid (DNS lookup failed: ENOTFOUND); use --mirror, put helm on PATH, or install on a connected machine.`,
    ]);
  });

  it('makes exactly one attempt (download)', async () => {
    const started = Date.now();
    const error = (await download(`${unresolvable}/file`, path.join(scratch, 'file'), {
      logger: recordingLogger(),
      retry: slow,
    }).catch((e: unknown) => e)) as DownloadError;
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.attempts).toBe(1);
    expect(error.transient).toBe(false);
    expect(error.failure).toMatchObject({ kind: 'network', network: { kind: 'dns', code: 'ENOTFOUND' } });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('a download host that refuses or drops the connection', () => {
  it('retries a refused connection, then says which host and what to do', async () => {
    const gone = createHttpServer();
    const address = await listen(gone);
    await close(gone);
    const mirror = `http://${address}`;
    const logger = recordingLogger();
    const error = await failure(install('cosign', { mirror, retry: fast, logger, toolCache }));
    expect(error.message).toBe(
      `cosign ${cosign.default} ${host}: cannot reach ${address} (connection refused: ECONNREFUSED) (tried 3 times); check the mirror (${mirror}), or put cosign on PATH.`,
    );
    expect(error.code).toBe('DOWNLOAD_UNREACHABLE');
    expect(logger.lines.filter((l) => l.startsWith('warning:'))).toHaveLength(2);
  });

  it('retries a connection closed before any answer', async () => {
    let requests = 0;
    const server = createHttpServer((req) => {
      requests++;
      req.socket.destroy();
    });
    const address = await listen(server);
    try {
      const error = await failure(install('cosign', { mirror: `http://${address}`, retry: fast, toolCache }));
      expect(error.message).toMatch(
        new RegExp(
          `^cosign \\S+ ${host}: no answer from ${address} \\(connection closed: \\w+\\) \\(tried 3 times\\); `,
        ),
      );
      expect(requests).toBe(3);
    } finally {
      await close(server);
    }
  });

  it('abandons a host that accepts but never answers, after the idle timeout', async () => {
    const server = createHttpServer(() => undefined);
    const address = await listen(server);
    try {
      const error = await failure(
        install('cosign', {
          mirror: `http://${address}`,
          retry: { attempts: 1 },
          idleTimeoutMs: 200,
          toolCache,
        }),
      );
      expect(error.message).toBe(
        `cosign ${cosign.default} ${host}: no answer from ${address} (no response within 200 ms); check the mirror (http://${address}), or put cosign on PATH.`,
      );
    } finally {
      await close(server);
    }
  });
});

describe('a download host whose certificate is not trusted', () => {
  it('fails at once on the TLS error, pointing at NODE_EXTRA_CA_CERTS', async () => {
    const fixtures = path.join(repoRoot, 'test', 'fixtures', 'oci');
    const server = createHttpsServer(
      {
        cert: readFileSync(path.join(fixtures, 'token-issuer.crt')),
        key: readFileSync(path.join(fixtures, 'token-issuer.key')),
      },
      (_req, res) => res.end('never reached'),
    );
    let handshakes = 0;
    server.on('connection', () => handshakes++);
    const address = await listen(server);
    try {
      const error = await failure(
        install('cosign', { mirror: `https://${address}`, retry: slow, toolCache }),
      );
      expect(error.message).toBe(
        `cosign ${cosign.default} ${host}: cannot reach ${address} (TLS certificate not accepted: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)); a proxy or mirror with its own certificate authority needs NODE_EXTRA_CA_CERTS set to that CA's certificate file.`,
      );
      expect(error.code).toBe('DOWNLOAD_UNREACHABLE');
      expect(handshakes).toBe(1);
    } finally {
      await close(server);
    }
  });
});

describe('a download host that answers, but not with the file', () => {
  it('says "no such release asset" for a 404, once', async () => {
    const before = downloads.count();
    const error = await failure(install('cosign', { mirror: downloads.url, retry: fast, toolCache }));
    expect(error.message).toBe(
      `cosign ${cosign.default} ${host}: no such release asset: ${downloads.url}${cosignPath} (HTTP 404); check the version and that the mirror holds this file.`,
    );
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(downloads.count()).toBe(before + 1);
  });

  it('says "empty response" for a body of no bytes, and does not hash it', async () => {
    let requests = 0;
    const server = createHttpServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-length': '0' }).end();
    });
    const address = await listen(server);
    try {
      const error = await failure(install('cosign', { mirror: `http://${address}`, retry: fast, toolCache }));
      expect(error.message).toBe(
        `cosign ${cosign.default} ${host}: empty response from http://${address}${cosignPath} (HTTP 200 with no body); nothing was cached, check the mirror.`,
      );
      expect(error.message).not.toMatch(HASH);
      expect(requests).toBe(1);
      expectNothingLeft();
    } finally {
      await close(server);
    }
  });

  it('says how far a truncated body got after the retries, with no checksum', async () => {
    const helm = assets.find((a) => a.tool === 'helm')!;
    downloads.fault(helm.url, { mode: 'truncated' });
    try {
      const error = await failure(install('helm', { manifest, retry: fast, toolCache }));
      const half = Math.floor(helm.body.length / 2);
      expect(error.message).toMatch(
        new RegExp(
          `^helm v0.0.1 ${host}: download of ${helm.url} ended after ${half} of ${helm.body.length} bytes( \\([^)]*\\))? \\(tried 3 times\\); the partial download was deleted and nothing was cached\\.$`,
        ),
      );
      expect(error.message).not.toMatch(HASH);
      expect(error.code).toBe('DOWNLOAD_FAILED');
    } finally {
      downloads.fault(helm.url, { mode: 'ok' });
    }
  });

  it('says which status persistent 5xx answers had, after the retries', async () => {
    const syft = assets.find((a) => a.tool === 'syft')!;
    downloads.fault(syft.url, { mode: '500' });
    try {
      const error = await failure(install('syft', { manifest, retry: fast, toolCache }));
      expect(error.message).toBe(
        `syft v0.0.1 ${host}: ${syft.url} answered HTTP 500 (tried 3 times); nothing was downloaded.`,
      );
    } finally {
      downloads.fault(syft.url, { mode: 'ok' });
    }
  });

  it('reports a checksum mismatch only for a whole body, saying what it may mean', async () => {
    const syft = assets.find((a) => a.tool === 'syft')!;
    const wrong = 'b'.repeat(64);
    const error = await failure(install('syft', { manifest, sha256: wrong, retry: fast, toolCache }));
    expect(error.message).toBe(
      `syft v0.0.1 ${host}: checksum mismatch for ${syft.url}: expected sha256 ${wrong}, got ${syft.sha256} over ${syft.body.length} bytes; the download may have been tampered with or the given checksum is wrong. It was deleted and nothing was cached.`,
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
  });
});

describe('download progress', () => {
  function recorder(): DownloadProgress & { events: string[] } {
    const events: string[] = [];
    return {
      events,
      start: (total) => events.push(`start ${total}`),
      data: (received) => events.push(`data ${received}`),
      end: (ok) => events.push(`end ${ok}`),
    };
  }

  it('reports the size, growing byte counts and the end, once per attempt', async () => {
    const helm = assets.find((a) => a.tool === 'helm')!;
    downloads.fault(helm.url, { mode: 'truncated', times: 1 });
    const progress = recorder();
    try {
      await download(helm.url, path.join(scratch, 'helm'), {
        logger: recordingLogger(),
        retry: fast,
        progress,
      });
    } finally {
      downloads.fault(helm.url, { mode: 'ok' });
    }
    const starts = progress.events.flatMap((e, i) => (e.startsWith('start') ? [i] : []));
    expect(progress.events.filter((e) => e.startsWith('start'))).toEqual([
      `start ${helm.body.length}`,
      `start ${helm.body.length}`,
    ]);
    const first = progress.events.slice(0, starts[1]);
    const second = progress.events.slice(starts[1]);
    expect(first.at(-1)).toBe('end false');
    expect(second.at(-1)).toBe('end true');
    expect(second.at(-2)).toBe(`data ${helm.body.length}`);
    const counts = second.filter((e) => e.startsWith('data')).map((e) => Number(e.split(' ')[1]));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it('says nothing when no answer came', async () => {
    const progress = recorder();
    await download(`${unresolvable}/file`, path.join(scratch, 'x'), {
      logger: recordingLogger(),
      retry: slow,
      progress,
    }).catch(() => undefined);
    expect(progress.events).toEqual([]);
  });

  it('logs one line before and one after a download, with its size and time', async () => {
    const logger = recordingLogger();
    await install('helm', { manifest, retry: fast, toolCache, logger });
    const helm = assets.find((a) => a.tool === 'helm')!;
    expect(logger.lines.filter((l) => !l.startsWith('debug:'))).toEqual([
      `Downloading helm v0.0.1 ${host} from ${helm.url}`,
      expect.stringMatching(
        new RegExp(
          `^Verified ${helm.file}: sha256 ${helm.sha256} \\(\\d+(\\.\\d)? k?B in \\d+ ms, [\\d.]+ [kMG]?B/s\\)$`,
        ),
      ),
      expect.stringMatching(/^helm v0\.0\.1 \S+ installed: /),
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OperationalError, silentLogger } from '@release-actions/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { download, DownloadError } from '../../../packages/tools/src/download.js';
import { DownloadServer, sha256 } from '../../harness/download-server.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'download-test-'));
const body = Buffer.alloc(256 * 1024, 7);
let server: DownloadServer;

beforeAll(async () => {
  server = await DownloadServer.start();
  server.put('/file', body);
});

afterAll(async () => {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const once = { attempts: 1, initialDelayMs: 1 };

describe('download', () => {
  it('streams to the file and returns the hash of what arrived', async () => {
    const dest = path.join(scratch, 'ok');
    const got = await download(`${server.url}/file`, dest, { logger: silentLogger, retry: once });
    expect(got).toEqual({
      bytes: body.length,
      sha256: sha256(body),
      attempts: 1,
      elapsedMs: expect.any(Number),
    });
    expect(readFileSync(dest).equals(body)).toBe(true);
  });

  it('bounds one attempt in time even while bytes keep the idle timer alive', async () => {
    server.fault('/file', { mode: 'slow' });
    const error = await download(`${server.url}/file`, path.join(scratch, 'slow'), {
      logger: silentLogger,
      retry: once,
      idleTimeoutMs: 10_000,
      attemptTimeoutMs: 300,
    }).catch((e: unknown) => e);
    server.fault('/file', { mode: 'ok' });
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).message).toBe(
      `download of ${server.url}/file ended after 16 of ${body.length} bytes (not finished within 300 ms)`,
    );
    expect((error as DownloadError).failure).toEqual({
      kind: 'incomplete',
      bytes: 16,
      expectedBytes: body.length,
      reason: 'not finished within 300 ms',
    });
    expect((error as DownloadError).transient).toBe(true);
  });

  it('does not retry a 404 or another client error', async () => {
    const error = await download(`${server.url}/missing`, path.join(scratch, 'missing'), {
      logger: silentLogger,
      retry: { attempts: 4, initialDelayMs: 1 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as DownloadError).message).toBe(`no such release asset: ${server.url}/missing (HTTP 404)`);
    expect((error as DownloadError).transient).toBe(false);
    expect((error as DownloadError).attempts).toBe(1);
    expect(server.count('/missing')).toBe(1);
  });
});

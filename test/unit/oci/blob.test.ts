import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { RegistryClient, type Credentials } from '@release-actions/oci';
import type { RetryPolicy } from '@release-actions/core';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Blob reads (Sigstore bundle layers) against loopback stand-ins of a registry and of its blob storage. */
const BLOB = Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}');
const DIGEST = `sha256:${createHash('sha256').update(BLOB).digest('hex')}`;
const USER = 'reader';
const PASSWORD = 'blob-secret';

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}
type Handler = (url: string, headers: IncomingHttpHeaders) => Answer;

let registry: Server;
let storage: Server;
let registryHandler: Handler;
const storageRequests: IncomingHttpHeaders[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'oci-blob-'));
const savedDockerConfig = process.env.DOCKER_CONFIG;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let registryHost: string;
let storageHost: string;

beforeAll(async () => {
  process.env.DOCKER_CONFIG = dir;
  registry = createServer((req, res) => {
    const answer = registryHandler(req.url ?? '/', req.headers);
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });
  storage = createServer((req, res) => {
    storageRequests.push(req.headers);
    res.writeHead(200).end(BLOB);
  });
  registryHost = await listen(registry);
  storageHost = await listen(storage);
});

afterEach(() => {
  storageRequests.length = 0;
});

afterAll(async () => {
  await new Promise((resolve) => registry.close(resolve));
  await new Promise((resolve) => storage.close(resolve));
  rmSync(dir, { recursive: true, force: true });
  if (savedDockerConfig === undefined) delete process.env.DOCKER_CONFIG;
  else process.env.DOCKER_CONFIG = savedDockerConfig;
});

const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const fast = { attempts: 3, initialDelayMs: 1, maxDelayMs: 2, deadlineMs: 1000 };

/** Reads DIGEST from a/b on the stand-in registry, as the native verify engine reads a bundle. */
function getBlob(
  options: { credentials?: Credentials; retry?: RetryPolicy; maxBytes?: number } = {},
): Promise<Buffer> {
  const client = new RegistryClient({
    credentials: options.credentials === undefined ? {} : { [registryHost]: options.credentials },
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  });
  return client.getBlob(`${registryHost}/a/b`, DIGEST, { maxBytes: options.maxBytes });
}

describe('RegistryClient.getBlob', () => {
  it('answers a Basic challenge and follows the redirect to storage without the credentials', async () => {
    registryHandler = (_url, headers): Answer =>
      headers.authorization === basic
        ? { status: 307, headers: { location: `http://${storageHost}/blob?sig=1` } }
        : { status: 401, headers: { 'www-authenticate': 'Basic realm="registry"' } };
    const blob = await getBlob({ credentials: { username: USER, password: PASSWORD } });
    expect(blob.equals(BLOB)).toBe(true);
    expect(storageRequests).toHaveLength(1);
    expect(storageRequests[0]?.authorization).toBeUndefined();
  });

  it('asks a loopback token service for pull access only', async () => {
    let scope: string | null = null;
    const tokens = createServer((req, res) => {
      scope = new URL(req.url ?? '/', 'http://x').searchParams.get('scope');
      res.writeHead(req.headers.authorization === basic ? 200 : 401).end(JSON.stringify({ token: 'tok' }));
    });
    const tokenHost = await listen(tokens);
    try {
      registryHandler = (_url, headers): Answer =>
        headers.authorization === 'Bearer tok'
          ? { status: 200, body: BLOB }
          : {
              status: 401,
              headers: { 'www-authenticate': `Bearer realm="http://${tokenHost}/token",service="reg"` },
            };
      const blob = await getBlob({ credentials: { username: USER, password: PASSWORD } });
      expect(blob.equals(BLOB)).toBe(true);
      expect(scope).toBe('repository:a/b:pull');
    } finally {
      await new Promise((resolve) => tokens.close(resolve));
    }
  });

  it('refuses a token service that is neither HTTPS nor loopback, before sending anything there', async () => {
    registryHandler = () => ({
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="http://token.example.com/token"' },
    });
    await expect(getBlob({ credentials: { username: USER, password: PASSWORD } })).rejects.toThrow(
      `registry ${registryHost} points to token service http://token.example.com, which is not HTTPS; refusing it`,
    );
  });

  it('says so when the registry wants credentials and none are configured', async () => {
    registryHandler = () => ({ status: 401, headers: { 'www-authenticate': 'Basic realm="registry"' } });
    await expect(getBlob()).rejects.toThrow(
      `registry ${registryHost} requires authentication for a/b and no credentials were given`,
    );
  });

  it('retries 5xx within the bound, then reads', async () => {
    let calls = 0;
    registryHandler = (): Answer => (++calls < 3 ? { status: 503 } : { status: 200, body: BLOB });
    expect((await getBlob({ retry: fast })).equals(BLOB)).toBe(true);
    expect(calls).toBe(3);
    calls = -10;
    await expect(getBlob({ retry: fast })).rejects.toThrow(/answered HTTP 503/);
  });

  it('refuses a body that does not match the digest, or that is too large', async () => {
    registryHandler = () => ({ status: 200, body: 'something else' });
    await expect(getBlob()).rejects.toThrow(
      `registry ${registryHost} sent a blob for a/b@${DIGEST} that does not match its digest`,
    );
    registryHandler = () => ({ status: 200, body: BLOB });
    await expect(getBlob({ maxBytes: 10 })).rejects.toThrow(
      `blob a/b@${DIGEST} is ${BLOB.length} bytes, over the 10-byte limit`,
    );
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { OperationalError, ReleaseActionsError } from '@release-actions/core';
import { ManifestNotFoundError, RegistryClient } from '@release-actions/oci';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The registry's authentication and the codes of registry failures, against a loopback stand-in
 * (registry and token service in one server) whose answers each test scripts.
 */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let host: string;
let handler: Handler;
let requests: { url: string; authorization?: string }[];
const quick = { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 };

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests = [];
});

const client = (options: ConstructorParameters<typeof RegistryClient>[0] = {}): RegistryClient =>
  new RegistryClient({ dockerConfig: false, retry: quick, ...options });

async function failure(promise: Promise<unknown>): Promise<ReleaseActionsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReleaseActionsError);
  return error as ReleaseActionsError;
}

const bearer = (): string => `Bearer realm="http://${host}/token",service="stand-in"`;

describe('a registry that wants credentials that were not given', () => {
  // Three ways to meet it: a Basic challenge, a token service that refuses anonymous requests, and
  // a registry that refuses the anonymous token it handed out. All three say the same thing.
  const paths: [string, Handler][] = [
    ['Basic challenge', (_req, res) => res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end()],
    [
      'token service refusing anonymous requests',
      (req, res) =>
        req.url?.startsWith('/token')
          ? res.writeHead(401).end()
          : res.writeHead(401, { 'www-authenticate': bearer() }).end(),
    ],
    [
      'registry refusing the anonymous token',
      (req, res) =>
        req.url?.startsWith('/token')
          ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"anonymous-token"}')
          : res.writeHead(401, { 'www-authenticate': bearer() }).end(),
    ],
  ];

  it.each(paths)('%s: one message and code REGISTRY_AUTH_REQUIRED', async (_name, answer) => {
    handler = answer;
    const error = await failure(client().resolve(`${host}/team/app:1`));
    expect(error).toBeInstanceOf(OperationalError);
    expect(error.code).toBe('REGISTRY_AUTH_REQUIRED');
    expect(error.message).toBe(
      `registry ${host} requires authentication for team/app and no credentials were given`,
    );
  });
});

describe('wrong credentials', () => {
  it('names the source and user, never the password, with code REGISTRY_AUTH_REJECTED', async () => {
    handler = (_req, res) => res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
    const error = await failure(
      client({ credentials: { [host]: { username: 'bot', password: 'pa55-w0rd' } } }).resolve(
        `${host}/team/app:1`,
      ),
    );
    expect(error.code).toBe('REGISTRY_AUTH_REJECTED');
    expect(error.message).toBe(
      `registry ${host} rejected the given credentials (user "bot") for pull access to team/app (HTTP 401); check the username and password or token`,
    );
    // The Basic header was sent once per attempt at the challenge, and it is not in the message.
    expect(requests.map((r) => r.authorization)).toEqual([undefined, expect.stringMatching(/^Basic /)]);
    expect(error.message).not.toContain(Buffer.from('bot:pa55-w0rd').toString('base64'));
  });

  it('keeps the token for the next request of the same repository and access', async () => {
    handler = (req, res) => {
      if (req.url?.startsWith('/token'))
        return res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t-1"}');
      if (req.headers.authorization !== 'Bearer t-1')
        return res.writeHead(401, { 'www-authenticate': bearer() }).end();
      return res.writeHead(404).end();
    };
    const registry = client();
    await failure(registry.resolve(`${host}/team/app:1`));
    await failure(registry.resolve(`${host}/team/app:2`));
    expect(requests.filter((r) => r.url.startsWith('/token'))).toHaveLength(1);
    expect(requests.at(-1)).toEqual({ url: '/v2/team/app/manifests/2', authorization: 'Bearer t-1' });
  });
});

describe('error codes of registry failures', () => {
  it('MANIFEST_NOT_FOUND for an unknown tag', async () => {
    handler = (_req, res) => res.writeHead(404).end();
    const error = await failure(client().resolve(`${host}/team/app:9`));
    expect(error).toBeInstanceOf(ManifestNotFoundError);
    expect(error.code).toBe('MANIFEST_NOT_FOUND');
  });

  it('REGISTRY_UNREACHABLE when it keeps failing, REGISTRY_ERROR for an answer the API does not allow for', async () => {
    handler = (_req, res) => res.writeHead(503).end();
    expect((await failure(client().resolve(`${host}/team/app:1`))).code).toBe('REGISTRY_UNREACHABLE');
    handler = (_req, res) => res.writeHead(400).end();
    expect((await failure(client().getManifest(`${host}/team/app:1`))).code).toBe('REGISTRY_ERROR');
    expect((await failure(client({ retry: { attempts: 1 } }).resolve('127.0.0.1:1/team/app:1'))).code).toBe(
      'REGISTRY_UNREACHABLE',
    );
  });

  it('CONTENT_INVALID for a manifest that is not the digest asked for; REFERENCE_INVALID for a bad reference', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const digest = `sha256:${'a'.repeat(64)}`;
    expect((await failure(client().getManifest(`${host}/team/app@${digest}`))).code).toBe('CONTENT_INVALID');
    const bad = await failure(client().resolve('ghcr.io/Team/App:1'));
    expect(bad.code).toBe('REFERENCE_INVALID');
    expect(requests.filter((r) => r.url.includes('Team'))).toEqual([]);
  });
});

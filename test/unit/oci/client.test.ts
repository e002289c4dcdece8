import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { OperationalError } from '@release-actions/core';
import { RegistryClient, isLoopbackHost, mediaTypes, platformsOf } from '@release-actions/oci';
import type { Logger } from '@release-actions/core';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Registry behaviours the loopback docker-registry does not show (faults, other registries'
 * answers), from a stand-in on 127.0.0.1 whose answers each test scripts.
 */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let host: string;
let handler: Handler;
let requests: { method: string; url: string; accept?: string; authorization?: string }[];

const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const quick = { attempts: 3, initialDelayMs: 10, maxDelayMs: 20 };

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string): void => void lines.push(m);
  return { lines, debug: push, info: push, notice: push, warning: push };
}

function client(options: ConstructorParameters<typeof RegistryClient>[0] = {}): RegistryClient {
  return new RegistryClient({ dockerConfig: false, retry: quick, ...options });
}

const dockerManifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: mediaTypes.DOCKER_MANIFEST,
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha256('c'), size: 1 },
  layers: [],
});

function serveManifest(body: string, mediaType: string, headers: Record<string, string> = {}): Handler {
  return (req, res) => {
    res.writeHead(200, {
      'content-type': mediaType,
      'docker-content-digest': sha256(body),
      'content-length': Buffer.byteLength(body),
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      accept: req.headers.accept,
      authorization: req.headers.authorization,
    });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests = [];
  handler = (_req, res) => res.writeHead(500).end();
});

describe('RegistryClient (stand-in registry)', () => {
  it('sends OCI and Docker manifest types in Accept and reads a Docker v2 manifest', async () => {
    handler = serveManifest(dockerManifest, mediaTypes.DOCKER_MANIFEST);
    const resolved = await client().resolve(`${host}/a/b:1`);
    expect(resolved).toMatchObject({
      digest: sha256(dockerManifest),
      mediaType: mediaTypes.DOCKER_MANIFEST,
      size: Buffer.byteLength(dockerManifest),
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'HEAD', url: '/v2/a/b/manifests/1' });
    for (const type of [
      mediaTypes.OCI_INDEX,
      mediaTypes.OCI_MANIFEST,
      mediaTypes.DOCKER_MANIFEST_LIST,
      mediaTypes.DOCKER_MANIFEST,
    ]) {
      expect(requests[0]?.accept).toContain(type);
    }
  });

  it('reads the platforms of a Docker manifest list and leaves out attestation manifests', async () => {
    const list = JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.DOCKER_MANIFEST_LIST,
      manifests: [
        {
          mediaType: mediaTypes.DOCKER_MANIFEST,
          digest: sha256('amd'),
          size: 10,
          platform: { os: 'linux', architecture: 'amd64' },
        },
        {
          mediaType: mediaTypes.DOCKER_MANIFEST,
          digest: sha256('arm'),
          size: 11,
          platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
        },
        {
          mediaType: mediaTypes.OCI_MANIFEST,
          digest: sha256('att'),
          size: 12,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: {
            'vnd.docker.reference.type': 'attestation-manifest',
            'vnd.docker.reference.digest': sha256('amd'),
          },
        },
      ],
    });
    handler = serveManifest(list, mediaTypes.DOCKER_MANIFEST_LIST);
    const resolved = await client().resolve(`${host}/a/b:multi`);
    expect(resolved.mediaType).toBe(mediaTypes.DOCKER_MANIFEST_LIST);
    expect(resolved.platforms).toEqual([
      {
        mediaType: mediaTypes.DOCKER_MANIFEST,
        digest: sha256('amd'),
        size: 10,
        platform: { os: 'linux', architecture: 'amd64' },
      },
      {
        mediaType: mediaTypes.DOCKER_MANIFEST,
        digest: sha256('arm'),
        size: 11,
        platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
      },
    ]);
    expect(requests.map((r) => r.method)).toEqual(['HEAD', 'GET']);
  });

  it('falls back to GET when HEAD gives no digest, and computes it from the body', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': mediaTypes.DOCKER_MANIFEST });
      res.end(req.method === 'HEAD' ? undefined : dockerManifest);
    };
    expect((await client().resolve(`${host}/a/b:1`)).digest).toBe(sha256(dockerManifest));
    expect(requests.map((r) => r.method)).toEqual(['HEAD', 'GET']);
  });

  it('refuses a manifest whose body does not hash to the digest', async () => {
    handler = (_req, res) => {
      res.writeHead(200, {
        'content-type': mediaTypes.DOCKER_MANIFEST,
        'docker-content-digest': sha256('something else'),
      });
      res.end(dockerManifest);
    };
    await expect(client().getManifest(`${host}/a/b:1`)).rejects.toThrow(
      `registry ${host} sent a manifest for ${host}/a/b:1 whose sha256 is ${sha256(dockerManifest)}, not ${sha256('something else')}; refusing it`,
    );
    await expect(client().getManifest(`${host}/a/b@${sha256('x')}`)).rejects.toThrow('refusing it');
  });

  it('retries 503 and 429, then succeeds', async () => {
    let calls = 0;
    const ok = serveManifest(dockerManifest, mediaTypes.DOCKER_MANIFEST);
    handler = (req, res) => {
      calls++;
      if (calls === 1) res.writeHead(503).end();
      else if (calls === 2) res.writeHead(429).end();
      else ok(req, res);
    };
    const logger = recordingLogger();
    expect((await client({ logger }).resolve(`${host}/a/b:1`)).digest).toBe(sha256(dockerManifest));
    expect(logger.lines.filter((l) => l.startsWith(`HEAD http://${host}/v2/a/b/manifests/1: HTTP`))).toEqual([
      expect.stringMatching(/: HTTP 503; attempt 2 in [\d.]+ s$/),
      expect.stringMatching(/: HTTP 429; attempt 3 in [\d.]+ s$/),
    ]);
  });

  it('gives up after the bounded number of attempts with the status in the message', async () => {
    handler = (_req, res) => res.writeHead(502).end();
    await expect(client().resolve(`${host}/a/b:1`)).rejects.toThrow(
      `registry ${host} answered HTTP 502 to HEAD http://${host}/v2/a/b/manifests/1 (tried 3 times)`,
    );
    expect(requests).toHaveLength(3);
  });

  it('does not retry a client error, and quotes the registry error code', async () => {
    handler = (_req, res) =>
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end('{"errors":[{"code":"NAME_INVALID","message":"invalid repository name"}]}');
    const error = await client()
      .getManifest(`${host}/a/b:1`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as Error).message).toBe(
      `cannot read manifest ${host}/a/b:1: registry ${host} answered HTTP 400 (NAME_INVALID invalid repository name)`,
    );
    expect(requests).toHaveLength(1);
  });

  it('times out a registry that does not answer', async () => {
    handler = () => undefined; // never answers
    const started = Date.now();
    await expect(
      client({ timeoutMs: 200, retry: { attempts: 2, initialDelayMs: 10 } }).resolve(`${host}/a/b:1`),
    ).rejects.toThrow(`cannot reach registry ${host} at http://${host}: timed out (tried 2 times)`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses to send credentials to a token service that is not HTTPS', async () => {
    handler = (_req, res) =>
      res
        .writeHead(401, {
          'www-authenticate': 'Bearer realm="http://auth.example.invalid/token",service="x"',
        })
        .end();
    await expect(
      client({ credentials: { [host]: { username: 'u', password: 'secret-pw' } } }).resolve(`${host}/a/b:1`),
    ).rejects.toThrow(
      `registry ${host} points to token service http://auth.example.invalid, which is not HTTPS; refusing it`,
    );
    expect(requests).toHaveLength(1);
  });

  it('explains a 401 without a usable challenge', async () => {
    handler = (_req, res) => res.writeHead(401, { 'www-authenticate': 'Negotiate' }).end();
    await expect(client().resolve(`${host}/a/b:1`)).rejects.toThrow(
      `registry ${host} asked for authentication without a Bearer or Basic challenge`,
    );
  });

  it('uses the referrers API when the registry has one, filtering by artifact type itself if the registry did not', async () => {
    const subject = sha256('subject');
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.OCI_INDEX,
      manifests: [
        {
          mediaType: mediaTypes.OCI_MANIFEST,
          digest: sha256('sig'),
          size: 5,
          artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        },
        {
          mediaType: mediaTypes.OCI_MANIFEST,
          digest: sha256('sbom'),
          size: 6,
          artifactType: 'application/spdx+json',
        },
      ],
    });
    handler = (req, res) => {
      if (req.url?.startsWith(`/v2/a/b/referrers/${subject}`))
        res.writeHead(200, { 'content-type': mediaTypes.OCI_INDEX }).end(index);
      else res.writeHead(404).end();
    };
    const all = await client().listReferrers(`${host}/a/b@${subject}`);
    expect(all.map((r) => r.digest)).toEqual([sha256('sig'), sha256('sbom')]);
    const bundles = await client().listReferrers(
      `${host}/a/b@${subject}`,
      'application/vnd.dev.sigstore.bundle.v0.3+json',
    );
    expect(bundles.map((r) => r.digest)).toEqual([sha256('sig')]);
    expect(requests.at(-1)?.url).toBe(
      `/v2/a/b/referrers/${subject}?artifactType=application%2Fvnd.dev.sigstore.bundle.v0.3%2Bjson`,
    );
    expect(requests.every((r) => !r.url.includes('/manifests/'))).toBe(true);
  });

  it('follows Link pages of the referrers API', async () => {
    const subject = sha256('subject');
    const page = (digest: string): string =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: mediaTypes.OCI_INDEX,
        manifests: [{ mediaType: mediaTypes.OCI_MANIFEST, digest, size: 1 }],
      });
    handler = (req, res) => {
      if (req.url === `/v2/a/b/referrers/${subject}`) {
        res
          .writeHead(200, { link: `</v2/a/b/referrers/${subject}?n=1&last=x>; rel="next"` })
          .end(page(sha256('one')));
      } else res.writeHead(200).end(page(sha256('two')));
    };
    const referrers = await client().listReferrers(`${host}/a/b@${subject}`);
    expect(referrers.map((r) => r.digest)).toEqual([sha256('one'), sha256('two')]);
  });
});

describe('helpers', () => {
  it('treats only loopback hosts as plain HTTP by default', () => {
    expect(isLoopbackHost('127.0.0.1:5000')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('[::1]:5000')).toBe(true);
    expect(isLoopbackHost('127.0.0.1.example.com')).toBe(false);
    expect(isLoopbackHost('ghcr.io')).toBe(false);
  });

  it('rejects an index entry without a digest', () => {
    expect(() => platformsOf({ manifests: [{ platform: { os: 'linux', architecture: 'amd64' } }] })).toThrow(
      'index has an entry without mediaType, digest and size',
    );
    expect(() => platformsOf({})).toThrow('index has no "manifests" list');
  });
});

describe('credentials stay with their registry', () => {
  it('does not send the registry authorization to an upload location on another origin', async () => {
    const other = createServer((req, res) => {
      requests.push({
        method: `other ${req.method ?? ''}`,
        url: req.url ?? '',
        authorization: req.headers.authorization,
      });
      res.writeHead(201).end();
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      handler = (req, res) => {
        if (req.headers.authorization !== 'Basic ' + Buffer.from('u:pw-secret').toString('base64')) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
        } else if (req.method === 'HEAD') res.writeHead(404).end();
        else res.writeHead(202, { location: `${otherOrigin}/upload/1?state=x` }).end();
      };
      const descriptor = await client({
        credentials: { [host]: { username: 'u', password: 'pw-secret' } },
      }).pushBlob(`${host}/a/b:1`, Buffer.from('blob'));
      expect(descriptor.digest).toBe(sha256('blob'));
      const upload = requests.find((r) => r.method === 'other PUT');
      expect(upload?.url).toBe(`/upload/1?state=x&digest=${encodeURIComponent(sha256('blob'))}`);
      expect(upload?.authorization).toBeUndefined();
      expect(requests.filter((r) => r.method === 'POST').at(-1)?.authorization).toMatch(/^Basic /);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });
});

describe('network failures that retrying cannot fix', () => {
  it('fails at once on a port fetch refuses to use', async () => {
    const started = Date.now();
    await expect(
      client({ retry: { attempts: 5, initialDelayMs: 1000 } }).resolve('127.0.0.1:1/a/b:1'),
    ).rejects.toThrow('cannot reach registry 127.0.0.1:1 at http://127.0.0.1:1: bad port (tried once)');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

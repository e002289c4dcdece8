import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RegistryClient, mediaTypes } from '@release-actions/oci';
import { OperationalError } from '@release-actions/core';
import type { Logger } from '@release-actions/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Layout, type BuiltIndex, type Descriptor } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';

/**
 * Authentication against the real registry, both ways registries ask for it: htpasswd Basic
 * auth, and a Bearer challenge naming a token service (the flow of Docker Hub, GHCR, ECR, …).
 */
const USER = 'release-bot';
const PASSWORD = 'Pa55-word-not-for-logs';
const WRONG = 'Wr0ng-password-not-for-logs';
const quickRetry = { attempts: 2, initialDelayMs: 20, maxDelayMs: 50 };

const registries: Record<'basic' | 'token', Registry | undefined> = { basic: undefined, token: undefined };
let layout: Layout;
let image: Descriptor;
let multi: BuiltIndex;
let scratch: string;

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string): void => void lines.push(m);
  return { lines, debug: push, info: push, notice: push, warning: push };
}

function dockerConfigDir(config: unknown): string {
  const dir = mkdtempSync(path.join(scratch, 'docker-'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

function secretsIn(text: string): string[] {
  const secrets = [
    PASSWORD,
    WRONG,
    Buffer.from(`${USER}:${PASSWORD}`).toString('base64'),
    Buffer.from(`${USER}:${WRONG}`).toString('base64'),
  ];
  return secrets.filter((s) => text.includes(s));
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'oci-auth-'));
  const auth = { username: USER, password: PASSWORD };
  registries.basic = await startRegistry({ auth });
  registries.token = await startRegistry({ auth, authMode: 'token' });
  layout = new Layout();
  image = layout.image('app', { os: 'linux', architecture: 'amd64' }, 'private app\n');
  multi = layout.index('multi', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  for (const registry of Object.values(registries)) {
    await layout.push('app', registry?.host ?? '', 'team/app', { destTag: '1.0', creds: auth });
    await layout.push('multi', registry?.host ?? '', 'team/multi', { destTag: '2.0', creds: auth });
  }
}, 120_000);

afterAll(async () => {
  await registries.basic?.stop();
  await registries.token?.stop();
  layout?.remove();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe.each(['basic', 'token'] as const)('registry with %s auth', (mode) => {
  const host = (): string => registries[mode]?.host ?? '';
  const noConfig = (): { env: Record<string, string> } => ({
    env: { DOCKER_CONFIG: path.join(scratch, 'nothing-here') },
  });

  it('resolves a tag and an index with the given credentials', async () => {
    const client = new RegistryClient({
      credentials: { [host()]: { username: USER, password: PASSWORD } },
      dockerConfig: noConfig(),
      retry: quickRetry,
    });
    const resolved = await client.resolve(`${host()}/team/app:1.0`);
    expect(resolved.digest).toBe(image.digest);
    const index = await client.resolve(`${host()}/team/multi:2.0`);
    expect(index.digest).toBe(multi.index.digest);
    expect(index.platforms?.map((p) => [p.platform.architecture, p.digest])).toEqual(
      multi.manifests.map((m) => [m.platform.architecture, m.digest]),
    );
  });

  it('rejects wrong credentials with a clear error that holds no secret', async () => {
    const logger = recordingLogger();
    const client = new RegistryClient({
      logger,
      credentials: { [host()]: { username: USER, password: WRONG } },
      dockerConfig: noConfig(),
      retry: quickRetry,
    });
    const error = (await client.resolve(`${host()}/team/app:1.0`).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(OperationalError);
    expect(error.message).toMatch(
      new RegExp(
        `^(registry ${host()}|token service http://127\\.0\\.0\\.1:\\d+) rejected the given credentials \\(user "${USER}"\\)`,
      ),
    );
    expect(error.message).toContain('check the username and password or token');
    expect(secretsIn(`${error.message} ${String(error.cause)} ${logger.lines.join('\n')}`)).toEqual([]);
  });

  it('says that credentials are missing when none are given or configured', async () => {
    const client = new RegistryClient({ dockerConfig: noConfig(), retry: quickRetry });
    await expect(client.resolve(`${host()}/team/app:1.0`)).rejects.toThrow(
      `registry ${host()} requires authentication for team/app and no credentials were given and ${path.join(scratch, 'nothing-here', 'config.json')} has none for it`,
    );
  });

  it('reads credentials from $DOCKER_CONFIG/config.json (base64 auth)', async () => {
    const dir = dockerConfigDir({
      auths: { [`http://${host()}/v2/`]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } },
    });
    const client = new RegistryClient({ dockerConfig: { env: { DOCKER_CONFIG: dir } }, retry: quickRetry });
    expect((await client.resolve(`${host()}/team/app:1.0`)).digest).toBe(image.digest);
  });

  it('reads username/password entries and never sends credentials meant for another registry', async () => {
    const other = mode === 'basic' ? registries.token : registries.basic;
    const good = dockerConfigDir({ auths: { [host()]: { username: USER, password: PASSWORD } } });
    const client = new RegistryClient({ dockerConfig: { env: { DOCKER_CONFIG: good } }, retry: quickRetry });
    expect((await client.resolve(`${host()}/team/multi@${multi.index.digest}`)).platforms).toHaveLength(2);

    // Same host, other port: a different registry.
    const elsewhere = dockerConfigDir({
      auths: { [other?.host ?? '']: { username: USER, password: PASSWORD } },
    });
    const strict = new RegistryClient({
      dockerConfig: { env: { DOCKER_CONFIG: elsewhere } },
      retry: quickRetry,
    });
    await expect(strict.resolve(`${host()}/team/app:1.0`)).rejects.toThrow(
      `registry ${host()} requires authentication for team/app`,
    );
  });

  it('names the credential helper it does not run', async () => {
    const dir = dockerConfigDir({ auths: { [host()]: {} }, credsStore: 'desktop' });
    const client = new RegistryClient({ dockerConfig: { env: { DOCKER_CONFIG: dir } }, retry: quickRetry });
    await expect(client.resolve(`${host()}/team/app:1.0`)).rejects.toThrow(
      `keeps the credentials for ${host()} in the credential helper "docker-credential-desktop", which is not supported`,
    );
  });

  it('attaches and lists a referrer with push access', async () => {
    const client = new RegistryClient({
      credentials: { [host()]: { username: USER, password: PASSWORD } },
      dockerConfig: false,
      retry: quickRetry,
    });
    const subject = `${host()}/team/app@${image.digest}`;
    const attached = await client.attachArtifact(subject, {
      artifactType: 'application/vnd.example.test+json',
      content: Buffer.from(`{"mode":"${mode}"}`),
    });
    const referrers = await client.listReferrers(subject);
    expect(referrers).toEqual([
      {
        mediaType: mediaTypes.OCI_MANIFEST,
        digest: attached.digest,
        size: attached.size,
        artifactType: 'application/vnd.example.test+json',
      },
    ]);
  });
});

describe('Bearer token flow', () => {
  it('asks the token service for the repository scope it needs, with the service of the challenge', async () => {
    const registry = registries.token as Registry;
    const before = registry.tokenRequests.length;
    const client = new RegistryClient({
      credentials: { [registry.host]: { username: USER, password: PASSWORD } },
      dockerConfig: false,
      retry: quickRetry,
    });
    await client.resolve(`${registry.host}/team/app:1.0`);
    await client.resolve(`${registry.host}/team/app@${image.digest}`);
    // One token for both requests: it is reused until the registry refuses it.
    expect(registry.tokenRequests.slice(before)).toEqual([
      { service: 'loopback-registry', scope: 'repository:team/app:pull', user: USER, granted: true },
    ]);
  });

  it('asks anonymously when it has no credentials, then reports that credentials are missing', async () => {
    const registry = registries.token as Registry;
    const before = registry.tokenRequests.length;
    const client = new RegistryClient({ dockerConfig: false, retry: quickRetry });
    await expect(client.resolve(`${registry.host}/team/app:1.0`)).rejects.toThrow(
      `registry ${registry.host} requires authentication for team/app and no credentials were given`,
    );
    expect(registry.tokenRequests.slice(before)).toEqual([
      { service: 'loopback-registry', scope: 'repository:team/app:pull', granted: false },
    ]);
  });
});

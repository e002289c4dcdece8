import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { errorLines, json, runWithFakes, visibleText } from './helpers.js';

/**
 * Registry credentials given as inputs reach cosign through a private Docker config only: the
 * fake cosign reads the subject from the htpasswd-protected registry with what it finds there,
 * and neither the password nor its base64 form shows in any output, log, summary or argv.
 */
const auth = { username: 'release-bot', password: 'R3gistry-Pa55-7c2e' };
const basic = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
let registry: Registry;
let layout: Layout;
let multi: BuiltIndex;

beforeAll(async () => {
  registry = await startRegistry({ auth });
  layout = new Layout();
  multi = layout.index('4.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  await layout.push('4.0', registry.host, 'private/app', { creds: auth });
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
});

describe('sign with registry credentials', () => {
  it('resolves and signs through the login, which never appears in logs, outputs or argv', async () => {
    const run = await runWithFakes('sign', {
      inputs: {
        images: `${registry.host}/private/app:4.0`,
        'registry-username': auth.username,
        'registry-password': auth.password,
      },
      env: { FAKE_RECORD_ENV: 'DOCKER_CONFIG' },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.calls.map((c) => c.argv.at(-1))).toEqual(
      [multi.index.digest, ...multi.manifests.map((m) => m.digest)].map(
        (d) => `${registry.host}/private/app@${d}`,
      ),
    );
    // cosign got a Docker config of this step (removed afterwards), not the job's.
    const configs = new Set(run.calls.map((c) => c.env.DOCKER_CONFIG));
    expect(configs.size).toBe(1);
    expect([...configs][0]?.startsWith(run.runnerTemp)).toBe(true);
    expect(existsSync([...configs][0] ?? '')).toBe(false);
    expect(run.outputs.signed).toBe('true');
    expect(json<string[]>(run.outputs.digests)).toHaveLength(3);

    for (const secret of [auth.password, basic]) {
      expect(visibleText(run)).not.toContain(secret);
      expect(run.log).not.toContain(secret);
      expect(run.masks).toContain(secret);
    }
  });

  it('fails clearly on a wrong password, without printing it', async () => {
    const run = await runWithFakes('sign', {
      inputs: {
        images: `${registry.host}/private/app:4.0`,
        'registry-username': auth.username,
        'registry-password': 'wrong-Pa55word-1',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(/rejected the given credentials \(user "release-bot"\)/),
    ]);
    expect(visibleText(run)).not.toContain('wrong-Pa55word-1');
  });

  it('fails clearly without credentials', async () => {
    const run = await runWithFakes('sign', { inputs: { images: `${registry.host}/private/app:4.0` } });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(errorLines(run)).toEqual([expect.stringMatching(/requires authentication for private\/app/)]);
  });

  it('refuses credentials for images on several registries', async () => {
    const run = await runWithFakes('sign', {
      inputs: {
        images: `${registry.host}/private/app:4.0\nghcr.io/other/app@sha256:${'a'.repeat(64)}`,
        'registry-username': auth.username,
        'registry-password': auth.password,
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(
        /^Input 'images': a registry login applies to one registry, but these references name 127\.0\.0\.1:\d+, ghcr\.io; /,
      ),
    ]);
  });
});

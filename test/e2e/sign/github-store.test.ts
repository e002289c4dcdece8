import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { registerSign } from '../../../packages/cli/src/commands/sign.js';
import { AttestationStoreApi, subjectDigestsOf } from '../../harness/attestation-store-api.js';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { captureCli, readCalls, useFakeTools } from '../../harness/run-cli.js';
import { errorLines, json, OIDC_ENV, runWithFakes, visibleText } from './helpers.js';

/**
 * sign with store both: each bundle cosign wrote is POSTed to GitHub's attestation store (the
 * loopback stand-in) under the digest it signs, the ids come back as outputs in the order of
 * digests, and a store that cannot be written fails the step with one line naming the permission.
 */
const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const READ_ONLY = `ghs_${randomBytes(18).toString('hex')}`;

let registry: Registry;
let layout: Layout;
let multi: BuiltIndex;
let api: AttestationStoreApi;

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  multi = layout.index('8.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  await layout.push('8.0', registry.host, 'store/app');
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
});

beforeEach(async () => {
  api = await AttestationStoreApi.start({ token: TOKEN, readOnlyToken: READ_ONLY });
});

afterEach(async () => {
  await api.close();
});

const digests = () => [multi.index.digest, ...multi.manifests.map((m) => m.digest)];

function sign(inputs: Record<string, string>) {
  return runWithFakes('sign', {
    inputs: { images: `${registry.host}/store/app:8.0`, ...inputs },
    env: { GITHUB_API_URL: api.url },
  });
}

describe('sign with store both', () => {
  it('stores every bundle under the digest it signs and outputs the ids in the order of digests', async () => {
    const run = await sign({ store: 'both', token: TOKEN, repository: 'aotanami/aotanami' });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const ids = json<number[]>(run.outputs['github-attestation-ids']);
    const urls = json<string[]>(run.outputs['github-attestation-urls']);
    expect(json<string[]>(run.outputs.digests).map((d) => d.split('@')[1])).toEqual(digests());
    expect(ids).toHaveLength(3);
    for (const [i, digest] of digests().entries()) {
      const stored = api.entries(digest);
      expect(stored.map((e) => e.id)).toEqual([ids[i]]);
      expect(urls[i]).toBe(`https://github.com/aotanami/aotanami/attestations/${ids[i]}`);
      // What was stored is the very bundle cosign wrote for that digest.
      const file = json<string[]>(run.outputs.bundles)[i] as string;
      expect(stored[0]?.bundle).toEqual(JSON.parse(readFileSync(file, 'utf8')));
      expect(subjectDigestsOf(stored[0]?.bundle)).toEqual([digest]);
    }
    expect(api.requests.every((r) => r.auth === 'valid' && r.method === 'POST')).toBe(true);
    expect(run.summary).toContain(
      "3 bundle(s) also stored in GitHub's attestation store of `aotanami/aotanami`.",
    );
    expect(visibleText(run)).not.toContain(TOKEN);
  }, 60_000);

  it('registry (the default) asks GitHub nothing and outputs empty lists', async () => {
    const run = await sign({ token: TOKEN });
    expect(run.exitCode).toBe(0);
    expect(api.requests).toEqual([]);
    expect(json(run.outputs['github-attestation-ids'])).toEqual([]);
  }, 60_000);

  it('github alone is refused before cosign runs', async () => {
    const run = await sign({ store: 'github', token: TOKEN, repository: 'aotanami/aotanami' });
    expect(run.exitCode).not.toBe(0);
    expect(errorLines(run)).toEqual([
      "Input 'store': github alone is not accepted: cosign always attaches the bundles to the registry; use both to also keep them in GitHub's attestation store.",
    ]);
    expect(run.calls).toEqual([]);
  }, 60_000);

  it('a token without attestations: write fails the step naming the permission', async () => {
    const run = await sign({ store: 'both', token: READ_ONLY, repository: 'aotanami/aotanami' });
    expect(run.exitCode).not.toBe(0);
    expect(errorLines(run).join('\n')).toMatch(
      /GitHub answered 403 \(Resource not accessible by integration\)\. The token needs `attestations: write` on aotanami\/aotanami/,
    );
    expect(api.all()).toEqual([]);
    expect(visibleText(run)).not.toContain(READ_ONLY);
  }, 60_000);
});

describe('release-actions sign --store both', () => {
  const { stdout, stderr, run: cli } = captureCli([registerSign]);
  let dir: string;
  let log: string;

  beforeEach(() => {
    ({ dir, log } = useFakeTools('sign-store-cli-'));
    process.env.DOCKER_CONFIG = mkdtempSync(path.join(dir, 'docker-'));
    process.env.RELEASE_ACTIONS_RETRY_DELAY_MS = '5';
    process.env.GITHUB_API_URL = api.url;
    Object.assign(process.env, OIDC_ENV);
  });

  it('reads the token from GITHUB_TOKEN and stores under --repository', async () => {
    process.env.GITHUB_TOKEN = TOKEN;
    const code = await cli(
      'sign',
      `${registry.host}/store/app@${multi.index.digest}`,
      '--bundle-directory',
      dir,
      '--store',
      'both',
      '--repository',
      'aotanami/aotanami',
      '--format',
      'json',
    );
    expect(stderr.join('')).not.toMatch(/^release-actions: /m);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout.join('')) as { 'github-attestation-ids': number[] };
    expect(printed['github-attestation-ids']).toEqual(digests().map((d) => api.entries(d)[0]?.id));
    expect(readCalls(log)).toHaveLength(3);
  }, 60_000);

  it('GH_TOKEN serves when GITHUB_TOKEN is unset; none at all is one line before signing', async () => {
    delete process.env.GITHUB_TOKEN;
    delete process.env.GH_TOKEN;
    const args = [
      'sign',
      `${registry.host}/store/app@${multi.index.digest}`,
      '--store',
      'both',
      '--repository',
      'aotanami/aotanami',
    ];
    expect(await cli(...args)).toBe(2);
    expect(stderr.join('')).toBe(
      'release-actions: GITHUB_TOKEN: required when store is both: a token with `attestations: write`.\n',
    );
    expect(readCalls(log)).toEqual([]);
    process.env.GH_TOKEN = TOKEN;
    expect(await cli(...args, '--bundle-directory', dir)).toBe(0);
    expect(api.all()).toHaveLength(3);
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AttestationStoreApi } from '../../harness/attestation-store-api.js';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { errorLines, json, runWithFakes, visibleText } from '../sign/helpers.js';

/**
 * attest with store both: each attestation's bundle goes to GitHub's attestation store (the
 * loopback stand-in) under the digest its statement is about, with its predicate type, and the
 * ids come back in the order of digests.
 */
const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const REVIEW = 'https://example.com/release-review/v1';

let registry: Registry;
let layout: Layout;
let multi: BuiltIndex;
let api: AttestationStoreApi;
let workspace: string;

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  multi = layout.index('9.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  await layout.push('9.0', registry.host, 'store/attested');
  api = await AttestationStoreApi.start({ token: TOKEN });
  workspace = mkdtempSync(path.join(os.tmpdir(), 'attest-store-'));
  writeFileSync(path.join(workspace, 'review.json'), JSON.stringify({ reviewer: 'release-team', ok: true }));
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await api?.close();
  layout?.remove();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

function statementOf(bundle: unknown): { predicateType: string; subject: { digest: { sha256: string } }[] } {
  const payload = (bundle as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload;
  return JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
}

describe('attest with store both', () => {
  it('stores each attestation under its own digest, with its predicate type', async () => {
    const run = await runWithFakes('attest', {
      workspace,
      inputs: {
        subject: `${registry.host}/store/attested:9.0`,
        predicate: 'review.json',
        type: REVIEW,
        store: 'both',
        token: TOKEN,
        repository: 'aotanami/aotanami',
      },
      env: { GITHUB_API_URL: api.url },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const digests = json<string[]>(run.outputs.digests).map((d) => d.split('@')[1]);
    expect(digests).toEqual([multi.index.digest, ...multi.manifests.map((m) => m.digest)]);
    const ids = json<number[]>(run.outputs['github-attestation-ids']);
    for (const [i, digest] of digests.entries()) {
      const [stored, ...more] = api.entries(digest as string);
      expect(more).toEqual([]);
      expect(stored?.id).toBe(ids[i]);
      const statement = statementOf(stored?.bundle);
      expect(statement.predicateType).toBe(REVIEW);
      expect(`sha256:${statement.subject[0]?.digest.sha256}`).toBe(digest);
    }
    expect(run.summary).toContain('| Subject | Attestation |');
    expect(visibleText(run)).not.toContain(TOKEN);
  }, 60_000);

  it('a rejected token fails the step as an input error on token', async () => {
    const run = await runWithFakes('attest', {
      workspace,
      inputs: {
        subject: `${registry.host}/store/attested@${multi.manifests[0]?.digest}`,
        predicate: 'review.json',
        type: REVIEW,
        store: 'both',
        token: 'ghs_not_the_token_at_all_000000000000',
        repository: 'aotanami/aotanami',
      },
      env: { GITHUB_API_URL: api.url },
    });
    expect(run.exitCode).not.toBe(0);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(
        /^Input 'token': GitHub rejected the token \(401 Bad credentials\) while trying to store the bundle of /,
      ),
    ]);
  }, 60_000);
});

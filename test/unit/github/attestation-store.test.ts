import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliInputNames, describeError, InputError, type Logger } from '@release-actions/core';
import type { SigningReport } from '@release-actions/cosign';
import {
  attestationSource,
  checkStore,
  openAttestationStore,
  storeBundles,
  storeOutputs,
  type AttestationStoreOptions,
} from '@release-actions/github';
import { AttestationStoreApi, storeBodies, subjectDigestsOf } from '../../harness/attestation-store-api.js';

const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const READ_ONLY = `ghs_${randomBytes(18).toString('hex')}`;
const FAST = { retries: 3, retryUnitMs: 1, writeSpacingMs: 0 };
const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;

let api: AttestationStoreApi;
let lines: string[];
let dir: string;
const logger: Logger = {
  debug: (m) => lines.push(`debug ${m}`),
  info: (m) => lines.push(`info ${m}`),
  notice: (m) => lines.push(`notice ${m}`),
  warning: (m) => lines.push(`warning ${m}`),
};

/** A bundle-shaped document whose DSSE statement is over `digest` (nothing here verifies it). */
function bundle(digest: string, n = 0): Record<string, unknown> {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'registry.example/app', digest: { sha256: digest.slice(7) } }],
    predicateType: 'https://sigstore.dev/cosign/sign/v1',
    predicate: { n },
  };
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { tlogEntries: [] },
    dsseEnvelope: {
      payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
      payloadType: 'application/vnd.in-toto+json',
      signatures: [],
    },
  };
}

function options(extra: Partial<AttestationStoreOptions> = {}): AttestationStoreOptions {
  return {
    repository: `${api.owner}/${api.repo}`,
    token: TOKEN,
    baseUrl: api.url,
    serverUrl: 'https://github.example',
    logger,
    tuning: FAST,
    ...extra,
  };
}

beforeEach(async () => {
  api = await AttestationStoreApi.start({ token: TOKEN, readOnlyToken: READ_ONLY });
  lines = [];
  dir = mkdtempSync(path.join(os.tmpdir(), 'attestation-store-'));
});

afterEach(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
  expect(lines.join('\n')).not.toContain(TOKEN);
});

describe('the stand-in', () => {
  it('reads the subject digest from a DSSE statement and from a message signature', () => {
    expect(subjectDigestsOf(bundle(DIGEST_A))).toEqual([DIGEST_A]);
    expect(
      subjectDigestsOf({
        messageSignature: {
          messageDigest: {
            algorithm: 'SHA2_256',
            digest: Buffer.from('b'.repeat(64), 'hex').toString('base64'),
          },
        },
      }),
    ).toEqual([DIGEST_B]);
    expect(subjectDigestsOf({ nothing: true })).toEqual([]);
  });
});

describe('writing', () => {
  it('POSTs {bundle} with the token and returns the id and its page', async () => {
    const store = await openAttestationStore(options());
    const stored = await store.write(bundle(DIGEST_A), 'the image');
    expect(stored.id).toEqual(expect.any(Number));
    expect(stored.url).toBe(`https://github.example/aotanami/aotanami/attestations/${stored.id}`);
    const post = api.requests.filter((r) => r.method === 'POST');
    expect(post).toHaveLength(1);
    expect(post[0]).toMatchObject({
      url: '/repos/aotanami/aotanami/attestations',
      auth: 'valid',
      status: 201,
    });
    expect(post[0]?.json).toEqual({ bundle: bundle(DIGEST_A) });
    expect(api.entries(DIGEST_A).map((e) => e.id)).toEqual([stored.id]);
  });

  it('retries a 5xx and a 429 and stores the bundle once it is accepted', async () => {
    api.fault({ method: 'POST', status: 502, times: 2 });
    api.fault({
      method: 'POST',
      status: 429,
      headers: { 'retry-after': '0' },
      body: storeBodies.secondaryRateLimit,
    });
    const store = await openAttestationStore(options());
    const stored = await store.write(bundle(DIGEST_A), 'the image');
    const statuses = api.requests.filter((r) => r.method === 'POST').map((r) => r.status);
    expect(statuses).toEqual([502, 502, 429, 201]);
    expect(api.entries(DIGEST_A).map((e) => e.id)).toEqual([stored.id]);
  });

  it('gives up after the retries allowed, naming the status', async () => {
    api.fault({ method: 'POST', status: 503, times: 10 });
    const store = await openAttestationStore(options());
    await expect(store.write(bundle(DIGEST_A), 'the image')).rejects.toThrow(
      /Could not store the bundle of the image in the attestation store of aotanami\/aotanami: GitHub answered 503/,
    );
    expect(api.requests).toHaveLength(4);
  });

  it('a token without attestations: write gets one line naming the permission, not retried', async () => {
    const store = await openAttestationStore(options({ token: READ_ONLY }));
    const error = await store.write(bundle(DIGEST_A), 'the image').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(describeError(error)).toContain('`attestations: write` on aotanami/aotanami');
    expect(describeError(error)).not.toContain(READ_ONLY);
    expect(api.requests).toHaveLength(1);
  });

  it('a rejected token is an input error on token, without the token in it', async () => {
    const store = await openAttestationStore(options({ token: `${TOKEN}x` }));
    const error = await store.write(bundle(DIGEST_A), 'the image').catch((e: unknown) => e);
    expect(describeError(error, cliInputNames({ token: 'GITHUB_TOKEN' }))).toMatch(
      /^GITHUB_TOKEN: GitHub rejected the token \(401 Bad credentials\)/,
    );
    expect(describeError(error)).not.toContain(TOKEN);
  });
});

describe('listing', () => {
  it("follows GitHub's Link header page by page and returns every bundle as text", async () => {
    const ids = [0, 1, 2, 3, 4].map((n) => api.add(bundle(DIGEST_A, n)));
    api.add(bundle(DIGEST_B));
    const store = await openAttestationStore(options({ perPage: 2 }));
    const listed = await store.list(DIGEST_A);
    expect(listed.map((l) => JSON.parse(l.text ?? 'null'))).toEqual(
      [0, 1, 2, 3, 4].map((n) => bundle(DIGEST_A, n)),
    );
    expect(ids).toHaveLength(5);
    const gets = api.requests.filter((r) => r.method === 'GET');
    expect(gets).toHaveLength(3);
    expect(gets[0]?.url).toBe(
      `/repos/aotanami/aotanami/attestations/${encodeURIComponent(DIGEST_A)}?per_page=2`,
    );
    expect(gets[1]?.url).toContain('after=');
    expect(listed[0]).toMatchObject({
      label: 'attestation #1 in aotanami/aotanami',
      repositoryId: api.repositoryId,
    });
  });

  it('stops after the pages allowed, with a warning', async () => {
    for (let n = 0; n < 5; n++) api.add(bundle(DIGEST_A, n));
    const store = await openAttestationStore(options({ perPage: 1, maxPages: 2 }));
    expect(await store.list(DIGEST_A)).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('warning Read 2 attestations'))).toBe(true);
  });

  it('a bundle listed only by its bundle_url is a problem, not a bundle', async () => {
    api.add(bundle(DIGEST_A), { urlOnly: true });
    const store = await openAttestationStore(options());
    const [listed] = await store.list(DIGEST_A);
    expect(listed?.text).toBeUndefined();
    expect(listed?.problem).toMatch(/only by its bundle_url/);
  });

  it('a digest with none (404) is an empty list', async () => {
    const store = await openAttestationStore(options());
    expect(await store.list(DIGEST_A)).toEqual([]);
    expect(api.requests.map((r) => r.status)).toEqual([404]);
  });

  it('retries a 5xx on a read', async () => {
    api.add(bundle(DIGEST_A));
    api.fault({ method: 'GET', status: 500, times: 2 });
    const store = await openAttestationStore(options());
    expect(await store.list(DIGEST_A)).toHaveLength(1);
    expect(api.requests.map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('reads a public repository without a token; a private one then shows nothing', async () => {
    api.add(bundle(DIGEST_A));
    const anonymous = await openAttestationStore(options({ token: undefined }));
    expect(await anonymous.list(DIGEST_A)).toHaveLength(1);
    expect(api.requests[0]?.auth).toBe('none');
    await api.close();
    api = await AttestationStoreApi.start({ token: TOKEN, private: true });
    api.add(bundle(DIGEST_A));
    const hidden = await openAttestationStore(options({ token: undefined, baseUrl: api.url }));
    expect(await hidden.list(DIGEST_A)).toEqual([]);
    const seen = await openAttestationStore(options({ baseUrl: api.url }));
    expect(await seen.list(DIGEST_A)).toHaveLength(1);
  });

  it('refuses a digest that is not sha256:<hex> before asking', async () => {
    const store = await openAttestationStore(options());
    await expect(store.list('sha256:nothex')).rejects.toThrow(/not a sha256 digest/);
    expect(api.requests).toEqual([]);
  });

  it('as a bundle source: labels and texts for the native engine', async () => {
    api.add(bundle(DIGEST_A));
    const source = attestationSource(options());
    expect(source.description).toBe("GitHub's attestation store of aotanami/aotanami");
    const [found] = await source.bundles(DIGEST_A);
    expect(found).toEqual({
      label: 'attestation #1 in aotanami/aotanami',
      text: JSON.stringify(bundle(DIGEST_A)),
    });
  });
});

describe('checkStore', () => {
  it('registry needs nothing; both needs a repository and a token; github alone is refused', () => {
    expect(checkStore({ store: 'registry' })).toBeUndefined();
    expect(checkStore({ store: 'both', repository: 'o/r', token: 't' })).toEqual({
      repository: 'o/r',
      token: 't',
    });
    expect(() => checkStore({ store: 'github', repository: 'o/r', token: 't' })).toThrow(
      /github alone is not accepted: cosign always attaches the bundles to the registry; use both/,
    );
    expect(() => checkStore({ store: 'both', token: 't' })).toThrow(/required \(owner\/name\)/);
    expect(() => checkStore({ store: 'both', repository: 'not a repo', token: 't' })).toThrow(
      /not a repository/,
    );
    const error = (() => {
      try {
        checkStore({ store: 'both', repository: 'o/r' });
      } catch (e) {
        return e;
      }
    })();
    expect(describeError(error, cliInputNames({ token: 'GITHUB_TOKEN' }))).toBe(
      'GITHUB_TOKEN: required when store is both: a token with `attestations: write`.',
    );
  });
});

describe('storeBundles', () => {
  function report(): SigningReport {
    const file = (name: string, digest: string) => {
      const target = path.join(dir, name);
      writeFileSync(target, JSON.stringify(bundle(digest)));
      return target;
    };
    const base = { repository: 'registry.example/app', alreadyLogged: false, attempts: 1, input: 'x' };
    return {
      signed: true,
      mode: 'keyless',
      records: [
        {
          ...base,
          digest: DIGEST_A,
          role: 'index',
          reference: `registry.example/app@${DIGEST_A}`,
          bundle: file('a.json', DIGEST_A),
        },
        {
          ...base,
          digest: DIGEST_B,
          role: 'platform',
          reference: `registry.example/app@${DIGEST_B}`,
          alreadyLogged: true,
        },
      ],
    };
  }

  it('stores each bundle file; a record without one is null in the outputs, with a warning', async () => {
    const result = await storeBundles(report(), {
      ...options(),
      token: TOKEN,
      repository: 'aotanami/aotanami',
    });
    expect(result.attestations).toHaveLength(2);
    expect(result.attestations[1]).toBeNull();
    const outputs = storeOutputs(result);
    expect(outputs['github-attestation-ids']).toEqual([api.entries(DIGEST_A)[0]?.id, null]);
    expect(outputs['github-attestation-urls'][0]).toMatch(
      /^https:\/\/github\.example\/aotanami\/aotanami\/attestations\/\d+$/,
    );
    expect(api.entries(DIGEST_B)).toEqual([]);
    expect(lines.some((l) => l.startsWith(`warning No bundle for registry.example/app@${DIGEST_B}`))).toBe(
      true,
    );
  });

  it('a skipped signing run stores nothing and asks nothing', async () => {
    const result = await storeBundles(
      { signed: false, mode: 'skipped', records: [] },
      { ...options(), token: TOKEN, repository: 'aotanami/aotanami' },
    );
    expect(result.attestations).toEqual([]);
    expect(api.requests).toEqual([]);
    expect(storeOutputs(undefined)).toEqual({ 'github-attestation-ids': [], 'github-attestation-urls': [] });
  });
});

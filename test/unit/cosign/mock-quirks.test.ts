import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RFC3161Timestamp } from '@sigstore/core';
import { initializeTLog } from '@sigstore/mock';
import { generateKeyPairSync } from 'node:crypto';
import { startSigstore, type Sigstore } from '../../harness/sigstore.js';

/**
 * The two @sigstore/mock behaviours test/harness/sigstore.ts works around (DESIGN.md, testing 4),
 * checked against the installed mock so that an upgrade which changes either shows here.
 */
let sigstore: Sigstore;

beforeAll(async () => {
  sigstore = await startSigstore();
});

afterAll(async () => {
  await sigstore?.stop();
});

interface SignedBundle {
  verificationMaterial: {
    tlogEntries: { canonicalizedBody: string }[];
    timestampVerificationData: { rfc3161Timestamps: { signedTimestamp: string }[] };
  };
}

const statement = {
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'app', digest: { sha256: 'a'.repeat(64) } }],
  predicateType: 'https://sigstore.dev/cosign/sign/v1',
  predicate: {},
};

describe('@sigstore/mock quirks the harness handles', () => {
  it('the mock Rekor still stores a DSSE proposal as proposed; the harness stores it as Rekor does', async () => {
    const tlog = await initializeTLog('http://127.0.0.1', generateKeyPairSync('ec', { namedCurve: 'P-256' }));
    const proposal = {
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: { proposedContent: { envelope: '{"payload":"","signatures":[]}', verifiers: [] } },
    };
    const [stored] = Object.values(await tlog.log(proposal)) as { body: string }[];
    expect(JSON.parse(Buffer.from(stored!.body, 'base64').toString('utf8')).spec).toHaveProperty(
      'proposedContent',
    );

    const bundle = (await sigstore.sign(statement, {
      identity: 'https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1',
      repository: 'o/r',
    })) as unknown as SignedBundle;
    const body = JSON.parse(
      Buffer.from(bundle.verificationMaterial.tlogEntries[0]!.canonicalizedBody, 'base64').toString('utf8'),
    ) as { kind: string; spec: Record<string, unknown> };
    expect(body.kind).toBe('dsse');
    expect(Object.keys(body.spec).sort()).toEqual(['envelopeHash', 'payloadHash', 'signatures']);
  });

  it('RFC 3161 times come out in whole seconds, as the harness clock is', async () => {
    const bundle = (await sigstore.sign(statement, {
      identity: 'https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1',
      repository: 'o/r',
    })) as unknown as SignedBundle;
    const [timestamp] = bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps;
    const time = RFC3161Timestamp.parse(Buffer.from(timestamp!.signedTimestamp, 'base64')).signingTime;
    expect(time.getTime() % 1000).toBe(0);
    expect(Math.abs(time.getTime() - Date.now())).toBeLessThan(60_000);
  });
});

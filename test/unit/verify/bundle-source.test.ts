import { describe, expect, it } from '@jest/globals';
import { describeError, InputError } from '@release-actions/core';
import {
  reportRows,
  reportText,
  type BundleSource,
  type ClaimPolicy,
  type VerifyReport,
} from '@release-actions/verify';
import { checkSource, sourcesOf } from '../../../packages/verify/src/bundle-source.js';
import { bundlesFromSource, judgeBundles } from '../../../packages/verify/src/native.js';
import type { Verifier } from '@sigstore/verify';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const STORE = "GitHub's attestation store of o/r";

function source(bundles: Awaited<ReturnType<BundleSource['bundles']>>): BundleSource {
  return { description: STORE, bundles: async () => bundles };
}

function envelopeBundle(predicateType: string): string {
  const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType, predicate: {} };
  return JSON.stringify({
    dsseEnvelope: {
      payloadType: 'application/vnd.in-toto+json',
      payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
    },
  });
}

/** Never reached: every case below fails before any cryptography. */
const verifier = {
  verify: () => {
    throw new Error('not reached');
  },
} as unknown as Verifier;
const policy: ClaimPolicy = {
  signer: 'reusable-workflow',
  identityRegexp: '^x$',
  issuer: 'i',
  repository: 'o/r',
  sourceRefPattern: 'refs/tags/v*',
};

describe('sources', () => {
  it('both reads the registry, then the store; the cosign engine is refused for a store', () => {
    expect(sourcesOf('registry')).toEqual(['registry']);
    expect(sourcesOf('github')).toEqual(['github']);
    expect(sourcesOf('both')).toEqual(['registry', 'github']);
    expect(() => checkSource('registry', 'cosign', undefined)).not.toThrow();
    const refused = (() => {
      try {
        checkSource('both', 'cosign', source([]));
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(InputError);
    expect(describeError(refused)).toMatch(
      /^Input 'source': both needs engine native: cosign reads bundles only from the registry/,
    );
    expect(() => checkSource('github', 'native', undefined)).toThrow(/none was given/);
  });
});

describe('bundles from a store', () => {
  it('are parsed with the predicate type their statement names; problems stay problems', async () => {
    const found = await bundlesFromSource(
      source([
        { label: 'attestation 1 in o/r', text: envelopeBundle('https://spdx.dev/Document') },
        { label: 'attestation 2 in o/r', text: '{not json' },
        { label: 'attestation 3 in o/r', problem: 'listed only by its bundle_url' },
      ]),
      DIGEST,
    );
    expect(found.map((f) => [f.digest, f.predicateType, f.problem])).toEqual([
      ['attestation 1 in o/r', 'https://spdx.dev/Document', undefined],
      ['attestation 2 in o/r', undefined, 'the bundle is not JSON'],
      ['attestation 3 in o/r', undefined, 'listed only by its bundle_url'],
    ]);
  });

  it('none of the kind asked for: the reason names the store and what it holds', async () => {
    const spdxOnly = await bundlesFromSource(
      source([{ label: 'a', text: envelopeBundle('https://spdx.dev/Document') }]),
      DIGEST,
    );
    expect(judgeBundles(spdxOnly, verifier, 'signature', DIGEST, policy, undefined, STORE)).toEqual({
      status: 'failed',
      reason: `no signature found in ${STORE}: it holds 1 bundle(s) for ${DIGEST}, none of this kind`,
    });
    expect(judgeBundles([], verifier, 'signature', DIGEST, policy, undefined, STORE).reason).toBe(
      `no signature found in ${STORE}: it holds no bundle for ${DIGEST} (none stored, or the repository is not visible to the token)`,
    );
    // The registry's wording is unchanged.
    expect(judgeBundles([], verifier, 'signature', DIGEST, policy).reason).toBe('no signature found');
  });
});

describe('the report', () => {
  it('names the source of each result in the table and the text', () => {
    const report: VerifyReport = {
      image: 'r/app@' + DIGEST,
      reference: 'r/app@' + DIGEST,
      digest: DIGEST,
      engine: 'native',
      source: 'both',
      policy: { ...policy, description: 'd' },
      checks: ['signature'],
      results: [
        { check: 'signature', subject: 'r/app@' + DIGEST, status: 'passed', source: 'registry' },
        {
          check: 'signature',
          subject: 'r/app@' + DIGEST,
          status: 'failed',
          source: 'github',
          reason: 'no signature found in x',
        },
      ],
      commands: [],
      verdict: 'failed',
    };
    expect(reportRows(report).map((row) => row[0])).toEqual([
      'signature (registry)',
      'signature (GitHub attestation store)',
    ]);
    const text = reportText(report);
    expect(text).toContain("engine native; bundles from the registry and GitHub's attestation store, each.");
    expect(text).toContain('FAILED signature (GitHub attestation store) r/app@');
  });
});

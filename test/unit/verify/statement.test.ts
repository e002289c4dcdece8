import { describe, expect, it } from '@jest/globals';
import {
  decodeEnvelope,
  describePredicate,
  isCycloneDx,
  isSpdx,
  judgeSlsaVerifier,
  parseChecks,
} from '@release-actions/verify';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

const upstream = path.join(repoRoot, 'test', 'fixtures', 'upstream');
const json = (file: string): unknown => JSON.parse(readFileSync(path.join(upstream, file), 'utf8'));

describe('SBOM predicates', () => {
  it.each([
    ['syft/golden/spdx-json.image.golden.json', 'an SPDX document'],
    ['syft/golden/spdx-json.dir.golden.json', 'an SPDX document'],
    ['syft/real/kubectl-linux-amd64.syft-0.90.0.spdx-2.3.json', 'an SPDX document'],
    ['syft/golden/cyclonedx-json-1.6.image.golden.json', 'a CycloneDX BOM'],
    ['syft/golden/cyclonedx-json-1.7.image.golden.json', 'a CycloneDX BOM'],
    ['syft/real/alpine.syft-0.58.0.cyclonedx-1.4.json', 'a CycloneDX BOM'],
  ])('%s is %s', (file, kind) => {
    const document = json(file);
    expect(describePredicate(document)).toBe(kind);
    expect(isSpdx(document)).toBe(kind === 'an SPDX document');
    expect(isCycloneDx(document)).toBe(kind === 'a CycloneDX BOM');
  });

  it('is neither for syft JSON, SLSA provenance or nothing', () => {
    for (const document of [
      json('syft/real/alpine.syft-0.101.1.syft.json'),
      (json('slsa/container-generator-v1.10.0/statement.slsa-v0.2.json') as { predicate: unknown }).predicate,
      undefined,
      {},
    ]) {
      expect([isSpdx(document), isCycloneDx(document)]).toEqual([false, false]);
    }
  });
});

describe('DSSE envelopes', () => {
  it('decodes the real syft attestation and the SLSA generator envelope', () => {
    const cyclonedx = decodeEnvelope(json('cosign/dsse/alpine.syft-attest.cyclonedx.dsse.json'));
    expect(cyclonedx).toMatchObject({
      type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://cyclonedx.org/bom',
      subjects: [
        { name: '', digest: { sha256: '4edbd2beb5f78b1014028f4fbb99f3237d9561100b6881aabbf5acce2c4f9454' } },
      ],
    });
    const slsa = decodeEnvelope(json('slsa/container-generator-v1.10.0/attestation.dsse.json'));
    expect(slsa).toMatchObject({ predicateType: 'https://slsa.dev/provenance/v0.2' });
  });

  it('says why something is not a statement', () => {
    expect(decodeEnvelope('x')).toBe('not a DSSE envelope');
    expect(
      decodeEnvelope({
        payloadType: 'application/vnd.in-toto+json',
        payload: Buffer.from('{').toString('base64'),
      }),
    ).toBe('payload is not JSON');
    expect(
      decodeEnvelope({
        payloadType: 'application/vnd.in-toto+json',
        payload: Buffer.from('{"a":1}').toString('base64'),
      }),
    ).toBe('payload is not an in-toto statement');
  });
});

describe('slsa-verifier output', () => {
  const readme = readFileSync(path.join(upstream, 'slsa/docs/slsa-verifier-README.md'), 'utf8');

  it('passes the README sample of verify-image, with the builder it names', () => {
    const sample = readme.split('\n').slice(315, 317).join('\n');
    expect(sample).toContain('PASSED: Verified SLSA provenance');
    expect(judgeSlsaVerifier(0, '', sample)).toEqual({
      status: 'passed',
      identity:
        'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v1.4.0',
    });
  });

  it('passes the lines slsa-verifier v2.7.1 prints (its success line changed since the README)', () => {
    const printed =
      'Verified build using builder "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0" at commit 0123456789abcdef0123456789abcdef01234567\nPASSED: SLSA verification passed\n';
    expect(judgeSlsaVerifier(0, '', printed)).toEqual({
      status: 'passed',
      identity:
        'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0',
    });
    expect(judgeSlsaVerifier(1, '', printed).status).toBe('error');
  });

  it('fails on FAILED, errs on a network failure, and never passes on exit 0 alone', () => {
    const failed = readme.split('\n').find((l) => l.startsWith('FAILED: SLSA verification failed:')) ?? '';
    expect(judgeSlsaVerifier(1, '', failed)).toMatchObject({
      status: 'failed',
      reason:
        'provenance rejected: could not find a matching valid signature entry: got unexpected errors unable to initialize client, local cache may be corrupt: tuf: invalid key: unable to fetch Rekor public keys from TUF repository',
    });
    expect(
      judgeSlsaVerifier(1, '', 'FAILED: SLSA verification failed: dial tcp: lookup ghcr.io: no such host')
        .status,
    ).toBe('error');
    expect(judgeSlsaVerifier(0, '', '').status).toBe('error');
    expect(judgeSlsaVerifier(1, '', 'PASSED: Verified SLSA provenance').status).toBe('error');
  });
});

describe('checks', () => {
  it('defaults to every check, keeps the canonical order, and names what it accepts', () => {
    expect(parseChecks([])).toEqual(['signature', 'sbom-spdx', 'sbom-cyclonedx', 'provenance']);
    expect(parseChecks(['provenance', 'Signature'])).toEqual(['signature', 'provenance']);
    // vex only when asked for by name.
    expect(parseChecks(['vex', 'signature'])).toEqual(['signature', 'vex']);
    expect(() => parseChecks(['sbom'])).toThrow(
      `Input 'checks': "sbom" not accepted; use any of signature, sbom-spdx, sbom-cyclonedx, provenance, vex.`,
    );
  });
});

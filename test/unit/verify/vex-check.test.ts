import { describe, expect, it } from '@jest/globals';
import { Markdown } from '@release-actions/core';
import {
  buildIdentityPolicy,
  checksFor,
  cosignVerifyAttestationArgs,
  equivalentCommands,
  judgeAttestations,
  renderVerifySummary,
  reportText,
  vexFacts,
  type VerifyReport,
} from '@release-actions/verify';

/**
 * The vex check: an OpenVEX attestation on every digest, asked for by name; what the verified
 * document declares is in the report (JSON, text and the job summary).
 */
const DIGEST = `sha256:${'a'.repeat(64)}`;
const REF = `ghcr.io/aotanami/app@${DIGEST}`;

const OPENVEX = {
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://openvex.dev/docs/public/vex-1',
  author: 'aotanami/app',
  timestamp: '2026-06-01T00:00:00Z',
  version: 1,
  statements: [
    { vulnerability: { name: 'CVE-2024-0001', aliases: ['GHSA-x'] }, products: [], status: 'not_affected' },
    { vulnerability: { name: 'CVE-2023-0464' }, products: [], status: 'not_affected' },
    { vulnerability: { name: 'CVE-2023-0464' }, products: [], status: 'not_affected' },
    { vulnerability: { name: 'CVE-2022-1111' }, products: [], status: 'under_investigation' },
  ],
};

function envelopeLine(predicate: unknown, predicateType = 'https://openvex.dev/ns', digest = DIGEST): string {
  const statement = {
    _type: 'https://in-toto.io/Statement/v0.1',
    subject: [{ name: 'ghcr.io/aotanami/app', digest: { sha256: digest.slice(7) } }],
    predicateType,
    predicate,
  };
  return JSON.stringify({
    payloadType: 'application/vnd.in-toto+json',
    payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
    signatures: [{ sig: 'x' }],
  });
}

describe('vex check', () => {
  it('is on every digest, the index included, and cosign is asked for --type openvex', () => {
    expect(checksFor({ reference: REF, top: true, index: true }, ['signature', 'sbom-spdx', 'vex'])).toEqual([
      'signature',
      'vex',
    ]);
    expect(checksFor({ reference: REF, top: false }, ['vex', 'provenance'])).toEqual(['vex']);
    const policy = buildIdentityPolicy({ repository: 'aotanami/app', signer: 'reusable-workflow' });
    expect(cosignVerifyAttestationArgs(REF, 'vex', { policy }).slice(0, 3)).toEqual([
      'verify-attestation',
      '--type',
      'openvex',
    ]);
    const commands = equivalentCommands([{ reference: REF, top: true, index: true }], ['vex'], { policy });
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatch(
      /^cosign verify-attestation --type openvex --certificate-identity-regexp .* ghcr\.io\/aotanami\/app@sha256:a{64}$/,
    );
  });

  it('counts the statements and names each vulnerability declared not affected once', () => {
    expect(vexFacts(OPENVEX)).toEqual({ statements: 4, notAffected: ['CVE-2023-0464', 'CVE-2024-0001'] });
    expect(vexFacts({ ...OPENVEX, statements: [] })).toEqual({ statements: 0, notAffected: [] });
  });

  it('passes an OpenVEX statement over the digest with what it declares, and fails anything else', () => {
    expect(judgeAttestations(envelopeLine(OPENVEX), '', DIGEST, 'vex', undefined)).toEqual({
      status: 'passed',
      vex: { statements: 4, notAffected: ['CVE-2023-0464', 'CVE-2024-0001'] },
    });
    expect(
      judgeAttestations(
        envelopeLine({ bomFormat: 'CycloneDX', specVersion: '1.6' }),
        '',
        DIGEST,
        'vex',
        undefined,
      ),
    ).toEqual({
      status: 'failed',
      reason: 'predicate not OpenVEX: it is a CycloneDX BOM',
    });
    expect(
      judgeAttestations(envelopeLine(OPENVEX, 'https://cyclonedx.org/bom'), '', DIGEST, 'vex', undefined)
        .reason,
    ).toBe('predicate type https://cyclonedx.org/bom, not https://openvex.dev/ns');
    expect(
      judgeAttestations(
        envelopeLine(OPENVEX, undefined, `sha256:${'b'.repeat(64)}`),
        '',
        DIGEST,
        'vex',
        undefined,
      ).reason,
    ).toMatch(/^subject digest mismatch/);
    expect(judgeAttestations('', '', DIGEST, 'vex', undefined)).toEqual({
      status: 'failed',
      reason: 'no OpenVEX attestation found',
    });
  });

  it('shows the statements and the vulnerabilities not affected in the text and the job summary', () => {
    const report: VerifyReport = {
      image: REF,
      reference: REF,
      digest: DIGEST,
      engine: 'native',
      policy: {
        signer: 'reusable-workflow',
        identityRegexp: '^x$',
        issuer: 'https://token.actions.githubusercontent.com',
        repository: 'aotanami/app',
        sourceRefPattern: 'refs/tags/v*',
        description: 'release.yml of aotanami/release-actions',
      },
      checks: ['vex'],
      results: [
        {
          check: 'vex',
          subject: REF,
          status: 'passed',
          vex: { statements: 2, notAffected: ['CVE-2023-0464', 'CVE-2024-0001'] },
        },
      ],
      commands: [],
      verdict: 'passed',
    };
    expect(reportText(report)).toContain(
      `passed vex            ${REF} [2 statements; not affected: CVE-2023-0464, CVE-2024-0001]`,
    );
    const summary = renderVerifySummary(
      { emit: 'report', report, command: 'release-actions verify x' },
      new Markdown(),
    ).toString();
    expect(summary).toContain('| sha256:aaaaaaaaaaaa… | 2 | CVE-2023-0464, CVE-2024-0001 |');
    expect(JSON.parse(JSON.stringify(report)).results[0].vex.notAffected).toEqual([
      'CVE-2023-0464',
      'CVE-2024-0001',
    ]);
  });
});

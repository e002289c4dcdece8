import { describe, expect, it } from '@jest/globals';
import {
  buildIdentityPolicy,
  cliCommand,
  cosignVerifyBlobArgs,
  DEFAULT_CHECKS,
  fileChecks,
  fileCommands,
  listedDigest,
  slsaVerifierArtifactArgs,
} from '@release-actions/verify';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const policy = buildIdentityPolicy({ repository: 'aotanami/aotanami', signer: 'reusable-workflow' });
const GENERIC =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml';

describe('listedDigest (sha256sum format)', () => {
  it.each([
    [`${A}  app.tar.gz\n`, 'app.tar.gz', { hex: A }],
    [`${A} *app.tar.gz\n`, 'app.tar.gz', { hex: A }],
    [`${A.toUpperCase()}  ./app.tar.gz\r\n`, 'app.tar.gz', { hex: A }],
    [`${B}  other\n${A}  app\n`, 'app', { hex: A }],
    [`${A}  app.tar.gz.sig\n${A}  xapp.tar.gz\n`, 'app.tar.gz', { problem: 'does not list app.tar.gz' }],
    [`${A}  app\n${B}  app\n`, 'app', { problem: 'lists app more than once with different digests' }],
    [`${A}  app\n${A}  app\n`, 'app', { hex: A }],
    [`${A.slice(1)}  app\n`, 'app', { problem: 'does not list app' }],
  ])('%j for %s', (text, name, expected) => {
    expect(listedDigest(text, name)).toEqual(expected);
  });
});

describe('fileChecks', () => {
  it('turns the default list into signature, with provenance only when its attestation is given', () => {
    expect(fileChecks(DEFAULT_CHECKS, undefined)).toEqual(['signature']);
    expect(fileChecks(DEFAULT_CHECKS, 'app.intoto.jsonl')).toEqual(['signature', 'provenance']);
    expect(fileChecks(['signature'], 'app.intoto.jsonl')).toEqual(['signature', 'provenance']);
    expect(fileChecks(['provenance'], 'app.intoto.jsonl')).toEqual(['provenance']);
  });

  it('refuses the checks of an image and provenance without its attestation', () => {
    expect(() => fileChecks(['signature', 'sbom-spdx', 'vex'], undefined)).toThrow(
      'sbom-spdx, vex not accepted for a file; a file has the checks signature and provenance.',
    );
    expect(() => fileChecks(['provenance'], undefined)).toThrow(/needs provenance-path/);
  });
});

describe("a file's commands", () => {
  it('builds cosign verify-blob with the identity flags of an image, and slsa-verifier verify-artifact with the generic generator', () => {
    expect(
      cosignVerifyBlobArgs('app', 'app.sigstore.json', { policy, pinnedRef: 'refs/tags/v2.0.0' }),
    ).toEqual([
      'verify-blob',
      '--bundle',
      'app.sigstore.json',
      '--certificate-identity-regexp',
      policy.identityRegexp,
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
      '--certificate-github-workflow-repository',
      'aotanami/aotanami',
      '--certificate-github-workflow-ref',
      'refs/tags/v2.0.0',
      'app',
    ]);
    expect(
      cosignVerifyBlobArgs('app', 'b.json', { policy, key: 'cosign.pub', transparencyLog: 'skip' }),
    ).toEqual([
      'verify-blob',
      '--bundle',
      'b.json',
      '--key',
      'cosign.pub',
      '--insecure-ignore-tlog=true',
      'app',
    ]);
    expect(slsaVerifierArtifactArgs('app', 'app.intoto.jsonl', 'aotanami/aotanami', 'v2.0.0')).toEqual([
      'verify-artifact',
      'app',
      '--provenance-path',
      'app.intoto.jsonl',
      '--source-uri',
      'github.com/aotanami/aotanami',
      '--builder-id',
      GENERIC,
      '--source-tag',
      'v2.0.0',
    ]);
  });

  it('verifies the checksums file, then finds the file in it, then the provenance of the file itself', () => {
    const commands = fileCommands(
      {
        file: 'app.tar.gz',
        bundle: 'checksums.txt.sigstore.json',
        checksums: 'checksums.txt',
        provenancePath: 'app.intoto.jsonl',
      },
      ['signature', 'provenance'],
      { policy: { ...policy, sourceRef: 'refs/tags/v2.0.0' } },
    );
    expect(commands).toEqual([
      `cosign verify-blob --bundle checksums.txt.sigstore.json --certificate-identity-regexp '${policy.identityRegexp}' --certificate-oidc-issuer https://token.actions.githubusercontent.com --certificate-github-workflow-repository aotanami/aotanami --certificate-github-workflow-ref refs/tags/v2.0.0 checksums.txt`,
      'sha256sum --ignore-missing --check checksums.txt',
      `slsa-verifier verify-artifact app.tar.gz --provenance-path app.intoto.jsonl --source-uri github.com/aotanami/aotanami --builder-id ${GENERIC} --source-tag v2.0.0`,
    ]);
  });

  it('repeats a file verification with --file and its own flags, its default checks left out', () => {
    const base = { repository: 'aotanami/aotanami', signer: 'reusable-workflow' as const };
    expect(cliCommand({ ...base, file: { file: 'app' }, checks: ['signature'] })).toBe(
      'release-actions verify --file app --repository aotanami/aotanami',
    );
    expect(
      cliCommand({
        ...base,
        file: { file: 'app', checksums: 'checksums.txt', provenancePath: 'app.intoto.jsonl' },
        checks: ['signature', 'provenance'],
      }),
    ).toBe(
      'release-actions verify --file app --checksums checksums.txt --provenance-path app.intoto.jsonl --repository aotanami/aotanami',
    );
  });
});

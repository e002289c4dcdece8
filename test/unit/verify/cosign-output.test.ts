import { describe, expect, it } from '@jest/globals';
import {
  buildIdentityPolicy,
  certificateLines,
  judgeAttestations,
  judgeCosignFailure,
  judgeSignatures,
  parseVerifyOutput,
} from '@release-actions/verify';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

const upstream = path.join(repoRoot, 'test', 'fixtures', 'upstream');
const read = (file: string) => readFileSync(path.join(upstream, file), 'utf8');
const keyless = read('cosign/verify-output/keyless-github-actions.otel-contrib-0.98.0.json');
const keyBased = read('cosign/verify-output/key-based.cosign-README.json');
const section = read('cosign/verify-output/keyless-github-actions.otel-README-section.md');
const dsse = read('cosign/dsse/alpine.syft-attest.cyclonedx.dsse.json');
const OTEL_DIGEST = 'sha256:5cea85bcbc734a3c0a641368e5a4ea9d31b472997e9f2feca57eeb4a147fcf1a';
const OTEL_IDENTITY =
  'https://github.com/open-telemetry/opentelemetry-collector-releases/.github/workflows/base-release.yaml@refs/tags/v0.98.0';
const otel = buildIdentityPolicy({
  repository: 'open-telemetry/opentelemetry-collector-releases',
  signer: 'workflow',
  workflow: '.github/workflows/base-release.yaml',
});

describe('cosign verify -o json', () => {
  it('reads both signatures of the real keyless output: digest, identity, issuer, repository claim, Rekor entry', () => {
    expect(parseVerifyOutput(keyless)).toEqual([
      {
        digest: OTEL_DIGEST,
        identity: OTEL_IDENTITY,
        issuer: 'https://token.actions.githubusercontent.com',
        repository: 'open-telemetry/opentelemetry-collector-releases',
        sourceRef: 'refs/tags/v0.98.0',
        trigger: 'push',
        type: 'cosign container image signature',
        rekor: { logIndex: 84797936, integratedTime: 1712809120 },
      },
      {
        digest: OTEL_DIGEST,
        identity: OTEL_IDENTITY,
        issuer: 'https://token.actions.githubusercontent.com',
        repository: 'open-telemetry/opentelemetry-collector-releases',
        sourceRef: 'refs/tags/v0.98.0',
        trigger: 'push',
        type: 'cosign container image signature',
        rekor: { logIndex: 84797940, integratedTime: 1712809122 },
      },
    ]);
  });

  it('reads the JSON line out of the README section that also holds the stderr preamble', () => {
    const line = section.split('\n').find((l) => l.startsWith('[{'));
    expect(parseVerifyOutput(line ?? '')?.[0]?.identity).toBe(OTEL_IDENTITY);
  });

  it('passes the real output against its own publisher, and fails every mismatch with its reason', () => {
    expect(judgeSignatures(keyless, OTEL_DIGEST, otel)).toMatchObject({
      status: 'passed',
      identity: OTEL_IDENTITY,
    });
    expect(judgeSignatures(keyless, `sha256:${'0'.repeat(64)}`, otel).reason).toBe(
      `subject digest mismatch: the signature is over ${OTEL_DIGEST}, not sha256:${'0'.repeat(64)}`,
    );
    // cosign exited 0 but the certificate is not ours: checked again here, never trusted blindly.
    const ours = buildIdentityPolicy({ repository: 'aotanami/aotanami', signer: 'reusable-workflow' });
    expect(judgeSignatures(keyless, OTEL_DIGEST, ours).reason).toBe(
      `identity mismatch: saw ${OTEL_IDENTITY}, wanted pattern ${ours.identityRegexp}`,
    );
    const evil = { ...otel, repository: 'open-telemetry/opentelemetry-collector-releases-evil' };
    expect(judgeSignatures(keyless, OTEL_DIGEST, evil).reason).toBe(
      'repository claim mismatch: saw open-telemetry/opentelemetry-collector-releases, wanted open-telemetry/opentelemetry-collector-releases-evil',
    );
    expect(judgeSignatures(keyless, OTEL_DIGEST, { ...otel, issuer: 'https://other.example' }).reason).toBe(
      'issuer mismatch: saw https://token.actions.githubusercontent.com, wanted https://other.example',
    );
  });

  it('fails a key-based signature (no certificate identity) and unparsable output', () => {
    const digest = 'sha256:7a91c50d922925f152fec96ed1d84b7bc6b2079c169d68826f6cf307f22d40e6';
    expect(parseVerifyOutput(keyBased)).toEqual([
      { digest, keyBased: true, type: 'cosign container image signature' },
    ]);
    expect(judgeSignatures(keyBased, digest, otel).reason).toBe(
      'the signature carries no certificate identity (key-based or legacy)',
    );
    expect(judgeSignatures('not json', digest, otel).reason).toBe(
      'cosign verify printed no signature list that could be parsed',
    );
    expect(judgeSignatures('[]', digest, otel).reason).toBe('no signature found');
  });

  // What cosign v3.1.3 prints for `verify --key … -o json` on a key-signed platform manifest
  // (test/real/cosign-key.test.ts): the signature, then every attestation the key signed.
  const v3Key = (digest: string, ...types: string[]) =>
    JSON.stringify(
      types.map((type) => ({
        critical: {
          identity: { 'docker-reference': `127.0.0.1:5000/offline/app@${digest}` },
          image: { 'docker-manifest-digest': digest },
          type,
        },
        optional: {},
      })),
    );

  it('key-based (no policy): passes the image signature, never an attestation listed beside it', () => {
    const digest = OTEL_DIGEST;
    const listed = v3Key(digest, 'https://sigstore.dev/cosign/sign/v1', 'https://spdx.dev/Document');
    expect(judgeSignatures(listed, digest, undefined)).toEqual({ status: 'passed' });
    const onlyAttestation = v3Key(digest, 'https://spdx.dev/Document');
    expect(judgeSignatures(onlyAttestation, digest, undefined)).toEqual({
      status: 'failed',
      reason: 'not an image signature: an attestation (https://spdx.dev/Document)',
    });
    // The same holds with an identity policy: an attestation is not the image's signature.
    expect(judgeSignatures(onlyAttestation, digest, otel).reason).toBe(
      'not an image signature: an attestation (https://spdx.dev/Document)',
    );
    expect(
      judgeSignatures(
        v3Key('sha256:' + 'b'.repeat(64), 'https://sigstore.dev/cosign/sign/v1'),
        digest,
        undefined,
      ).reason,
    ).toMatch(/^subject digest mismatch/);
  });
});

describe('cosign v3 output for new-format bundles', () => {
  // cosign v3 prints the critical part only ("optional": {}) for bundles in the new format; it has
  // applied the identity, issuer and repository flags itself. Derived from the upstream output.
  const v3 = JSON.stringify(
    (JSON.parse(keyless) as { critical: { type: string }; optional: unknown }[]).map((s) => ({
      ...s,
      critical: { ...s.critical, type: 'https://sigstore.dev/cosign/sign/v1' },
      optional: {},
    })),
  );

  it('passes on the digest, with the identity cosign printed on stderr when it did', () => {
    const quiet = judgeSignatures(v3, OTEL_DIGEST, otel);
    expect(quiet.status).toBe('passed');
    expect(quiet.identity).toBeUndefined();
    // Nothing printed: each value is shown as what cosign's flags enforced.
    expect(quiet.claims?.map((c) => [c.claim, c.ok, c.note])).toEqual([
      ['identity', true, 'enforced by cosign'],
      ['issuer', true, 'enforced by cosign'],
      ['repository', true, 'enforced by cosign'],
      ['source-ref', true, 'enforced by cosign through the SAN'],
    ]);
    const stderr = `Certificate subject:  ${OTEL_IDENTITY}\nCertificate issuer URL:  https://token.actions.githubusercontent.com\n`;
    expect(judgeSignatures(v3, OTEL_DIGEST, otel, stderr)).toMatchObject({
      status: 'passed',
      identity: OTEL_IDENTITY,
    });
  });

  it('still fails another digest, and a printed identity that is not the expected one', () => {
    expect(judgeSignatures(v3, `sha256:${'1'.repeat(64)}`, otel).reason).toMatch(/^subject digest mismatch/);
    const ours = buildIdentityPolicy({ repository: 'aotanami/aotanami', signer: 'reusable-workflow' });
    expect(judgeSignatures(v3, OTEL_DIGEST, ours, `Certificate subject:  ${OTEL_IDENTITY}\n`).reason).toMatch(
      /^identity mismatch: saw https:\/\/github\.com\/open-telemetry/,
    );
  });
});

describe("the publisher's ref through cosign", () => {
  const ours = buildIdentityPolicy({ repository: 'aotanami/aotanami', signer: 'reusable-workflow' });
  const sha = '0123456789abcdef0123456789abcdef01234567';
  /** The upstream output as our reusable workflow's signature for aotanami/aotanami at `ref`. */
  const signed = (ref: string, optional: Record<string, unknown> = {}) =>
    JSON.stringify(
      (JSON.parse(keyless) as { optional: Record<string, unknown> }[]).map((s) => ({
        ...s,
        optional: {
          ...s.optional,
          Subject: `https://github.com/aotanami/release-actions/.github/workflows/release.yml@${sha}`,
          githubWorkflowRepository: 'aotanami/aotanami',
          githubWorkflowRef: ref,
          ...optional,
        },
      })),
    );

  it('passes a tag of the publisher with our workflow pinned by commit, showing every value', () => {
    const outcome = judgeSignatures(signed('refs/tags/v1.2.3'), OTEL_DIGEST, ours);
    expect(outcome.status).toBe('passed');
    expect(outcome).toMatchObject({ sourceRef: 'refs/tags/v1.2.3', repository: 'aotanami/aotanami' });
    expect(outcome.claims?.map((c) => [c.claim, c.seen, c.ok])).toEqual([
      ['identity', `https://github.com/aotanami/release-actions/.github/workflows/release.yml@${sha}`, true],
      ['issuer', 'https://token.actions.githubusercontent.com', true],
      ['repository', 'aotanami/aotanami', true],
      ['source-ref', 'refs/tags/v1.2.3', true],
    ]);
  });

  it("fails the publisher's branch, naming the ref", () => {
    expect(judgeSignatures(signed('refs/heads/main'), OTEL_DIGEST, ours).reason).toBe(
      'source ref refs/heads/main does not match refs/tags/v*',
    );
  });

  it('fails closed when cosign shows no ref and none was enforced; passes the ref cosign was made to enforce', () => {
    const v3 = signed('refs/tags/v1.2.3').replace(
      /"optional":\{[^]*?"githubWorkflowTrigger":"push"\}/g,
      '"optional":{}',
    );
    expect(judgeSignatures(v3, OTEL_DIGEST, ours).reason).toBe(
      "source ref not shown: the certificate's source ref could not be read (wanted refs/tags/v*)",
    );
    const pinned = judgeSignatures(v3, OTEL_DIGEST, ours, '', { pinnedRef: 'refs/tags/v1.2.3' });
    expect(pinned.status).toBe('passed');
    expect(pinned.claims?.find((c) => c.claim === 'source-ref')).toEqual({
      claim: 'source-ref',
      wanted: 'refs/tags/v*',
      seen: 'refs/tags/v1.2.3',
      ok: true,
      note: 'enforced by cosign',
    });
  });

  it('checks a pinned trigger and workflow commit; cosign cannot show the commit, so it fails closed', () => {
    const push = buildIdentityPolicy({
      repository: 'aotanami/aotanami',
      signer: 'reusable-workflow',
      trigger: 'push',
    });
    expect(judgeSignatures(signed('refs/tags/v1.2.3'), OTEL_DIGEST, push).status).toBe('passed');
    expect(
      judgeSignatures(
        signed('refs/tags/v1.2.3', { githubWorkflowTrigger: 'workflow_dispatch' }),
        OTEL_DIGEST,
        push,
      ).reason,
    ).toBe('trigger workflow_dispatch is not push');
    const commit = buildIdentityPolicy({
      repository: 'aotanami/aotanami',
      signer: 'reusable-workflow',
      workflowCommit: sha,
    });
    expect(judgeSignatures(signed('refs/tags/v1.2.3'), OTEL_DIGEST, commit).reason).toMatch(
      /^workflow commit not shown \(wanted 0123456789abcdef0123456789abcdef01234567\); cosign neither shows nor checks/,
    );
    expect(
      judgeSignatures(signed('refs/tags/v1.2.3'), OTEL_DIGEST, commit, '', {
        workflowCommit: { value: sha, note: 'read from the certificate next to the image' },
      }).status,
    ).toBe('passed');
  });

  it("reads the ref and trigger of verify-attestation's certificate lines", () => {
    expect(
      certificateLines(
        'Certificate subject:  https://x\nGitHub Workflow Trigger: push\nGitHub Workflow Repository: a/b\nGitHub Workflow Ref: refs/heads/main\n',
      ),
    ).toEqual({ identity: 'https://x', trigger: 'push', repository: 'a/b', sourceRef: 'refs/heads/main' });
  });

  it("turns cosign's ref and trigger refusals into reasons", () => {
    expect(
      judgeCosignFailure(
        'Error: no matching signatures: expected GitHub Workflow Ref not found in certificate',
        'signature',
        ours,
        {
          pinnedRef: 'refs/tags/v1.2.3',
        },
      ),
    ).toEqual({
      status: 'failed',
      reason: 'source ref mismatch: the certificate does not name refs/tags/v1.2.3',
    });
    expect(
      judgeCosignFailure(
        'Error: no matching signatures: expected GitHub Workflow Trigger not found in certificate',
        'signature',
        { ...ours, trigger: 'push' },
      ).reason,
    ).toBe('trigger mismatch: the certificate does not name push');
  });
});

describe('cosign failures', () => {
  it.each([
    [
      'Error: no matching signatures: none of the expected identities matched what was in the certificate, got subjects [https://github.com/x/y/.github/workflows/a.yml@refs/heads/main] with issuer https://token.actions.githubusercontent.com',
      'signature',
      'failed',
      `identity mismatch: saw https://github.com/x/y/.github/workflows/a.yml@refs/heads/main, wanted pattern ${otel.identityRegexp}`,
    ],
    [
      'Error: no matching attestations: none of the expected identities matched what was in the certificate, got subjects [x] with issuer https://accounts.google.com',
      'sbom-spdx',
      'failed',
      'issuer mismatch: saw https://accounts.google.com, wanted https://token.actions.githubusercontent.com',
    ],
    [
      // The form policy-controller prints (slsa-github-generator container README).
      'no matching attestations:\nnone of the expected identities matched what was in the certificate',
      'sbom-cyclonedx',
      'failed',
      `identity mismatch: saw an identity cosign did not print, wanted pattern ${otel.identityRegexp}`,
    ],
    [
      'Error: no matching signatures: expected GitHub Workflow Repository not found in certificate',
      'signature',
      'failed',
      'repository claim mismatch: wanted open-telemetry/opentelemetry-collector-releases',
    ],
    ['Error: no signatures found', 'signature', 'failed', 'no signature found'],
    [
      'Error: none of the attestations matched the predicate type: spdxjson, found: https://cyclonedx.org/bom',
      'sbom-spdx',
      'failed',
      'no SPDX SBOM attestation found',
    ],
    [
      'Error: verifying bundle: invalid signature when validating ASN.1 encoded signature',
      'signature',
      'failed',
      'cosign rejected the signature: verifying bundle: invalid signature when validating ASN.1 encoded signature',
    ],
    [
      'Error: GET https://ghcr.io/token: UNAUTHORIZED: authentication required\nmain.go:74: error during command execution: GET https://ghcr.io/token: UNAUTHORIZED: authentication required',
      'signature',
      'error',
      'cosign could not check the signature: GET https://ghcr.io/token: UNAUTHORIZED: authentication required',
    ],
    [
      // cosign v3 repeats the error without main.go:<line>.
      'Error: GET https://ghcr.io/v2/: dial tcp: lookup ghcr.io: no such host\nerror during command execution: GET https://ghcr.io/v2/: dial tcp: lookup ghcr.io: no such host',
      'signature',
      'error',
      'cosign could not check the signature: GET https://ghcr.io/v2/: dial tcp: lookup ghcr.io: no such host',
    ],
    [
      'Error: no matching attestations: failed to verify log inclusion: not enough verified log entries from transparency log: 0 < 1\nfailed to verify log inclusion: not enough verified log entries from transparency log: 0 < 1\nerror during command execution: no matching attestations: failed to verify log inclusion: not enough verified log entries from transparency log: 0 < 1',
      'signature',
      'failed',
      'the signature has no verified transparency-log entry (signed offline, or in a log the trusted root does not name); a signature no log holds is accepted only with the key and transparency-log skip',
    ],
  ] as const)('%s', (stderr, check, status, reason) => {
    expect(judgeCosignFailure(stderr, check, otel)).toMatchObject({ status, reason });
  });

  // cosign v3.1.3's words with --key (test/real/cosign-key.test.ts).
  it.each([
    [
      'Error: no matching attestations: failed to verify signature: could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1\nfailed to verify signature: could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1\nerror during command execution: no matching attestations: failed to verify signature: could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1',
      'sbom-spdx',
      'failed',
      'the SPDX SBOM attestation does not verify with the key given (signed with another key, or altered)',
    ],
    [
      'Error: none of the attestations matched the predicate type: spdxjson, found: https://sigstore.dev/cosign/sign/v1\nerror during command execution: none of the attestations matched the predicate type: spdxjson, found: https://sigstore.dev/cosign/sign/v1',
      'sbom-spdx',
      'failed',
      'no SPDX SBOM attestation found',
    ],
    [
      'Error: setting trusted material: getting trusted root from TUF for new bundle verification: error getting live trusted root: failed to create TUF client failed to load metadata: tuf refresh failed: Get "https://tuf-repo-cdn.sigstore.dev/15.root.json": dial tcp: lookup tuf-repo-cdn.sigstore.dev: no such host',
      'signature',
      'error',
      'cosign could not check the signature: setting trusted material: getting trusted root from TUF for new bundle verification: error getting live trusted root: failed to create TUF client failed to load metadata: tuf refresh failed: Get "https://tuf-repo-cdn.sigstore.dev/15.root.json": dial tcp: lookup tuf-repo-cdn.sigstore.dev: no such host',
    ],
  ] as const)('key-based: %s', (stderr, check, status, reason) => {
    expect(judgeCosignFailure(stderr, check, undefined)).toMatchObject({ status, reason });
  });
});

describe('cosign v3 identity mismatches (new-format bundles)', () => {
  // What cosign v3.1.3 prints (test/real/keyless.test.ts): sigstore-go's error once per bundle on
  // the digest (here the signature and two SBOMs), after "no matching attestations: ", twice.
  const v3 = (line: string) => {
    const joined = [line, line, line].join('\n');
    return `Error: no matching attestations: ${joined}\nerror during command execution: no matching attestations: ${joined}\n`;
  };
  const policy = buildIdentityPolicy({
    signer: 'reusable-workflow',
    repository: 'mallory/aotanami',
    issuer: 'https://token.actions.githubusercontent.com',
  });

  it.each([
    [
      'failed to verify certificate identity: no matching CertificateIdentity found, last error: expected GithubWorkflowRepository to be "mallory/aotanami", got "aotanami/aotanami"',
      {
        reason: 'repository claim mismatch: saw aotanami/aotanami, wanted mallory/aotanami',
        repository: 'aotanami/aotanami',
        claims: [{ claim: 'repository', wanted: 'mallory/aotanami', seen: 'aotanami/aotanami', ok: false }],
      },
    ],
    [
      'failed to verify certificate identity: no matching CertificateIdentity found, last error: expected GithubWorkflowRef to be "refs/tags/v9.9.9", got "refs/tags/v2.3.0"',
      {
        reason: 'source ref refs/tags/v2.3.0 does not match refs/tags/v9.9.9',
        sourceRef: 'refs/tags/v2.3.0',
        claims: [{ claim: 'source-ref', wanted: 'refs/tags/v9.9.9', seen: 'refs/tags/v2.3.0', ok: false }],
      },
    ],
    [
      'failed to verify certificate identity: no matching CertificateIdentity found, last error: expected GithubWorkflowTrigger to be "workflow_dispatch", got "push"',
      {
        reason: 'trigger push is not workflow_dispatch',
        trigger: 'push',
        claims: [{ claim: 'trigger', wanted: 'workflow_dispatch', seen: 'push', ok: false }],
      },
    ],
    [
      'failed to verify certificate identity: no matching CertificateIdentity found, last error: expected issuer value "https://token.actions.githubusercontent.com", got "http://127.0.0.1:33151"',
      {
        reason:
          'issuer mismatch: saw http://127.0.0.1:33151, wanted https://token.actions.githubusercontent.com',
        issuer: 'http://127.0.0.1:33151',
        claims: [
          {
            claim: 'issuer',
            wanted: 'https://token.actions.githubusercontent.com',
            seen: 'http://127.0.0.1:33151',
            ok: false,
          },
        ],
      },
    ],
    [
      'failed to verify certificate identity: no matching CertificateIdentity found, last error: expected SAN value to match regex "^https://github\\.com/someone-else/", got "https://github.com/aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.4.0"',
      {
        reason:
          'identity mismatch: saw https://github.com/aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.4.0, wanted pattern ^https://github\\.com/someone-else/',
        identity:
          'https://github.com/aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.4.0',
        claims: [
          {
            claim: 'identity',
            wanted: '^https://github\\.com/someone-else/',
            seen: 'https://github.com/aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.4.0',
            ok: false,
          },
        ],
      },
    ],
  ])('names the claim, what was wanted and what the certificate holds: %s', (line, expected) => {
    for (const check of ['signature', 'sbom-spdx'] as const) {
      expect(judgeCosignFailure(v3(line), check, policy)).toEqual({ status: 'failed', ...expected });
    }
  });
});

describe('cosign v3 verify -o json beside attestations', () => {
  // What cosign v3.1.3 printed for a platform signed and attested keylessly (test/real/keyless.test.ts).
  const real =
    '[{"critical":{"identity":{"docker-reference":"127.0.0.1:35317/aotanami/aotanami@sha256:2de5ee630b44110e2ed8986bde627f8ae7f7335c58b6c4f0c88a64c2f777151c"},"image":{"docker-manifest-digest":"sha256:2de5ee630b44110e2ed8986bde627f8ae7f7335c58b6c4f0c88a64c2f777151c"},"type":"https://sigstore.dev/cosign/sign/v1"},"optional":{}},{"critical":{"identity":{"docker-reference":"127.0.0.1:35317/aotanami/aotanami@sha256:2de5ee630b44110e2ed8986bde627f8ae7f7335c58b6c4f0c88a64c2f777151c"},"image":{"docker-manifest-digest":"sha256:2de5ee630b44110e2ed8986bde627f8ae7f7335c58b6c4f0c88a64c2f777151c"},"type":"https://spdx.dev/Document"},"optional":{}},{"critical":{"identity":{"docker-reference":"127.0.0.1:35317/aotanami/aotanami@sha256:2de5ee630b44110e2ed8986bde627f8ae7f7335c58b6c4f0c88a64c2f777151c"},"image":{"docker-manifest-digest":"sha256:2de5ee630b44110e2ed8986bde627f8ae7f7335c58b6c4f0c88a64c2f777151c"},"type":"https://cyclonedx.org/bom"},"optional":{}}]';
  const digest = 'sha256:2de5ee630b44110e2ed8986bde627f8ae7f7335c58b6c4f0c88a64c2f777151c';
  const policy = buildIdentityPolicy({ signer: 'reusable-workflow', repository: 'aotanami/aotanami' });

  it('counts only the signature entry, not the attestations listed with it', () => {
    expect(parseVerifyOutput(real)?.map((s) => s.type)).toEqual([
      'https://sigstore.dev/cosign/sign/v1',
      'https://spdx.dev/Document',
      'https://cyclonedx.org/bom',
    ]);
    expect(judgeSignatures(real, digest, policy, '', { pinnedRef: 'refs/tags/v2.3.0' })).toMatchObject({
      status: 'passed',
    });
    // Without the signature entry the attestations do not stand in for it.
    const attestationsOnly = JSON.stringify((JSON.parse(real) as unknown[]).slice(1));
    expect(judgeSignatures(attestationsOnly, digest, policy, '', { pinnedRef: 'refs/tags/v2.3.0' })).toEqual({
      status: 'failed',
      reason: 'not an image signature: an attestation (https://spdx.dev/Document)',
    });
  });
});

describe('cosign verify-attestation', () => {
  const statement = JSON.parse(Buffer.from(JSON.parse(dsse).payload, 'base64').toString('utf8'));
  const digest = `sha256:${statement.subject[0].digest.sha256}`;
  const stderr =
    'Verification for x --\nCertificate subject:  ' +
    OTEL_IDENTITY +
    '\nCertificate issuer URL:  https://token.actions.githubusercontent.com\n';

  it('reads the certificate lines cosign prints', () => {
    expect(certificateLines(stderr)).toEqual({
      identity: OTEL_IDENTITY,
      issuer: 'https://token.actions.githubusercontent.com',
    });
  });

  it('passes the real CycloneDX DSSE line for its digest, and fails it for another digest or as SPDX', () => {
    expect(judgeAttestations(dsse, stderr, digest, 'sbom-cyclonedx', otel)).toMatchObject({
      status: 'passed',
      identity: OTEL_IDENTITY,
    });
    expect(judgeAttestations(dsse, stderr, OTEL_DIGEST, 'sbom-cyclonedx', otel).reason).toBe(
      `subject digest mismatch: the statement is over ${digest}, not ${OTEL_DIGEST}`,
    );
    expect(judgeAttestations(dsse, stderr, digest, 'sbom-spdx', otel).reason).toBe(
      'predicate type https://cyclonedx.org/bom, not https://spdx.dev/Document',
    );
    expect(judgeAttestations('', stderr, digest, 'sbom-spdx', otel).reason).toBe(
      'no SPDX SBOM attestation found',
    );
  });

  it('passes when any of several lines holds, and says why the first one did not', () => {
    const other = JSON.stringify({ payloadType: 'text/plain', payload: '' });
    expect(judgeAttestations(`${other}\n${dsse}`, '', digest, 'sbom-cyclonedx', otel).status).toBe('passed');
    expect(judgeAttestations(other, '', digest, 'sbom-cyclonedx', otel).reason).toBe(
      'attestation not readable: payload type text/plain is not application/vnd.in-toto+json',
    );
  });

  it('fails when the certificate cosign printed is not the expected identity', () => {
    const ours = buildIdentityPolicy({ repository: 'aotanami/aotanami', signer: 'reusable-workflow' });
    expect(judgeAttestations(dsse, stderr, digest, 'sbom-cyclonedx', ours).reason).toBe(
      `identity mismatch: saw ${OTEL_IDENTITY}, wanted pattern ${ours.identityRegexp}`,
    );
  });
});

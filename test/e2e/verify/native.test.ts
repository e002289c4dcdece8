import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RegistryClient } from '@release-actions/oci';
import { silentLogger } from '@release-actions/core';
import {
  verifyRelease,
  type CheckName,
  type IdentityOptions,
  type VerifyReport,
} from '@release-actions/verify';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { runWithFakes } from '../sign/helpers.js';
import { type Registry } from '../../harness/registry.js';
import { startSigstore, type Sigstore } from '../../harness/sigstore.js';
import {
  CYCLONEDX,
  OUR_COMMIT,
  OURS,
  reusableClaims,
  signAndAttach,
  subjects,
  workflowClaims,
  type SignOptions,
  startVerifyStage,
  type VerifyStage,
} from './helpers.js';

/**
 * The native engine against real cryptography, offline: statements over digests of images in
 * the loopback registry, signed through @sigstore/mock's Fulcio, Rekor and TSA, attached in the
 * cosign v3 layout, found through the referrers tag and verified with @sigstore/verify against
 * the mock's trusted root. Every case that must fail fails with its reason in the report.
 */
const REPOSITORY = 'aotanami/aotanami';
const BUNDLE_CHECKS: CheckName[] = ['signature', 'sbom-spdx', 'sbom-cyclonedx'];

let registry: Registry;
let sigstore: Sigstore;
let layout: Layout;
let index: BuiltIndex;
let dir: string;
let trustedRoot: string;
const client = new RegistryClient({
  retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1, deadlineMs: 1000 },
});

let stage: VerifyStage | undefined;

beforeAll(async () => {
  stage = await startVerifyStage('verify-native-');
  ({ registry, sigstore, layout, dir, trustedRoot } = stage);
  index = layout.index('v2.0.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  layout.image('single', { os: 'linux', architecture: 'amd64' }, 'single image\n');
}, 120_000);

afterAll(async () => {
  await stage?.stop();
});

/** Pushes the single image to its own repository, signs it as told, and verifies it natively. */
async function publishAndVerify(
  repo: string,
  sign: SignOptions | undefined,
  identity: Partial<IdentityOptions> = {},
  checks: CheckName[] = BUNDLE_CHECKS,
): Promise<VerifyReport> {
  await layout.push('single', registry.host, repo, { destTag: 'v2.0.0' });
  const resolved = await client.resolve(`${registry.host}/${repo}:v2.0.0`);
  if (sign) await signAndAttach(sigstore, client, subjects(resolved)[0]!, sign);
  return verifyRelease({
    image: `${registry.host}/${repo}:v2.0.0`,
    identity: { repository: REPOSITORY, signer: 'reusable-workflow', ...identity },
    checks,
    engine: 'native',
    trustedRoot,
    client,
    logger: silentLogger,
  });
}

function reasons(report: VerifyReport): Record<string, string | undefined> {
  return Object.fromEntries(report.results.map((r) => [r.check, r.reason]));
}

describe('native engine, real Sigstore cryptography on loopback', () => {
  it('passes our reusable workflow with the right repository claim, on the index and each platform', async () => {
    await layout.push('v2.0.0', registry.host, 'good/reusable');
    const resolved = await client.resolve(`${registry.host}/good/reusable:v2.0.0`);
    expect(resolved.digest).toBe(index.index.digest);
    for (const subject of subjects(resolved)) {
      await signAndAttach(sigstore, client, subject, { claims: reusableClaims(REPOSITORY) });
    }
    const report = await verifyRelease({
      image: `${registry.host}/good/reusable:v2.0.0`,
      identity: { repository: REPOSITORY, signer: 'reusable-workflow' },
      checks: BUNDLE_CHECKS,
      engine: 'native',
      trustedRoot,
      client,
      logger: silentLogger,
    });
    expect(report.verdict).toBe('passed');
    expect(report.digest).toBe(index.index.digest);
    expect(report.reference).toBe(`${registry.host}/good/reusable@${index.index.digest}`);
    // The signature on the index and each platform, the SBOMs on each platform only.
    expect(report.results).toHaveLength(7);
    expect(report.results.filter((r) => r.subject.endsWith(index.index.digest)).map((r) => r.check)).toEqual([
      'signature',
    ]);
    expect(new Set(report.results.map((r) => r.subject.split('@')[1]))).toEqual(
      new Set([index.index.digest, ...index.manifests.map((m) => m.digest)]),
    );
    expect(report.results.filter((r) => r.platform).map((r) => r.platform)).toEqual(
      expect.arrayContaining(['linux/amd64', 'linux/arm64']),
    );
    for (const result of report.results) {
      expect(result).toMatchObject({
        status: 'passed',
        identity:
          'https://github.com/aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.4.0',
        issuer: 'https://token.actions.githubusercontent.com',
        repository: REPOSITORY,
      });
      expect(result.rekor?.logIndex).toEqual(expect.any(Number));
      expect(result.rekor?.integratedTime).toBeGreaterThan(1_700_000_000);
      expect(result.reason).toBeUndefined();
    }
    expect(report.commands[0]).toContain(`--certificate-github-workflow-repository ${REPOSITORY}`);
    expect(report.commands[0]).toContain(`--trusted-root ${trustedRoot}`);
  }, 120_000);

  it('runs as the shipped action bundle: engine native, trusted-root from the workspace, no cosign call', async () => {
    const workspace = mkdtempSync(path.join(dir, 'workspace-'));
    writeFileSync(path.join(workspace, 'trusted_root.json'), JSON.stringify(sigstore.trustedRoot));
    const run = await runWithFakes('verify', {
      workspace,
      inputs: {
        image: `${registry.host}/good/reusable:v2.0.0`,
        repository: REPOSITORY,
        checks: 'signature,sbom-spdx,sbom-cyclonedx',
        engine: 'native',
        'trusted-root': 'trusted_root.json',
      },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.calls.filter((c) => c.tool === 'cosign')).toEqual([]);
    const report = JSON.parse(run.outputs['report'] ?? '{}') as VerifyReport;
    expect(report).toMatchObject({ engine: 'native', verdict: 'passed', digest: index.index.digest });
    expect(report.results).toHaveLength(7);
    expect(run.summary).toContain('| signature | ');
    expect(run.summary).toContain(`--trusted-root ${path.join(workspace, 'trusted_root.json')}`);
  }, 60_000);

  it("passes the publisher's own workflow with signer: workflow", async () => {
    const report = await publishAndVerify(
      'good/workflow',
      { claims: workflowClaims(REPOSITORY) },
      { signer: 'workflow', workflow: '.github/workflows/release.yml' },
    );
    expect(report.verdict).toBe('passed');
    expect(report.results.map((r) => r.identity)).toEqual(
      Array(3).fill('https://github.com/aotanami/aotanami/.github/workflows/release.yml@refs/tags/v2.0.0'),
    );
  }, 60_000);

  it('fails a lookalike repository claim (aotanami/aotanami-evil) under our reusable workflow', async () => {
    const report = await publishAndVerify('bad/lookalike-claim', {
      claims: reusableClaims('aotanami/aotanami-evil'),
    });
    expect(report.verdict).toBe('failed');
    for (const reason of Object.values(reasons(report))) {
      expect(reason).toBe('repository claim mismatch: saw aotanami/aotanami-evil, wanted aotanami/aotanami');
    }
  }, 60_000);

  it("fails a lookalike repository's own workflow with signer: workflow", async () => {
    const report = await publishAndVerify(
      'bad/lookalike-workflow',
      { claims: workflowClaims('aotanami/aotanami-evil') },
      { signer: 'workflow', workflow: '.github/workflows/release.yml' },
    );
    expect(report.verdict).toBe('failed');
    expect(reasons(report)['signature']).toBe(
      'identity mismatch: saw https://github.com/aotanami/aotanami-evil/.github/workflows/release.yml@refs/tags/v2.0.0, wanted pattern ^https://github\\.com/aotanami/aotanami/\\.github/workflows/release\\.yml@refs/tags/v[^@\\s]*$',
    );
  }, 60_000);

  it('fails the wrong workflow file', async () => {
    const report = await publishAndVerify(
      'bad/workflow-file',
      { claims: workflowClaims(REPOSITORY, '.github/workflows/nightly.yml') },
      { signer: 'workflow', workflow: '.github/workflows/release.yml' },
    );
    expect(report.verdict).toBe('failed');
    expect(reasons(report)['sbom-spdx']).toMatch(
      /^identity mismatch: saw https:\/\/github\.com\/aotanami\/aotanami\/\.github\/workflows\/nightly\.yml@refs\/tags\/v2\.0\.0, wanted pattern /,
    );
  }, 60_000);

  it("fails the publisher's branch run through our workflow at a tag, naming the ref", async () => {
    const report = await publishAndVerify('bad/branch', {
      claims: reusableClaims(REPOSITORY, 'refs/tags/v1.4.0', 'refs/heads/main'),
    });
    expect(report.verdict).toBe('failed');
    for (const reason of Object.values(reasons(report))) {
      expect(reason).toBe('source ref refs/heads/main does not match refs/tags/v*');
    }
    const signature = report.results.find((r) => r.check === 'signature');
    expect(signature?.sourceRef).toBe('refs/heads/main');
    expect(signature?.claims?.map((c) => [c.claim, c.seen, c.ok])).toEqual([
      ['identity', `${OURS}@refs/tags/v1.4.0`, true],
      ['issuer', 'https://token.actions.githubusercontent.com', true],
      ['repository', REPOSITORY, true],
      ['source-ref', 'refs/heads/main', false],
    ]);
  }, 60_000);

  it('passes a tag of the publisher with our workflow pinned by commit, with the default options', async () => {
    const report = await publishAndVerify('good/pinned', {
      claims: reusableClaims(REPOSITORY, OUR_COMMIT, 'refs/tags/v1.2.3'),
    });
    expect(report.verdict).toBe('passed');
    const signature = report.results.find((r) => r.check === 'signature');
    expect(signature).toMatchObject({
      identity: `${OURS}@${OUR_COMMIT}`,
      repository: REPOSITORY,
      sourceRef: 'refs/tags/v1.2.3',
      trigger: 'push',
      workflowCommit: OUR_COMMIT,
    });
  }, 60_000);

  it('pins the trigger and our workflow commit (1.3.6.1.4.1.57264.1.10) when asked', async () => {
    const pinned = await publishAndVerify(
      'good/commit',
      { claims: reusableClaims(REPOSITORY, 'refs/tags/v1.4.0', 'refs/tags/v1.2.3') },
      { workflowCommit: OUR_COMMIT, trigger: 'push', sourceRef: 'refs/tags/v1.2.3' },
    );
    expect(pinned.verdict).toBe('passed');
    expect(pinned.results[0]?.claims?.map((c) => c.claim)).toEqual([
      'identity',
      'issuer',
      'repository',
      'source-ref',
      'trigger',
      'workflow-commit',
    ]);
    const other = 'f'.repeat(40);
    const wrong = await publishAndVerify(
      'bad/commit',
      { claims: reusableClaims(REPOSITORY, 'refs/tags/v1.4.0', 'refs/tags/v1.2.3', 'workflow_dispatch') },
      { workflowCommit: other },
    );
    expect(reasons(wrong)['signature']).toBe(`workflow commit ${OUR_COMMIT} is not ${other}`);
    const dispatch = await publishAndVerify(
      'bad/trigger',
      { claims: reusableClaims(REPOSITORY, 'refs/tags/v1.4.0', 'refs/tags/v1.2.3', 'workflow_dispatch') },
      { trigger: 'push' },
    );
    expect(reasons(dispatch)['signature']).toBe('trigger workflow_dispatch is not push');
  }, 60_000);

  it.each([
    [
      'another repository of the same name',
      `https://github.com/aotanami/release-actions-evil/.github/workflows/release.yml@${'0'.repeat(40)}`,
    ],
    ['a lookalike workflow file', `${OURS}.evil@refs/tags/v1.4.0`],
    [
      'another workflow file of ours',
      'https://github.com/aotanami/release-actions/.github/workflows/ci.yml@refs/tags/v1.4.0',
    ],
  ])(
    'fails a lookalike SAN: %s',
    async (_name, identity) => {
      const report = await publishAndVerify(`bad/san-${identity.length}`, {
        claims: { ...reusableClaims(REPOSITORY), identity },
      });
      expect(report.verdict).toBe('failed');
      expect(reasons(report)['signature']).toMatch(/^identity mismatch: saw /);
    },
    60_000,
  );

  it('fails a source repository claim of another owner', async () => {
    const report = await publishAndVerify('bad/owner', { claims: reusableClaims('evil/aotanami') });
    expect(reasons(report)['signature']).toBe(
      'repository claim mismatch: saw evil/aotanami, wanted aotanami/aotanami',
    );
  }, 60_000);

  it('fails the wrong issuer', async () => {
    const report = await publishAndVerify('bad/issuer', {
      claims: { ...reusableClaims(REPOSITORY), iss: 'https://token.actions.example.com' },
    });
    expect(report.verdict).toBe('failed');
    expect(reasons(report)['sbom-cyclonedx']).toBe(
      'issuer mismatch: saw https://token.actions.example.com, wanted https://token.actions.githubusercontent.com',
    );
  }, 60_000);

  it('fails a statement over a different digest', async () => {
    const other = `sha256:${'f'.repeat(64)}`;
    const report = await publishAndVerify('bad/digest', { claims: reusableClaims(REPOSITORY), over: other });
    expect(report.verdict).toBe('failed');
    expect(reasons(report)['signature']).toBe(
      `subject digest mismatch: the statement is over ${other}, not ${report.digest}`,
    );
  }, 60_000);

  it('fails a tampered bundle', async () => {
    const report = await publishAndVerify('bad/tampered', {
      claims: reusableClaims(REPOSITORY),
      mutate: (bundle) => {
        // The same statement re-encoded with one more field: the DSSE signature no longer holds.
        const envelope = bundle['dsseEnvelope'] as { payload: string };
        const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
        envelope.payload = Buffer.from(JSON.stringify({ ...statement, extra: true })).toString('base64');
      },
    });
    expect(report.verdict).toBe('failed');
    for (const reason of Object.values(reasons(report))) {
      expect(reason).toMatch(/^bundle does not verify \(tampered or not from the trusted root\): /);
    }
  }, 60_000);

  it('fails an image with no attestation at all', async () => {
    const report = await publishAndVerify('bad/none', undefined);
    expect(report.verdict).toBe('failed');
    expect(reasons(report)).toEqual({
      signature: 'no signature found',
      'sbom-spdx': 'no SPDX SBOM attestation found',
      'sbom-cyclonedx': 'no CycloneDX SBOM attestation found',
    });
  }, 60_000);

  it('fails an SBOM predicate that is not SPDX under spdxjson', async () => {
    const report = await publishAndVerify(
      'bad/not-spdx',
      { claims: reusableClaims(REPOSITORY), predicate: { 'sbom-spdx': CYCLONEDX } },
      {},
      ['sbom-spdx'],
    );
    expect(report.verdict).toBe('failed');
    expect(reasons(report)['sbom-spdx']).toBe('predicate not SPDX: it is a CycloneDX BOM');
  }, 60_000);

  it('fails a bundle signed under another trusted root', async () => {
    const stranger = await startSigstore();
    try {
      await layout.push('single', registry.host, 'bad/root', { destTag: 'v2.0.0' });
      const resolved = await client.resolve(`${registry.host}/bad/root:v2.0.0`);
      await signAndAttach(stranger, client, subjects(resolved)[0]!, {
        claims: reusableClaims(REPOSITORY),
        kinds: ['signature'],
      });
    } finally {
      await stranger.stop();
    }
    const report = await verifyRelease({
      image: `${registry.host}/bad/root:v2.0.0`,
      identity: { repository: REPOSITORY, signer: 'reusable-workflow' },
      checks: ['signature'],
      engine: 'native',
      trustedRoot,
      client,
      logger: silentLogger,
    });
    expect(report.results[0]?.reason).toMatch(/^bundle does not verify/);
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RegistryClient } from '@release-actions/oci';
import { silentLogger } from '@release-actions/core';
import { verifyRelease, type VerifyReport } from '@release-actions/verify';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { type Registry } from '../../harness/registry.js';
import { type Sigstore } from '../../harness/sigstore.js';
import { runWithFakes } from '../sign/helpers.js';
import {
  CYCLONEDX,
  reusableClaims,
  signAndAttach,
  subjects,
  startVerifyStage,
  type VerifyStage,
} from './helpers.js';

/**
 * The vex check with the native engine: OpenVEX statements signed through the Sigstore stand-in
 * (@sigstore/mock on loopback), attached to the index and each platform in the loopback registry
 * as cosign v3 attaches them, verified with @sigstore/verify; the report says what each declares.
 */
const REPOSITORY = 'aotanami/aotanami';
const OPENVEX = {
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://openvex.dev/docs/public/vex-1',
  author: REPOSITORY,
  timestamp: '2026-06-01T00:00:00Z',
  version: 1,
  statements: [
    { vulnerability: { name: 'CVE-2023-0464' }, products: [], status: 'not_affected', impact_statement: 'x' },
    { vulnerability: { name: 'CVE-2024-0001' }, products: [], status: 'not_affected', impact_statement: 'y' },
  ],
};

let registry: Registry;
let sigstore: Sigstore;
let layout: Layout;
let index: BuiltIndex;
let trustedRoot: string;
const client = new RegistryClient({
  retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1, deadlineMs: 1000 },
});

let stage: VerifyStage | undefined;

beforeAll(async () => {
  stage = await startVerifyStage('verify-vex-');
  ({ registry, sigstore, layout, trustedRoot } = stage);
  index = layout.index('v2.0.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
}, 120_000);

afterAll(async () => {
  await stage?.stop();
});

/** Pushes the index to `repo`, attests each digest as `vexFor` says, and verifies signature and vex. */
async function publishAndVerify(repo: string, vexFor: (i: number) => unknown): Promise<VerifyReport> {
  await layout.push('v2.0.0', registry.host, repo);
  const resolved = await client.resolve(`${registry.host}/${repo}:v2.0.0`);
  for (const [i, subject] of subjects(resolved).entries()) {
    const predicate = vexFor(i);
    await signAndAttach(sigstore, client, subject, {
      claims: reusableClaims(REPOSITORY),
      kinds: predicate === undefined ? ['signature'] : ['signature', 'vex'],
      predicate: { vex: predicate },
    });
  }
  return verifyRelease({
    image: `${registry.host}/${repo}:v2.0.0`,
    identity: { repository: REPOSITORY, signer: 'reusable-workflow' },
    checks: ['signature', 'vex'],
    engine: 'native',
    trustedRoot,
    client,
    logger: silentLogger,
  });
}

describe('verify: vex (native engine)', () => {
  it('passes an OpenVEX attestation by the same identity on the index and each platform, with what it declares', async () => {
    const report = await publishAndVerify('vex/good', () => OPENVEX);
    expect(report.verdict).toBe('passed');
    const vex = report.results.filter((r) => r.check === 'vex');
    expect(vex.map((r) => r.subject.split('@')[1])).toEqual([
      index.index.digest,
      ...index.manifests.map((m) => m.digest),
    ]);
    for (const result of vex) {
      expect(result).toMatchObject({
        status: 'passed',
        repository: REPOSITORY,
        vex: { statements: 2, notAffected: ['CVE-2023-0464', 'CVE-2024-0001'] },
      });
    }
    expect(
      report.commands.filter((c) => c.startsWith('cosign verify-attestation --type openvex ')),
    ).toHaveLength(3);
  }, 120_000);

  it('fails the platform that carries no OpenVEX attestation, and one whose predicate is not OpenVEX', async () => {
    const report = await publishAndVerify('vex/partial', (i) =>
      i === 1 ? undefined : i === 2 ? CYCLONEDX : OPENVEX,
    );
    expect(report.verdict).toBe('failed');
    expect(report.results.filter((r) => r.check === 'vex').map((r) => [r.status, r.reason])).toEqual([
      ['passed', undefined],
      ['failed', 'no OpenVEX attestation found'],
      ['failed', 'predicate not OpenVEX: it is a CycloneDX BOM'],
    ]);
  }, 120_000);
});

describe('verify action: vex (cosign engine, fake cosign)', () => {
  const OTEL = 'open-telemetry/opentelemetry-collector-releases';

  it('runs cosign verify-attestation --type openvex on every digest and shows what the document declares', async () => {
    await layout.push('v2.0.0', registry.host, 'vex/cosign');
    const run = await runWithFakes('verify', {
      inputs: {
        image: `${registry.host}/vex/cosign:v2.0.0`,
        repository: OTEL,
        signer: 'workflow',
        workflow: '.github/workflows/base-release.yaml',
        checks: 'signature,vex',
      },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const refs = [index.index.digest, ...index.manifests.map((m) => m.digest)].map(
      (d) => `${registry.host}/vex/cosign@${d}`,
    );
    const vexCalls = run.calls.filter((c) => c.tool === 'cosign' && c.argv[0] === 'verify-attestation');
    expect(vexCalls.map((c) => [c.argv.slice(0, 3), c.argv.at(-1)])).toEqual(
      refs.map((ref) => [['verify-attestation', '--type', 'openvex'], ref]),
    );
    const report = JSON.parse(run.outputs['report'] ?? '{}') as VerifyReport;
    expect(report.results.filter((r) => r.check === 'vex').map((r) => [r.status, r.vex])).toEqual(
      refs.map(() => ['passed', { statements: 2, notAffected: ['CVE-2021-33574'] }]),
    );
    expect(run.summary).toContain('| digest | statements | not affected |');
    expect(run.summary).toContain(`cosign verify-attestation --type openvex --certificate-identity-regexp`);
    expect(run.summary).toContain(`--checks signature,vex`);
  }, 60_000);
});

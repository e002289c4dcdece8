import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RegistryClient } from '@release-actions/oci';
import { describeError, InputError, silentLogger } from '@release-actions/core';
import { attestationSource } from '@release-actions/github';
import {
  verifyRelease,
  type CheckName,
  type IdentityOptions,
  type VerifyOptions,
  type VerifyReport,
} from '@release-actions/verify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AttestationStoreApi } from '../../harness/attestation-store-api.js';
import { Layout } from '../../harness/images.js';
import { type Registry } from '../../harness/registry.js';
import { runCli } from '../../harness/run-cli.js';
import { type Sigstore } from '../../harness/sigstore.js';
import { runWithFakes, visibleText } from '../sign/helpers.js';
import {
  reusableClaims,
  signAndAttach,
  statement,
  subjects,
  type Kind,
  type SignOptions,
  startVerifyStage,
  type VerifyStage,
} from './helpers.js';

/**
 * verify with source github and both: the bundles of GitHub's attestation store (the loopback
 * stand-in) for the index and each platform digest, signed through @sigstore/mock and verified
 * by the native engine against the mock's trusted root, with the very checks the registry's
 * bundles get. A bundle stored under a digest it is not about, or signed by another identity, is
 * refused; an empty store fails saying so; both fails where either source lacks the bundles.
 */
const REPOSITORY = 'aotanami/aotanami';
const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const CHECKS: CheckName[] = ['signature', 'sbom-spdx', 'sbom-cyclonedx'];
const KINDS: Kind[] = ['signature', 'sbom-spdx', 'sbom-cyclonedx'];

let registry: Registry;
let sigstore: Sigstore;
let layout: Layout;
let api: AttestationStoreApi;
let dir: string;
let trustedRoot: string;
const client = new RegistryClient({
  retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1, deadlineMs: 1000 },
});

let stage: VerifyStage | undefined;

beforeAll(async () => {
  stage = await startVerifyStage('verify-github-');
  ({ registry, sigstore, layout, dir, trustedRoot } = stage);
  api = await AttestationStoreApi.start({ token: TOKEN });
  layout.index('3.0.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
}, 120_000);

afterAll(async () => {
  await api?.close();
  await stage?.stop();
});

/** Signs a statement per kind over `subject` and stores each bundle in the store under `under`. */
async function signAndStore(
  subject: { reference: string; digest: string },
  options: SignOptions & { under?: string },
): Promise<void> {
  const name = subject.reference.split('@')[0] as string;
  for (const kind of options.kinds ?? KINDS) {
    const bundle = await sigstore.sign(statement(name, options.over ?? subject.digest, kind), options.claims);
    api.add(bundle, { digests: [options.under ?? subject.digest] });
  }
}

/**
 * Pushes the index, or an image of its own (the store is keyed by digest alone, so each case
 * needs a digest no other case stored bundles for).
 */
async function push(name: 'single' | '3.0.0', repo: string) {
  const built = name === 'single' ? repo.replace(/\//g, '-') : name;
  if (name === 'single') layout.image(built, { os: 'linux', architecture: 'amd64' }, `${repo}\n`);
  await layout.push(built, registry.host, repo, { destTag: 'v3.0.0' });
  return subjects(await client.resolve(`${registry.host}/${repo}:v3.0.0`));
}

function verify(repo: string, extra: Partial<VerifyOptions> = {}, identity: Partial<IdentityOptions> = {}) {
  return verifyRelease({
    image: `${registry.host}/${repo}:v3.0.0`,
    identity: { repository: REPOSITORY, signer: 'reusable-workflow', ...identity },
    checks: CHECKS,
    engine: 'native',
    trustedRoot,
    client,
    logger: silentLogger,
    source: 'github',
    bundleSource: attestationSource({
      repository: REPOSITORY,
      token: TOKEN,
      baseUrl: api.url,
      logger: silentLogger,
    }),
    ...extra,
  });
}

const reasons = (report: VerifyReport) =>
  report.results.map((r) => `${r.check}/${r.source}: ${r.reason ?? 'passed'}`);

describe('verify --source github (native engine)', () => {
  it('passes with the store bundles of the index and each platform, each result saying where it came from', async () => {
    const targets = await push('3.0.0', 'gh/good');
    for (const subject of targets) await signAndStore(subject, { claims: reusableClaims(REPOSITORY) });
    const report = await verify('gh/good');
    expect(reasons(report).filter((r) => !r.endsWith('passed'))).toEqual([]);
    expect(report.verdict).toBe('passed');
    expect(report.source).toBe('github');
    // The signature on the index and each platform, the SBOMs on each platform.
    expect(report.results).toHaveLength(7);
    expect(new Set(report.results.map((r) => r.source))).toEqual(new Set(['github']));
    for (const result of report.results) {
      expect(result).toMatchObject({
        repository: REPOSITORY,
        issuer: 'https://token.actions.githubusercontent.com',
      });
      expect(result.rekor?.logIndex).toEqual(expect.any(Number));
    }
    // One listing per digest, not one per check.
    expect(
      api.requests.filter((r) => r.method === 'GET' && r.url.includes(targets[0]!.digest.slice(7))),
    ).toHaveLength(1);
  }, 120_000);

  it('refuses a bundle stored under this digest whose statement is about another digest', async () => {
    const [subject] = await push('single', 'gh/other-digest');
    await signAndStore(subject!, { claims: reusableClaims(REPOSITORY), over: `sha256:${'e'.repeat(64)}` });
    const report = await verify('gh/other-digest');
    expect(report.verdict).toBe('failed');
    for (const result of report.results) {
      expect(result.reason).toBe(
        `subject digest mismatch: the statement is over sha256:${'e'.repeat(64)}, not ${subject!.digest}`,
      );
    }
  }, 60_000);

  it('refuses bundles from another identity (a lookalike repository)', async () => {
    const [subject] = await push('single', 'gh/lookalike');
    await signAndStore(subject!, { claims: reusableClaims('aotanami/aotanami-evil') });
    const report = await verify('gh/lookalike');
    expect(report.verdict).toBe('failed');
    expect(new Set(report.results.map((r) => r.reason))).toEqual(
      new Set(['repository claim mismatch: saw aotanami/aotanami-evil, wanted aotanami/aotanami']),
    );
  }, 60_000);

  it('an empty store fails each check, saying the store holds nothing for the digest', async () => {
    const [subject] = await push('single', 'gh/empty');
    // Bundles in the registry do not count when the store is the source.
    await signAndAttach(sigstore, client, subject!, { claims: reusableClaims(REPOSITORY) });
    const report = await verify('gh/empty');
    expect(report.verdict).toBe('failed');
    expect(report.results.map((r) => r.reason)).toEqual([
      `no signature found in GitHub's attestation store of ${REPOSITORY}: it holds no bundle for ${subject!.digest} (none stored, or the repository is not visible to the token)`,
      `no SPDX SBOM attestation found in GitHub's attestation store of ${REPOSITORY}: it holds no bundle for ${subject!.digest} (none stored, or the repository is not visible to the token)`,
      `no CycloneDX SBOM attestation found in GitHub's attestation store of ${REPOSITORY}: it holds no bundle for ${subject!.digest} (none stored, or the repository is not visible to the token)`,
    ]);
  }, 60_000);

  it('a bundle GitHub lists only by its bundle_url is refused with the reason', async () => {
    const [subject] = await push('single', 'gh/url-only');
    const bundle = await sigstore.sign(
      statement(subject!.reference.split('@')[0]!, subject!.digest, 'signature'),
      reusableClaims(REPOSITORY),
    );
    api.add(bundle, { urlOnly: true });
    const report = await verify('gh/url-only', { checks: ['signature'] });
    expect(report.verdict).toBe('failed');
    expect(report.results[0]?.reason).toMatch(
      /^bundle attestation #1 in aotanami\/aotanami: GitHub lists it only by its bundle_url/,
    );
  }, 60_000);

  it('the cosign engine is refused with source github before anything is asked', async () => {
    const before = api.requests.length;
    const error = await verify('gh/good', { engine: 'cosign' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(describeError(error)).toBe(
      "Input 'source': github needs engine native: cosign reads bundles only from the registry; set engine: native (--engine native) to verify the bundles of GitHub's attestation store.",
    );
    expect(api.requests.length).toBe(before);
  }, 60_000);
});

describe('verify --source both (strict)', () => {
  it('passes only with the bundles in both places: every check once per source', async () => {
    const targets = await push('single', 'both/good');
    await signAndAttach(sigstore, client, targets[0]!, { claims: reusableClaims(REPOSITORY) });
    await signAndStore(targets[0]!, { claims: reusableClaims(REPOSITORY) });
    const report = await verify('both/good', { source: 'both' });
    expect(report.verdict).toBe('passed');
    expect(report.results.map((r) => `${r.check}/${r.source}/${r.status}`)).toEqual([
      'signature/registry/passed',
      'signature/github/passed',
      'sbom-spdx/registry/passed',
      'sbom-spdx/github/passed',
      'sbom-cyclonedx/registry/passed',
      'sbom-cyclonedx/github/passed',
    ]);
  }, 60_000);

  it('fails with registry-only bundles: the registry passes, the store does not', async () => {
    const targets = await push('single', 'both/registry-only');
    await signAndAttach(sigstore, client, targets[0]!, { claims: reusableClaims(REPOSITORY) });
    const report = await verify('both/registry-only', { source: 'both' });
    expect(report.verdict).toBe('failed');
    expect(report.results.filter((r) => r.status === 'passed').map((r) => r.source)).toEqual([
      'registry',
      'registry',
      'registry',
    ]);
    expect(report.results.filter((r) => r.status !== 'passed').map((r) => r.source)).toEqual([
      'github',
      'github',
      'github',
    ]);
  }, 60_000);
});

describe('through the CLI and the action bundle', () => {
  const image = () => `${registry.host}/gh/good:v3.0.0`;

  it('release-actions verify --engine native --source github passes, reading GITHUB_TOKEN and GITHUB_API_URL', async () => {
    const run = await runCli(
      [
        'verify',
        image(),
        '--repository',
        REPOSITORY,
        '--checks',
        CHECKS.join(','),
        '--engine',
        'native',
        '--source',
        'github',
        '--trusted-root',
        trustedRoot,
        '--format',
        'json',
      ],
      { env: { GITHUB_API_URL: api.url, GITHUB_TOKEN: TOKEN, DOCKER_CONFIG: dir } },
    );
    expect(run.stderr).not.toMatch(/^release-actions: /m);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as VerifyReport;
    expect(report).toMatchObject({ verdict: 'passed', source: 'github', engine: 'native' });
    expect(report.results.every((r) => r.source === 'github')).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  }, 60_000);

  it('release-actions verify --source both fails (exit 1) with registry-only bundles', async () => {
    const run = await runCli(
      [
        'verify',
        `${registry.host}/both/registry-only:v3.0.0`,
        '--repository',
        REPOSITORY,
        '--checks',
        'signature',
        '--engine',
        'native',
        '--source',
        'both',
        '--trusted-root',
        trustedRoot,
      ],
      { env: { GITHUB_API_URL: api.url, DOCKER_CONFIG: dir } },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('signature (GitHub attestation store)');
    expect(run.stdout).toContain(`no signature found in GitHub's attestation store of ${REPOSITORY}`);
  }, 60_000);

  it('the verify action with source github and engine native passes and says where each bundle came from', async () => {
    const workspace = mkdtempSync(path.join(dir, 'workspace-'));
    writeFileSync(path.join(workspace, 'trusted_root.json'), JSON.stringify(sigstore.trustedRoot));
    const run = await runWithFakes('verify', {
      workspace,
      inputs: {
        image: image(),
        repository: REPOSITORY,
        checks: CHECKS.join(','),
        engine: 'native',
        source: 'github',
        token: TOKEN,
        'trusted-root': 'trusted_root.json',
      },
      env: { GITHUB_API_URL: api.url },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.calls).toEqual([]);
    const report = JSON.parse(run.outputs['report'] ?? '{}') as VerifyReport;
    expect(report).toMatchObject({ verdict: 'passed', source: 'github' });
    expect(run.summary).toContain('| signature (GitHub attestation store) |');
    expect(run.summary).toContain('--source github');
    expect(visibleText(run)).not.toContain(TOKEN);
  }, 60_000);

  it('the verify action refuses source github with the cosign engine in one line', async () => {
    const run = await runWithFakes('verify', {
      inputs: { image: image(), repository: REPOSITORY, source: 'github', token: TOKEN },
      env: { GITHUB_API_URL: api.url },
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      "Input 'source': github needs engine native: cosign reads bundles only from the registry; set engine: native (--engine native) to verify the bundles of GitHub's attestation store.",
    ]);
    expect(run.calls).toEqual([]);
  }, 60_000);
});

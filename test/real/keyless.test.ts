import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isTransientFailure } from '@release-actions/cosign';
import {
  buildIdentityPolicy,
  certificateLines,
  cosignVerifyArgs,
  cosignVerifyAttestationArgs,
  judgeCosignFailure,
  judgeSignatures,
  parseVerifyOutput,
  type CommandPolicy,
  type VerifyReport,
} from '@release-actions/verify';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Layout, type BuiltIndex, type Descriptor } from '../harness/images.js';
import { startRegistry, type Registry } from '../harness/registry.js';
import { errors, repoRoot, runBundle, type BundleResult } from '../harness/run-bundle.js';
import { runCli } from '../harness/run-cli.js';
import { startSigstoreStack, type SigstoreStack, type WorkflowRun } from './harness/sigstore-stack.js';
import { requireRealTools } from './harness/tools.js';

/**
 * Keyless signing for real: the shipped sign, attest and verify bundles (and the CLI) with the
 * real cosign, against real Fulcio, the real timestamp authority and Rekor v2 on loopback, with
 * tokens from a GitHub-shaped OIDC issuer. What is signed is an image index by digest (the index
 * and every platform); what verifies is checked with both engines, and so is what must not: the
 * lookalike identities of DESIGN.md "Identity".
 */

const PUBLISHER = 'aotanami/aotanami';
const OUR_TAG = 'refs/tags/v1.4.0';
const OUR_COMMIT = '0123456789abcdef0123456789abcdef01234567';
const RELEASE_REF = 'refs/tags/v2.3.0';
const ours = (owner = 'aotanami', file = 'release.yml', ref = OUR_TAG) =>
  `${owner}/release-actions/.github/workflows/${file}@${ref}`;

/** A release of the publisher made by our reusable workflow at a tag, as the README says. */
const GENUINE: WorkflowRun = {
  repository: PUBLISHER,
  ref: RELEASE_REF,
  jobWorkflowRef: ours(),
  jobWorkflowSha: OUR_COMMIT,
};

let bin: string;
let stack: SigstoreStack;
let registry: Registry;
let layout: Layout;
let index: BuiltIndex;
let workspace: string;
let scratch: string;
const timings: Record<string, number> = {};

const slug = (m: BuiltIndex['manifests'][number]) =>
  [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('-');

/** The per-platform SBOMs (syft's goldens, made to describe each platform digest) and their manifest. */
function writeSboms(): void {
  const golden = path.join(repoRoot, 'test', 'fixtures', 'upstream', 'syft', 'golden');
  const platforms = index.manifests.map((m) => {
    const spdx = JSON.parse(readFileSync(path.join(golden, 'spdx-json.image.golden.json'), 'utf8'));
    const root = spdx.packages.find((p: { SPDXID: string }) => p.SPDXID.startsWith('SPDXRef-DocumentRoot'));
    root.versionInfo = m.digest;
    root.checksums = [{ algorithm: 'SHA256', checksumValue: m.digest.slice('sha256:'.length) }];
    root.externalRefs[0].referenceLocator = `pkg:oci/app@${m.digest.replace(':', '%3A')}?arch=`;
    writeFileSync(path.join(workspace, `sbom-spdx-${slug(m)}.json`), JSON.stringify(spdx));
    const cdx = JSON.parse(readFileSync(path.join(golden, 'cyclonedx-json-1.6.image.golden.json'), 'utf8'));
    cdx.metadata.component.version = m.digest;
    writeFileSync(path.join(workspace, `sbom-cyclonedx-${slug(m)}.json`), JSON.stringify(cdx));
    return {
      platform: slug(m).replace(/-/g, '/'),
      digest: m.digest,
      'spdx-json': `sbom-spdx-${slug(m)}.json`,
      'cyclonedx-json': `sbom-cyclonedx-${slug(m)}.json`,
      packages: 2,
    };
  });
  writeFileSync(
    path.join(workspace, 'sbom-platforms.json'),
    JSON.stringify({ version: 1, subject: `${registry.host}/${PUBLISHER}@${index.index.digest}`, platforms }),
  );
}

/** A fresh HOME and Docker config per run: nothing from this machine's ~/.sigstore or ~/.docker. */
function isolated(): Record<string, string> {
  const home = mkdtempSync(path.join(scratch, 'home-'));
  return { HOME: home, DOCKER_CONFIG: mkdtempSync(path.join(home, 'docker-')) };
}

async function sign(
  images: string[],
  run: WorkflowRun,
  env: Record<string, string> = {},
): Promise<BundleResult> {
  return runBundle('sign', {
    path: [bin],
    workspace,
    timeoutMs: 170_000,
    inputs: {
      images: images.join('\n'),
      'signing-config': 'signing_config.json',
      'trusted-root': 'trusted_root.json',
      'require-signature': 'true',
    },
    env: { ...isolated(), ...stack.jobEnv(run), RELEASE_ACTIONS_RETRY_DELAY_MS: '200', ...env },
  });
}

async function verify(
  image: string,
  engine: 'cosign' | 'native',
  checks = 'signature,sbom-spdx,sbom-cyclonedx',
  repository = PUBLISHER,
): Promise<{ run: BundleResult; report: VerifyReport }> {
  const run = await runBundle('verify', {
    path: [bin],
    workspace,
    timeoutMs: 170_000,
    inputs: {
      image,
      repository,
      checks,
      engine,
      'trusted-root': 'trusted_root.json',
      'oidc-issuer': stack.issuerUrl,
    },
    env: isolated(),
  });
  return { run, report: JSON.parse(run.outputs.report ?? '{}') as VerifyReport };
}

function bundleCertificate(file: string): X509Certificate {
  const bundle = JSON.parse(readFileSync(file, 'utf8')) as {
    verificationMaterial: { certificate?: { rawBytes: string } };
  };
  return new X509Certificate(Buffer.from(bundle.verificationMaterial.certificate!.rawBytes, 'base64'));
}

/** A certificate extension's value: Fulcio's newer extensions are DER UTF8Strings, the legacy ones raw. */
function extension(cert: X509Certificate, oid: string): string | undefined {
  // node's X509Certificate has no extension accessor; the OID's DER encoding is found in the raw bytes.
  const der = cert.raw;
  const arcs = oid.split('.').map(Number);
  const body = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const bytes = [arc & 0x7f];
    for (let rest = arc >> 7; rest > 0; rest >>= 7) bytes.unshift(0x80 | (rest & 0x7f));
    body.push(...bytes);
  }
  const needle = Buffer.from([0x06, body.length, ...body]);
  const at = der.indexOf(needle);
  if (at < 0) return undefined;
  // OCTET STRING after the OID (no critical flag on these).
  let cursor = at + needle.length;
  if (der[cursor] !== 0x04) return undefined;
  const length = der[cursor + 1]!;
  cursor += 2;
  const value = der.subarray(cursor, cursor + length);
  return value[0] === 0x0c ? value.subarray(2, 2 + value[1]!).toString('utf8') : value.toString('utf8');
}

beforeAll(async () => {
  bin = requireRealTools('cosign');
  scratch = mkdtempSync(path.join(os.tmpdir(), 'keyless-'));
  workspace = path.join(scratch, 'workspace');
  const started = performance.now();
  stack = await startSigstoreStack();
  timings.stackStartMs = stack.startupMs;
  registry = await startRegistry();
  layout = new Layout();
  index = layout.index('v2.3.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ]);
  await layout.push('v2.3.0', registry.host, PUBLISHER);
  timings.setupMs = performance.now() - started;
  mkdirSync(workspace);
  copyFileSync(stack.trustedRoot, path.join(workspace, 'trusted_root.json'));
  copyFileSync(stack.signingConfig, path.join(workspace, 'signing_config.json'));
  writeSboms();
}, 170_000);

afterAll(async () => {
  await stack?.stop();
  await registry?.stop();
  layout?.remove();
  rmSync(scratch, { recursive: true, force: true });
  process.stdout.write(`keyless timings (ms): ${JSON.stringify(timings)}\n`);
});

const reference = (digest: string, repository = PUBLISHER) => `${registry.host}/${repository}@${digest}`;
const json = <T>(text: string | undefined): T => JSON.parse(text ?? 'null') as T;

describe('keyless signing with the real cosign, Fulcio, timestamp authority and Rekor v2', () => {
  it('sign: signs the index and every platform by digest, one bundle each, with a certificate that carries the job', async () => {
    const started = performance.now();
    const run = await sign([reference(index.index.digest)], GENUINE);
    timings.signIndexMs = performance.now() - started;
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.signed).toBe('true');
    const digests = json<string[]>(run.outputs.digests);
    expect(digests).toEqual(
      [index.index.digest, ...index.manifests.map((m) => m.digest)].map((d) => reference(d)),
    );
    const bundles = json<string[]>(run.outputs.bundles);
    expect(bundles).toHaveLength(3);

    for (const file of bundles) {
      const bundle = JSON.parse(readFileSync(file, 'utf8')) as {
        mediaType: string;
        verificationMaterial: {
          tlogEntries: {
            kindVersion: { kind: string; version: string };
            inclusionProof?: { checkpoint: unknown };
          }[];
          timestampVerificationData?: { rfc3161Timestamps: unknown[] };
        };
      };
      expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
      // Rekor v2: a hashedrekord 0.0.2 entry with its inclusion proof, and the TSA's timestamp.
      expect(bundle.verificationMaterial.tlogEntries).toEqual([
        expect.objectContaining({
          kindVersion: { kind: 'hashedrekord', version: '0.0.2' },
          inclusionProof: expect.objectContaining({ checkpoint: expect.anything() }),
        }),
      ]);
      expect(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(1);

      const cert = bundleCertificate(file);
      expect(cert.subjectAltName).toBe(`URI:https://github.com/${ours()}`);
      expect(extension(cert, '1.3.6.1.4.1.57264.1.8')).toBe(stack.issuerUrl);
      expect(extension(cert, '1.3.6.1.4.1.57264.1.12')).toBe(`https://github.com/${PUBLISHER}`);
      expect(extension(cert, '1.3.6.1.4.1.57264.1.14')).toBe(RELEASE_REF);
      expect(extension(cert, '1.3.6.1.4.1.57264.1.10')).toBe(OUR_COMMIT);
      expect(extension(cert, '1.3.6.1.4.1.57264.1.20')).toBe('push');
      expect(extension(cert, '1.3.6.1.4.1.57264.1.5')).toBe(PUBLISHER);
      expect(extension(cert, '1.3.6.1.4.1.57264.1.6')).toBe(RELEASE_REF);
    }
    // One token per cosign call, each for audience sigstore, each with the job's request token.
    expect(
      stack.issuer.requests.filter((r) => r.authorized && r.audience === 'sigstore').length,
    ).toBeGreaterThanOrEqual(3);
    expect(
      stack.fulcio.requests.filter((r) => r.path === '/api/v2/signingCert' && r.status === 200),
    ).toHaveLength(3);
    expect(
      stack.rekor!.requests.filter((r) => r.path === '/api/v2/log/entries' && r.status === 201).length,
    ).toBe(3);
    expect(stack.ctLog.submissions).toBe(3);
  });

  it("attest: attests each platform's SPDX and CycloneDX SBOM on that platform's digest", async () => {
    const started = performance.now();
    const run = await runBundle('attest', {
      path: [bin],
      workspace,
      timeoutMs: 170_000,
      inputs: {
        subject: reference(index.index.digest),
        'sbom-manifest': 'sbom-platforms.json',
        'signing-config': 'signing_config.json',
        'trusted-root': 'trusted_root.json',
        'require-signature': 'true',
      },
      env: { ...isolated(), ...stack.jobEnv(GENUINE) },
    });
    timings.attestSbomsMs = performance.now() - started;
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(json<string[]>(run.outputs.digests)).toEqual(
      index.manifests.flatMap((m) => [reference(m.digest), reference(m.digest)]),
    );
    for (const file of json<string[]>(run.outputs.bundles)) {
      const bundle = JSON.parse(readFileSync(file, 'utf8')) as { dsseEnvelope: { payload: string } };
      const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as {
        subject: { digest: { sha256: string } }[];
        predicateType: string;
      };
      expect(['https://spdx.dev/Document', 'https://cyclonedx.org/bom']).toContain(statement.predicateType);
      expect(index.manifests.map((m) => m.digest)).toContain(`sha256:${statement.subject[0]!.digest.sha256}`);
      expect(bundleCertificate(file).subjectAltName).toBe(`URI:https://github.com/${ours()}`);
    }
  });

  it.each(['cosign', 'native'] as const)(
    'verify (%s engine): the release signed by our reusable workflow at a tag verifies on every digest',
    async (engine) => {
      const started = performance.now();
      const { run, report } = await verify(reference(index.index.digest), engine);
      timings[`verify_${engine}_Ms`] = performance.now() - started;
      expect(errors(run)).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(run.outputs.verified).toBe('true');
      expect(report).toMatchObject({ engine, verdict: 'passed', digest: index.index.digest });
      // The index's signature, and each platform's signature and two SBOMs.
      expect(report.results).toHaveLength(1 + 3 * index.manifests.length);
      for (const result of report.results) {
        expect(result.status).toBe('passed');
        expect(result.repository).toBe(PUBLISHER);
      }
      expect(report.results.filter((r) => r.check === 'signature').map((r) => r.subject)).toEqual(
        [index.index.digest, ...index.manifests.map((m) => m.digest)].map((d) => reference(d)),
      );
    },
  );

  it('the CLI verifies the same release with the real cosign', async () => {
    const run = await runCli(
      [
        'verify',
        reference(index.index.digest),
        '--repository',
        PUBLISHER,
        '--checks',
        'signature,sbom-spdx,sbom-cyclonedx',
        '--trusted-root',
        path.join(workspace, 'trusted_root.json'),
        '--oidc-issuer',
        stack.issuerUrl,
      ],
      {
        cwd: workspace,
        env: { ...isolated(), PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
        timeoutMs: 170_000,
      },
    );
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(index.index.digest);
  });
});

/**
 * Signers that must not pass: each signs its own one-platform image (keylessly, for real, with
 * the claims GitHub would give that job), and both engines refuse it under the default policy
 * for PUBLISHER.
 */
const LOOKALIKES: { name: string; run: WorkflowRun }[] = [
  {
    name: 'another repository calling our reusable workflow',
    run: { ...GENUINE, repository: 'mallory/aotanami' },
  },
  {
    name: 'a lookalike owner of the reusable workflow',
    run: { ...GENUINE, jobWorkflowRef: ours('aotanarni') },
  },
  {
    name: 'a branch of the publisher instead of a release tag',
    run: { ...GENUINE, ref: 'refs/heads/main' },
  },
  {
    name: 'another workflow file of our repository',
    run: { ...GENUINE, jobWorkflowRef: ours('aotanami', 'release-dev.yml') },
  },
  {
    name: 'our reusable workflow at a branch',
    run: { ...GENUINE, jobWorkflowRef: ours('aotanami', 'release.yml', 'refs/heads/main') },
  },
];

describe('lookalike identities fail in both engines', () => {
  const images = new Map<string, Descriptor>();

  beforeAll(async () => {
    for (const [i, lookalike] of LOOKALIKES.entries()) {
      const tag = `look-${i}`;
      images.set(
        lookalike.name,
        layout.image(tag, { os: 'linux', architecture: 'amd64' }, `lookalike ${i}\n`),
      );
      await layout.push(tag, registry.host, `look/${i}`);
    }
  }, 170_000);

  it.each(LOOKALIKES.map((l, i) => [l.name, l.run, i] as const))('%s', async (_name, run, i) => {
    const image = images.get(LOOKALIKES[i]!.name)!;
    const signed = await sign([reference(image.digest, `look/${i}`)], run);
    expect(errors(signed)).toEqual([]);
    expect(signed.exitCode).toBe(0);
    for (const engine of ['cosign', 'native'] as const) {
      const { run: verified, report } = await verify(
        reference(image.digest, `look/${i}`),
        engine,
        'signature',
      );
      expect(verified.exitCode).toBe(1);
      expect(report.verdict).toBe('failed');
      expect(report.results[0]?.status).toBe('failed');
      expect(report.results[0]?.reason).toBeTruthy();
    }
  });
});

/** The real cosign, run directly with the argv the cosign engine builds, as the fakes claim to answer it. */
function cosign(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(bin, 'cosign'),
      args,
      { env: { ...isolated(), PATH: process.env.PATH ?? '' }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : (error.code as number | null), stdout, stderr }),
    );
  });
}

function commandPolicy(repository = PUBLISHER): CommandPolicy {
  const identity = buildIdentityPolicy({ signer: 'reusable-workflow', repository, issuer: stack.issuerUrl });
  return { policy: identity, trustedRoot: path.join(workspace, 'trusted_root.json'), pinnedRef: RELEASE_REF };
}

describe('what the fake cosign answers, checked against the real cosign', () => {
  it('verify -o json of a cosign v3 bundle prints the list the fake prints with FAKE_COSIGN_NEW_BUNDLE_FORMAT=1', async () => {
    const platform = index.manifests[0]!.digest;
    const real = await cosign(cosignVerifyArgs(reference(platform), commandPolicy()));
    expect(real.stderr).toContain('The following checks were performed on each of these signatures');
    expect(real.code).toBe(0);
    const printed = JSON.parse(real.stdout) as {
      critical: { type: string; image: Record<string, string> };
      optional: unknown;
    }[];
    // cosign v3 lists every bundle on the digest: the signature and the attestations (so does the fake).
    expect(printed.map((s) => s.critical.type).sort()).toEqual([
      'https://cyclonedx.org/bom',
      'https://sigstore.dev/cosign/sign/v1',
      'https://spdx.dev/Document',
    ]);
    printed.sort((a) => (a.critical.type === 'https://sigstore.dev/cosign/sign/v1' ? -1 : 1));
    expect(printed[0]!.critical.image['docker-manifest-digest']).toBe(platform);
    expect(printed[0]!.optional).toEqual({});
    const parsed = parseVerifyOutput(real.stdout);
    expect(parsed?.map((p) => p.digest)).toEqual([platform, platform, platform]);
    expect(parsed![0]!.keyBased).not.toBe(true);
    // Only the signature entry counts as a signature; the attestations beside it are not judged as one.
    expect(
      judgeSignatures(real.stdout, platform, commandPolicy().policy, real.stderr, { pinnedRef: RELEASE_REF }),
    ).toMatchObject({ status: 'passed' });
    process.stdout.write(`real cosign, verify -o json: ${real.stdout}\n`);
  });

  it('verify-attestation prints one DSSE envelope per line, the statement over the digest asked for', async () => {
    const platform = index.manifests[1]!.digest;
    const real = await cosign(cosignVerifyAttestationArgs(reference(platform), 'sbom-spdx', commandPolicy()));
    expect(real.code).toBe(0);
    const lines = real.stdout.split('\n').filter((l) => l.startsWith('{'));
    expect(lines).toHaveLength(1);
    const envelope = JSON.parse(lines[0]!) as { payloadType: string; payload: string };
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
      subject: { digest: { sha256: string } }[];
      predicateType: string;
    };
    expect(statement.predicateType).toBe('https://spdx.dev/Document');
    expect(`sha256:${statement.subject[0]!.digest.sha256}`).toBe(platform);
    // For a new-format bundle cosign v3 prints only the checks it made, no certificate lines
    // (and neither does the fake with FAKE_COSIGN_NEW_BUNDLE_FORMAT=1).
    expect(real.stderr).toContain('The following checks were performed');
    expect(real.stderr).not.toMatch(/Certificate subject|GitHub Workflow/);
    expect(certificateLines(real.stderr)).toEqual({});
  });

  it('an image without signatures: the message the fake prints with FAKE_COSIGN_UNSIGNED=1', async () => {
    const image = layout.image('unsigned', { os: 'linux', architecture: 'amd64' }, 'unsigned\n');
    await layout.push('unsigned', registry.host, 'plain/unsigned');
    const real = await cosign(cosignVerifyArgs(reference(image.digest, 'plain/unsigned'), commandPolicy()));
    expect(real.code).not.toBe(0);
    expect(real.stderr).toMatch(/no signatures found/);
    expect(judgeCosignFailure(real.stderr, 'signature', commandPolicy().policy)).toEqual({
      status: 'failed',
      reason: 'no signature found',
    });
  });

  it('an attestation type that is not there: the message the fake prints with FAKE_COSIGN_ATTESTATION_<TYPE>=none', async () => {
    // The index carries its signature only; its SBOMs are on the platforms.
    const real = await cosign(
      cosignVerifyAttestationArgs(reference(index.index.digest), 'sbom-cyclonedx', commandPolicy()),
    );
    expect(real.code).not.toBe(0);
    expect(judgeCosignFailure(real.stderr, 'sbom-cyclonedx', commandPolicy().policy)).toEqual({
      status: 'failed',
      reason: 'no CycloneDX SBOM attestation found',
    });
  });

  const CERTIFICATE_IDENTITY =
    'failed to verify certificate identity: no matching CertificateIdentity found, last error: ';
  const SAN = `https://github.com/${ours()}`;
  it.each([
    [
      'another repository',
      { repository: 'mallory/aotanami' },
      /expected GithubWorkflowRepository to be "mallory\/aotanami", got "aotanami\/aotanami"/,
      (): string => 'repository claim mismatch: saw aotanami/aotanami, wanted mallory/aotanami',
    ],
    [
      'another publisher ref',
      { sourceRef: 'refs/tags/v9.9.9' },
      /expected GithubWorkflowRef to be "refs\/tags\/v9\.9\.9", got "refs\/tags\/v2\.3\.0"/,
      (): string => 'source ref refs/tags/v2.3.0 does not match refs/tags/v9.9.9',
    ],
    [
      'another trigger',
      { trigger: 'workflow_dispatch' },
      /expected GithubWorkflowTrigger to be "workflow_dispatch", got "push"/,
      (): string => 'trigger push is not workflow_dispatch',
    ],
    [
      'another issuer',
      { issuer: 'https://token.actions.githubusercontent.com' },
      /expected issuer value "https:\/\/token\.actions\.githubusercontent\.com", got "http:\/\/127\.0\.0\.1:\d+"/,
      (): string =>
        `issuer mismatch: saw ${stack.issuerUrl}, wanted https://token.actions.githubusercontent.com`,
    ],
    [
      'another signer',
      { identityRegexp: '^https://github\\.com/someone-else/' },
      /expected SAN value to match regex "\^https:\/\/github\\\.com\/someone-else\/", got "https:\/\/github\.com\/aotanami\/release-actions\/\.github\/workflows\/release\.yml@refs\/tags\/v1\.4\.0"/,
      (): string => `identity mismatch: saw ${SAN}, wanted pattern ^https://github\\.com/someone-else/`,
    ],
  ] as const)(
    'a policy flag cosign enforces (%s): the message the fake prints for it, read as the mismatch it names',
    async (_name, change, pattern, reason) => {
      const platform = index.manifests[0]!.digest;
      const { identityRegexp, ...rest } = { identityRegexp: undefined, ...change };
      const identity = buildIdentityPolicy({
        signer: 'reusable-workflow',
        repository: PUBLISHER,
        issuer: stack.issuerUrl,
        ...rest,
      });
      if (identityRegexp !== undefined) identity.identityRegexp = identityRegexp;
      const policy: CommandPolicy = {
        policy: identity,
        trustedRoot: path.join(workspace, 'trusted_root.json'),
        pinnedRef: 'sourceRef' in change ? change.sourceRef : RELEASE_REF,
      };
      const real = await cosign(cosignVerifyArgs(reference(platform), policy));
      expect(real.code).not.toBe(0);
      expect(real.stderr).toMatch(pattern);
      // One line per bundle on the digest (the signature and two SBOMs), each naming the mismatch.
      expect(real.stderr).toMatch(new RegExp(`^Error: no matching attestations: ${CERTIFICATE_IDENTITY}`));
      expect(real.stderr.split(CERTIFICATE_IDENTITY)).toHaveLength(7);
      const judged = judgeCosignFailure(real.stderr, 'signature', identity);
      expect(judged).toMatchObject({ status: 'failed', reason: reason() });
      process.stdout.write(`real cosign, ${_name}: ${JSON.stringify(real.stderr)}\n→ ${judged.reason}\n`);
    },
  );
});

/**
 * After the checks of cosign's exact output above (the OpenVEX attestations add referrers to the
 * index and its platforms) and before the transient failures below (which stop Fulcio).
 */
describe('the OpenVEX document of a release, attested and verified with the real cosign', () => {
  let attest: BundleResult;
  const digests = (): string[] => [index.index.digest, ...index.manifests.map((m) => m.digest)];

  beforeAll(async () => {
    copyFileSync(
      path.join(repoRoot, 'test', 'fixtures', 'vuln', 'vex', 'check-all-fields.openvex.json'),
      path.join(workspace, 'openvex.json'),
    );
    attest = await runBundle('attest', {
      path: [bin],
      workspace,
      timeoutMs: 170_000,
      inputs: {
        subject: reference(index.index.digest),
        'sbom-manifest': 'sbom-platforms.json',
        vex: 'openvex.json',
        'signing-config': 'signing_config.json',
        'trusted-root': 'trusted_root.json',
        'require-signature': 'true',
      },
      env: { ...isolated(), ...stack.jobEnv(GENUINE) },
    });
  }, 170_000);

  it('attest vex: cosign attests the document with type openvex on the index and every platform', () => {
    expect(errors(attest)).toEqual([]);
    for (const digest of digests())
      expect(json<string[]>(attest.outputs.digests)).toContain(reference(digest));
    const openvex = json<string[]>(attest.outputs.bundles)
      .map((file) => JSON.parse(readFileSync(file, 'utf8')) as { dsseEnvelope?: { payload: string } })
      .map(
        (bundle) =>
          JSON.parse(Buffer.from(bundle.dsseEnvelope?.payload ?? '', 'base64').toString('utf8')) as {
            predicateType: string;
            subject: { digest: { sha256: string } }[];
          },
      )
      .filter((statement) => statement.predicateType === 'https://openvex.dev/ns');
    expect(openvex.map((statement) => `sha256:${statement.subject[0]!.digest.sha256}`).sort()).toEqual(
      [...digests()].sort(),
    );
  });

  it.each(['cosign', 'native'] as const)(
    'the vex check (%s engine) finds the OpenVEX document on every digest',
    async (engine) => {
      const { run, report } = await verify(reference(index.index.digest), engine, 'signature,vex');
      expect(errors(run)).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(report.results.filter((r) => r.check === 'vex').map((r) => [r.subject, r.status])).toEqual(
        digests().map((d) => [reference(d), 'passed']),
      );
    },
  );
});

describe('transient Sigstore failures as the real cosign reports them', () => {
  it('Fulcio answering 503 once: cosign itself asks again, and the action signs at its first attempt', async () => {
    const image = layout.image('flaky', { os: 'linux', architecture: 'amd64' }, 'flaky\n');
    await layout.push('flaky', registry.host, 'transient/flaky');
    const before = stack.fulcio.requests.length;
    stack.fulcio.failNext(1, 503);
    const run = await sign([reference(image.digest, 'transient/flaky')], GENUINE);
    // cosign asks Fulcio again itself: the action never sees the 503.
    expect(
      stack.fulcio.requests
        .slice(before)
        .filter((r) => r.path === '/api/v2/signingCert')
        .map((r) => r.status),
    ).toEqual([503, 200]);
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(/transient error \(attempt 1\)/);
  });

  it('a 5 MiB attestation: the Rekor v2 log built here takes it, its 4 MiB body limit not met', async () => {
    const image = layout.image('big', { os: 'linux', architecture: 'amd64' }, 'big\n');
    await layout.push('big', registry.host, 'size/big');
    const padding = 'x'.repeat(5 * 1024 * 1024);
    writeFileSync(path.join(workspace, 'big-predicate.json'), JSON.stringify({ padding }));
    const entriesBefore = stack.rekor!.requests.length;
    const run = await runBundle('attest', {
      path: [bin],
      workspace,
      timeoutMs: 170_000,
      inputs: {
        subject: reference(image.digest, 'size/big'),
        predicate: 'big-predicate.json',
        type: 'custom',
        'signing-config': 'signing_config.json',
        'trusted-root': 'trusted_root.json',
        'require-signature': 'true',
      },
      env: { ...isolated(), ...stack.jobEnv(GENUINE), RELEASE_ACTIONS_RETRY_DELAY_MS: '1' },
    });
    const rekorCalls = stack.rekor!.requests.slice(entriesBefore);
    process.stdout.write(
      `rekor answered the big entry: ${JSON.stringify(rekorCalls)}\n${run.stderr.slice(-1500)}\n`,
    );
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(rekorCalls.filter((r) => r.path === '/api/v2/log/entries').map((r) => r.status)).toEqual([201]);
  });

  it('a token Fulcio refuses (a claim missing): not transient, one cosign call, one clear error', async () => {
    const image = layout.image('refused', { os: 'linux', architecture: 'amd64' }, 'refused\n');
    await layout.push('refused', registry.host, 'refused/token');
    const before = stack.fulcio.requests.length;
    const run = await sign([reference(image.digest, 'refused/token')], {
      ...GENUINE,
      extra: { job_workflow_sha: '' },
    });
    expect(run.exitCode).toBe(1);
    const calls = stack.fulcio.requests.slice(before).filter((r) => r.path === '/api/v2/signingCert');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.status).toBeGreaterThanOrEqual(400);
    expect(calls[0]!.status).toBeLessThan(500);
    expect(isTransientFailure(run.stderr)).toBe(false);
    expect(run.stdout + run.stderr).not.toMatch(/transient error \(attempt 1\)/);
    process.stdout.write(
      `real cosign, token refused: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}\n`,
    );
  });

  it('Fulcio down (its load balancer answers 502): cosign asks again itself, then the action retries, then one clear error', async () => {
    const image = layout.image('down', { os: 'linux', architecture: 'amd64' }, 'down\n');
    await layout.push('down', registry.host, 'transient/down');
    await stack.stopFulcio();
    const run = await sign([reference(image.digest, 'transient/down')], GENUINE, {
      RELEASE_ACTIONS_RETRY_DELAY_MS: '1',
    });
    process.stdout.write(`real cosign, Fulcio down: ${run.stderr.slice(-1500)}\n${errors(run).join('\n')}\n`);
    expect(run.exitCode).toBe(1);
    expect(stack.fulcio.requests.some((r) => r.status === 502)).toBe(true);
    // cosign's stderr is streamed into the job log.
    const log = run.stdout + run.stderr;
    expect(log).toContain('error signing bundle: http: read on closed response body');
    expect(isTransientFailure(log)).toBe(true);
    const warnings = run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cosign failed with a transient error \(attempt 1\); trying again in /),
      ]),
    );
    expect(errors(run)).toEqual([
      expect.stringMatching(
        /cosign kept failing with transient errors after 8 attempt\(s\); the Sigstore services or the registry may be down, rerun the job later/,
      ),
    ]);
  });
});

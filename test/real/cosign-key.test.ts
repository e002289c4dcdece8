import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseVerifyOutput } from '@release-actions/verify';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Layout, type BuiltIndex } from '../harness/images.js';
import { startRegistry, type Registry } from '../harness/registry.js';
import { errors, fakesBin, repoRoot, runBundle, type BundleResult } from '../harness/run-bundle.js';
import { runCli } from '../harness/run-cli.js';
import { requireRealTools } from './harness/tools.js';

/**
 * Issue 11, scenario 5: sign and attest with a key, offline (a signing config that names no
 * transparency log, made by real `cosign signing-config create`), by digest, on an index and
 * every platform, with the shipped sign and attest bundles and real cosign v3; then our verify,
 * in both engines, passes with the key and transparency-log skip, fails a different key, and
 * fails (saying why) when the transparency log is not opted out of. The second part runs the
 * same argv through real cosign and the fake (test/fakes/bin/cosign) and compares what we read:
 * exit code, the error line, the bundle written, `verify -o json`.
 */
const REPOSITORY = 'aotanami/aotanami';
const PASSWORD = 'correct horse battery staple';
const CHECKS = 'signature,sbom-spdx,sbom-cyclonedx';
const syftGolden = path.join(repoRoot, 'test', 'fixtures', 'upstream', 'syft', 'golden');

let bin: string;
let registry: Registry;
let layout: Layout;
let multi: BuiltIndex;
let workspace: string;
let home: string;
let signed: BundleResult;
let attested: BundleResult;

/** Real cosign in the workspace, with a private HOME (its TUF cache) and no network beyond loopback. */
function cosign(args: string[], env: Record<string, string> = {}) {
  return spawnSync(path.join(bin, 'cosign'), args, {
    cwd: workspace,
    env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home, COSIGN_PASSWORD: PASSWORD, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/** The fake cosign, same argv and directory. */
function fake(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [path.join(fakesBin, 'cosign'), ...args], {
    cwd: workspace,
    env: { PATH: process.env.PATH ?? '', HOME: home, COSIGN_PASSWORD: PASSWORD, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

const errorLine = (stderr: string) => /^Error: (.*)$/m.exec(stderr)?.[1];

/** The environment every bundle gets: real cosign first on PATH, a private HOME. */
const toolEnv = () => ({ HOME: home });

const reference = (digest: string) => `${registry.host}/offline/app@${digest}`;

beforeAll(async () => {
  bin = requireRealTools('cosign');
  registry = await startRegistry();
  layout = new Layout();
  multi = layout.index('1.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  await layout.push('1.0', registry.host, 'offline/app');
  workspace = mkdtempSync(path.join(os.tmpdir(), 'real-cosign-key-'));
  home = path.join(workspace, '.home');

  for (const args of [
    ['generate-key-pair'],
    ['generate-key-pair', '--output-key-prefix', 'other'],
    ['signing-config', 'create', '--out', 'offline-signing-config.json'],
    ['trusted-root', 'create', '--out', 'trusted-root.json'],
  ]) {
    const result = cosign(args);
    if (result.status !== 0) throw new Error(`cosign ${args.join(' ')}: ${result.stderr}`);
  }

  // Each platform's SBOMs as syft writes them for that platform's digest, and their manifest.
  const platforms = multi.manifests.map((m) => {
    const slug = `${m.platform.os}-${m.platform.architecture}`;
    const spdx = JSON.parse(readFileSync(path.join(syftGolden, 'spdx-json.image.golden.json'), 'utf8'));
    const root = spdx.packages.find((p: { SPDXID: string }) => p.SPDXID.startsWith('SPDXRef-DocumentRoot'));
    root.versionInfo = m.digest;
    root.checksums = [{ algorithm: 'SHA256', checksumValue: m.digest.slice('sha256:'.length) }];
    root.externalRefs[0].referenceLocator = `pkg:oci/app@${m.digest.replace(':', '%3A')}?arch=`;
    writeFileSync(path.join(workspace, `sbom-spdx-${slug}.json`), JSON.stringify(spdx));
    const cdx = JSON.parse(
      readFileSync(path.join(syftGolden, 'cyclonedx-json-1.6.image.golden.json'), 'utf8'),
    );
    cdx.metadata.component.version = m.digest;
    writeFileSync(path.join(workspace, `sbom-cyclonedx-${slug}.json`), JSON.stringify(cdx));
    return {
      platform: slug.replace(/-/g, '/'),
      digest: m.digest,
      'spdx-json': `sbom-spdx-${slug}.json`,
      'cyclonedx-json': `sbom-cyclonedx-${slug}.json`,
      packages: 2,
    };
  });
  writeFileSync(
    path.join(workspace, 'sbom-platforms.json'),
    JSON.stringify({ version: 1, subject: reference(multi.index.digest), platforms }),
  );
  copyFileSync(path.join(workspace, 'sbom-spdx-linux-amd64.json'), path.join(workspace, 'predicate.json'));
  writeFileSync(
    path.join(workspace, 'wrong-media-type.json'),
    JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.2' }),
  );

  const signingInputs = {
    key: readFileSync(path.join(workspace, 'cosign.key'), 'utf8'),
    'key-password': PASSWORD,
    'signing-config': 'offline-signing-config.json',
    'trusted-root': 'trusted-root.json',
  };
  signed = await runBundle('sign', {
    path: [bin],
    workspace,
    env: toolEnv(),
    inputs: { images: reference(multi.index.digest), ...signingInputs },
  });
  attested = await runBundle('attest', {
    path: [bin],
    workspace,
    env: toolEnv(),
    inputs: {
      subject: reference(multi.index.digest),
      'sbom-manifest': 'sbom-platforms.json',
      ...signingInputs,
    },
  });
}, 180_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

const verify = (inputs: Record<string, string>) =>
  runBundle('verify', {
    path: [bin],
    workspace,
    env: toolEnv(),
    inputs: { image: `${registry.host}/offline/app:1.0`, repository: REPOSITORY, checks: CHECKS, ...inputs },
    timeoutMs: 170_000,
  });

describe('sign and attest with a key, offline, with real cosign', () => {
  it('signs the index and every platform: one bundle each, signed by the key, no transparency-log entry', () => {
    expect(errors(signed)).toEqual([]);
    expect(signed.exitCode).toBe(0);
    expect(JSON.parse(signed.outputs.digests ?? '[]')).toEqual(
      [multi.index.digest, ...multi.manifests.map((m) => m.digest)].map(reference),
    );
    const bundles = JSON.parse(signed.outputs.bundles ?? '[]') as string[];
    expect(bundles).toHaveLength(3);
    for (const file of bundles) {
      const bundle = JSON.parse(readFileSync(file, 'utf8'));
      expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
      expect(Object.keys(bundle.verificationMaterial)).toEqual(['publicKey']);
      expect(bundle.verificationMaterial.tlogEntries ?? []).toEqual([]);
      expect(bundle.dsseEnvelope.payloadType).toBe('application/vnd.in-toto+json');
    }
    expect(JSON.parse(signed.outputs['rekor-urls'] ?? '')).toEqual([null, null, null]);
    expect(signed.summary).toContain(
      '3 digest(s) signed with cosign (key-based, no transparency-log entry).',
    );
  });

  it("attests each platform's SBOMs on that platform's digest only, offline", () => {
    expect(errors(attested)).toEqual([]);
    expect(attested.exitCode).toBe(0);
    expect(JSON.parse(attested.outputs.digests ?? '[]')).toEqual(
      multi.manifests.flatMap((m) => [reference(m.digest), reference(m.digest)]),
    );
    for (const file of JSON.parse(attested.outputs.bundles ?? '[]') as string[]) {
      const bundle = JSON.parse(readFileSync(file, 'utf8'));
      expect(bundle.verificationMaterial.publicKey.hint).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(bundle.verificationMaterial.tlogEntries ?? []).toEqual([]);
    }
  });
});

describe.each(['cosign', 'native'])('our verify, engine %s, against what real cosign signed', (engine) => {
  it('passes every check on the index and its platforms with the key and transparency-log skip', async () => {
    const result = await verify({ engine, key: 'cosign.pub', 'transparency-log': 'skip' });
    expect(errors(result)).toEqual([]);
    expect(result.outputs.verified).toBe('true');
    const report = JSON.parse(result.outputs.report ?? '{}');
    expect(report.results.map((r: { check: string; status: string }) => `${r.check}:${r.status}`)).toEqual([
      'signature:passed',
      'signature:passed',
      'sbom-spdx:passed',
      'sbom-cyclonedx:passed',
      'signature:passed',
      'sbom-spdx:passed',
      'sbom-cyclonedx:passed',
    ]);
  });

  it('fails every check with a different key', async () => {
    const result = await verify({ engine, key: 'other.pub', 'transparency-log': 'skip' });
    expect(result.outputs.verified).toBe('false');
    const report = JSON.parse(result.outputs.report ?? '{}');
    for (const r of report.results) {
      expect(r.status).toBe('failed');
      expect(r.reason).toMatch(/does not verify with the key given \(signed with another key, or altered\)/);
    }
  });

  it('fails when the transparency log is not opted out of, saying the signature is not logged', async () => {
    // The trusted root keeps cosign off TUF (no network): it names no log, as this deployment has none.
    const result = await verify({ engine, key: 'cosign.pub', 'trusted-root': 'trusted-root.json' });
    expect(result.outputs.verified).toBe('false');
    const report = JSON.parse(result.outputs.report ?? '{}');
    for (const r of report.results) {
      expect(r.status).toBe('failed');
      expect(r.reason).toMatch(
        /no (verified )?transparency-log entry.*accepted only with the key and transparency-log skip/,
      );
    }
  });
});

describe('the CLI, once', () => {
  it('release-actions verify --key --transparency-log skip passes with real cosign, and without skip fails (exit 1)', async () => {
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: home };
    const args = [
      'verify',
      `${registry.host}/offline/app:1.0`,
      '--repository',
      REPOSITORY,
      '--checks',
      CHECKS,
      '--key',
      path.join(workspace, 'cosign.pub'),
    ];
    const passed = await runCli([...args, '--transparency-log', 'skip'], { env, timeoutMs: 170_000 });
    expect(passed.stderr).not.toMatch(/^release-actions: /m);
    expect(passed.code).toBe(0);
    expect(passed.stdout).toContain(
      `Verified ${registry.host}/offline/app@${multi.index.digest}: all 7 check(s) passed`,
    );
    expect(passed.stdout).toContain('--insecure-ignore-tlog=true');
    const failed = await runCli([...args, '--trusted-root', path.join(workspace, 'trusted-root.json')], {
      env,
      timeoutMs: 170_000,
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /release-actions: verification of .* failed: signature: the signature has no verified transparency-log entry/,
    );
  });
});

describe('the fake cosign answers --key, --signing-config and --trusted-root as real cosign does', () => {
  const index = () => reference(multi.index.digest);
  const platform = () => reference(multi.manifests[0]!.digest);
  /** What the fake needs to know that real cosign reads from the registry. */
  const fakeEnv = () => ({
    FAKE_COSIGN_UNLOGGED: '1',
    FAKE_COSIGN_SIGNED_KEY: path.join(workspace, 'cosign.pub'),
  });

  const failures: [string, () => string[]][] = [
    [
      'sign --signing-config beside --use-signing-config',
      () => [
        'sign',
        '--yes',
        '--key',
        'cosign.key',
        '--signing-config',
        'offline-signing-config.json',
        '--use-signing-config',
        '--bundle',
        'x.json',
        index(),
      ],
    ],
    [
      'sign --tlog-upload=false beside --signing-config',
      () => [
        'sign',
        '--yes',
        '--key',
        'cosign.key',
        '--signing-config',
        'offline-signing-config.json',
        '--tlog-upload=false',
        '--bundle',
        'x.json',
        index(),
      ],
    ],
    [
      // A file with only a wrong mediaType: cosign's protojson would first refuse unknown fields
      // (of another document type), which the fake does not emulate; our own check comes first.
      'attest --trusted-root with another mediaType',
      () => [
        'attest',
        '--yes',
        '--key',
        'cosign.key',
        '--signing-config',
        'offline-signing-config.json',
        '--trusted-root',
        'wrong-media-type.json',
        '--predicate',
        'predicate.json',
        '--type',
        'custom',
        '--bundle',
        'x.json',
        index(),
      ],
    ],
    [
      'sign --signing-config with another mediaType',
      () => [
        'sign',
        '--yes',
        '--key',
        'cosign.key',
        '--signing-config',
        'trusted-root.json',
        '--trusted-root',
        'trusted-root.json',
        '--bundle',
        'x.json',
        index(),
      ],
    ],
    [
      'verify --key beside --certificate-identity-regexp',
      () => [
        'verify',
        '--key',
        'cosign.pub',
        '--certificate-identity-regexp',
        '^x$',
        '--insecure-ignore-tlog=true',
        '-o',
        'json',
        index(),
      ],
    ],
    [
      'verify with another key',
      () => ['verify', '--key', 'other.pub', '--insecure-ignore-tlog=true', '-o', 'json', index()],
    ],
    [
      'verify-attestation with another key',
      () => [
        'verify-attestation',
        '--type',
        'spdxjson',
        '--key',
        'other.pub',
        '--insecure-ignore-tlog=true',
        platform(),
      ],
    ],
    [
      'verify an unlogged signature without --insecure-ignore-tlog',
      () => ['verify', '--key', 'cosign.pub', '--trusted-root', 'trusted-root.json', '-o', 'json', index()],
    ],
    [
      'verify-attestation an unlogged attestation without --insecure-ignore-tlog',
      () => [
        'verify-attestation',
        '--type',
        'cyclonedx',
        '--key',
        'cosign.pub',
        '--trusted-root',
        'trusted-root.json',
        platform(),
      ],
    ],
  ];

  it.each(failures)('%s: same exit code and error line', (_name, argv) => {
    const real = cosign(argv());
    const stand = fake(argv(), fakeEnv());
    expect(real.status).toBe(1);
    expect(stand.status).toBe(real.status);
    expect(errorLine(stand.stderr)).toBe(errorLine(real.stderr));
    // The line our parsers read last: cosign v3 repeats the error without main.go:<line>.
    expect(stand.stderr).toContain(`error during command execution: ${errorLine(real.stderr)}`);
    expect(real.stderr).toContain(`error during command execution: ${errorLine(real.stderr)}`);
  });

  it('verify --key -o json: the same signature list shape, an image signature and the attestations', () => {
    const argv = ['verify', '--key', 'cosign.pub', '--insecure-ignore-tlog=true', '-o', 'json', platform()];
    const real = cosign(argv);
    const stand = fake(argv, fakeEnv());
    expect(real.status).toBe(0);
    expect(stand.status).toBe(0);
    const shape = (stdout: string) =>
      (parseVerifyOutput(stdout) ?? []).map((s) => ({
        digest: s.digest,
        type: s.type,
        keyBased: s.keyBased,
      }));
    const wanted = multi.manifests[0]!.digest;
    // cosign v3 lists every bundle the key signed on the digest, in no fixed order: the signature
    // (sign/v1) and each attestation under its predicate type; ours counts only the sign/v1 entry.
    const sorted = (stdout: string) =>
      shape(stdout).sort((a, b) => (a.type ?? '').localeCompare(b.type ?? ''));
    expect(sorted(real.stdout)).toEqual([
      { digest: wanted, type: 'https://cyclonedx.org/bom', keyBased: undefined },
      { digest: wanted, type: 'https://sigstore.dev/cosign/sign/v1', keyBased: undefined },
      { digest: wanted, type: 'https://spdx.dev/Document', keyBased: undefined },
    ]);
    expect(sorted(stand.stdout)).toEqual(sorted(real.stdout));
    for (const stdout of [real.stdout, stand.stdout]) {
      for (const entry of JSON.parse(stdout)) expect(entry.optional).toEqual({});
    }
    for (const line of [
      'The signatures were verified against the specified public key',
      'WARNING: Skipping tlog verification',
    ]) {
      expect(real.stderr).toContain(line);
      expect(stand.stderr).toContain(line);
    }
  });

  it('verify-attestation --key: one DSSE envelope line per attestation of the type, in both', () => {
    const argv = [
      'verify-attestation',
      '--type',
      'spdxjson',
      '--key',
      'cosign.pub',
      '--insecure-ignore-tlog=true',
      platform(),
    ];
    const real = cosign(argv);
    const stand = fake(argv, fakeEnv());
    expect(real.status).toBe(0);
    expect(stand.status).toBe(0);
    for (const stdout of [real.stdout, stand.stdout]) {
      const envelope = JSON.parse(stdout.trim().split('\n')[0] as string);
      expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
      const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
      expect(statement.predicateType).toBe('https://spdx.dev/Document');
      expect(statement.subject[0].digest.sha256).toBe(multi.manifests[0]!.digest.slice('sha256:'.length));
    }
  });

  it('sign --key with an offline signing config: the same bundle shape (public key, no tlog entry)', () => {
    const argv = (file: string) => [
      'sign',
      '--yes',
      '--key',
      'cosign.key',
      '--signing-config',
      'offline-signing-config.json',
      '--trusted-root',
      'trusted-root.json',
      '--bundle',
      file,
      platform(),
    ];
    expect(cosign(argv('real.sigstore.json')).status).toBe(0);
    expect(fake(argv('fake.sigstore.json')).status).toBe(0);
    const read = (file: string) => JSON.parse(readFileSync(path.join(workspace, file), 'utf8'));
    for (const bundle of [read('real.sigstore.json'), read('fake.sigstore.json')]) {
      expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
      expect(Object.keys(bundle.verificationMaterial.publicKey)).toEqual(['hint']);
      expect(bundle.verificationMaterial.tlogEntries ?? []).toEqual([]);
      expect(bundle.verificationMaterial.certificate).toBeUndefined();
      const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
      expect(statement.predicateType).toBe('https://sigstore.dev/cosign/sign/v1');
    }
  });
});

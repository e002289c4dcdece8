import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { repoRoot } from '../../harness/run-bundle.js';
import { errorLines, json, runWithFakes } from '../sign/helpers.js';

/**
 * The attest action's vex input: the scan step's openvex.json attested as openvex on the index
 * and every platform digest, beside each platform's SBOMs from the sbom step's manifest; fake
 * cosign, real loopback registry.
 */
const syftGolden = path.join(repoRoot, 'test', 'fixtures', 'upstream', 'syft', 'golden');
const OPENVEX = {
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://openvex.dev/docs/public/vex-1',
  author: 'team/web',
  timestamp: '2026-06-01T00:00:00Z',
  version: 1,
  statements: [
    {
      vulnerability: { name: 'CVE-2023-0464' },
      products: [{ '@id': 'pkg:oci/web@sha256%3A00' }],
      status: 'not_affected',
      impact_statement: 'X.509 policies are not used',
    },
  ],
};
let registry: Registry;
let layout: Layout;
let multi: BuiltIndex;
let workspace: string;
const slug = (m: BuiltIndex['manifests'][number]) =>
  [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('-');

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  multi = layout.index('3.1', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  await layout.push('3.1', registry.host, 'team/web');
  workspace = mkdtempSync(path.join(os.tmpdir(), 'attest-vex-'));
  const platforms = multi.manifests.map((m) => {
    const cdx = JSON.parse(
      readFileSync(path.join(syftGolden, 'cyclonedx-json-1.6.image.golden.json'), 'utf8'),
    );
    cdx.metadata.component.version = m.digest;
    writeFileSync(path.join(workspace, `sbom-cyclonedx-${slug(m)}.json`), JSON.stringify(cdx));
    return {
      platform: slug(m).replace(/-/g, '/'),
      digest: m.digest,
      'cyclonedx-json': `sbom-cyclonedx-${slug(m)}.json`,
      packages: 2,
    };
  });
  writeFileSync(
    path.join(workspace, 'sbom-platforms.json'),
    JSON.stringify({ version: 1, subject: `${registry.host}/team/web@${multi.index.digest}`, platforms }),
  );
  mkdirSync(path.join(workspace, 'scan'));
  writeFileSync(path.join(workspace, 'scan', 'openvex.json'), JSON.stringify(OPENVEX));
  copyFileSync(
    path.join(syftGolden, 'cyclonedx-json-1.6.image.golden.json'),
    path.join(workspace, 'not-vex.json'),
  );
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
});

describe('attest: vex', () => {
  it('attests the OpenVEX document on the index and every platform, and the SBOMs on their own platform', async () => {
    const run = await runWithFakes('attest', {
      workspace,
      inputs: {
        subject: `${registry.host}/team/web:3.1`,
        vex: 'scan/openvex.json',
        'sbom-manifest': 'sbom-platforms.json',
      },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const vexFile = path.join(workspace, 'scan', 'openvex.json');
    const digests = [multi.index.digest, ...multi.manifests.map((m) => m.digest)];
    const bundle = (digest: string, type: string) =>
      path.join(
        run.runnerTemp,
        'sigstore-bundles',
        `web-${digest.replace(':', '-')}.${type}.att.sigstore.json`,
      );
    const attest = (file: string, type: string, digest: string) => [
      'attest',
      '--yes',
      '--predicate',
      file,
      '--type',
      type,
      '--bundle',
      bundle(digest, type),
      `${registry.host}/team/web@${digest}`,
    ];
    expect(run.calls.map((c) => c.argv)).toEqual([
      ...digests.map((d) => attest(vexFile, 'openvex', d)),
      ...multi.manifests.map((m) =>
        attest(path.join(workspace, `sbom-cyclonedx-${slug(m)}.json`), 'cyclonedx', m.digest),
      ),
    ]);
    // Each OpenVEX bundle: a statement of type https://openvex.dev/ns over its own digest.
    const statements = json<string[]>(run.outputs.bundles).map((file) => {
      const b = JSON.parse(readFileSync(file, 'utf8'));
      return JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8'));
    });
    expect(
      statements.slice(0, 3).map((s) => [s.predicateType, `sha256:${s.subject[0].digest.sha256}`]),
    ).toEqual(digests.map((d) => ['https://openvex.dev/ns', d]));
    expect(statements[0].predicate.statements[0].vulnerability.name).toBe('CVE-2023-0464');
    expect(json(run.outputs.digests)).toEqual([
      ...digests.map((d) => `${registry.host}/team/web@${d}`),
      ...multi.manifests.map((m) => `${registry.host}/team/web@${m.digest}`),
    ]);
    expect(run.summary).toContain('openvex');
  });

  it('refuses a vex file that is not OpenVEX, naming the input, before cosign runs', async () => {
    const run = await runWithFakes('attest', {
      workspace,
      inputs: { subject: `${registry.host}/team/web:3.1`, vex: 'not-vex.json' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(/^Input 'vex': .*not-vex\.json is not an OpenVEX document/),
    ]);
  });
});

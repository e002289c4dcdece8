import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describedSubject } from '@release-actions/sbom';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveOciArchive } from '../harness/images.js';
import { errors, runBundle, type BundleOptions, type BundleResult } from '../harness/run-bundle.js';
import { runCli } from '../harness/run-cli.js';
import {
  EXPECTED_PACKAGES,
  PLATFORMS,
  platformFiles,
  startRealImage,
  writeTree,
  type ExpectedPackage,
  type PlatformName,
  type RealImage,
} from './harness/image.js';
import { recordedCalls, recording, recordingBin, type RecordedCall } from './harness/record.js';
import { cyclonedxSchemaErrors, spdxSchemaErrors } from './harness/schemas.js';
import { requireRealTools } from './harness/tools.js';

/**
 * The shipped sbom bundle and the CLI with the real syft, on the real two-platform image in the
 * loopback registry: what syft finds must be what the layers hold (EXPECTED_PACKAGES), every
 * file must validate against its format's official schema, and each must name the digest it
 * describes where our code looks for it.
 */

type Json = Record<string, unknown>;

let bin: string;
let image: RealImage & { stop(): Promise<void> };

beforeAll(async () => {
  bin = requireRealTools('syft');
  image = await startRealImage('release/app', 'v1');
}, 120_000);

afterAll(async () => {
  await image?.stop();
});

function sorted(packages: ExpectedPackage[]): ExpectedPackage[] {
  return [...packages].sort((a, b) => `${a.type}/${a.name}`.localeCompare(`${b.type}/${b.name}`));
}

const purlType = (purl: unknown): string => /^pkg:([a-z0-9.+-]+)\//.exec(String(purl))?.[1] ?? 'none';

/** The packages of a real syft SPDX document, read here independently of our parser. */
function spdxPackages(doc: Json): ExpectedPackage[] {
  const packages = (doc.packages as Json[]).filter(
    (p) => !String(p.SPDXID).startsWith('SPDXRef-DocumentRoot-'),
  );
  return sorted(
    packages.map((p) => {
      const refs = (p.externalRefs ?? []) as Json[];
      const purl = refs.find((r) => r.referenceType === 'purl')?.referenceLocator;
      return { name: String(p.name), version: String(p.versionInfo), type: purlType(purl) as 'deb' | 'npm' };
    }),
  );
}

/**
 * The packages of a real syft CycloneDX BOM: its library components. syft also lists the
 * operating system and the files its catalogers read (the dpkg status file, each package.json).
 */
function cyclonedxPackages(doc: Json): ExpectedPackage[] {
  const components = doc.components as Json[];
  expect(components.filter((c) => c.type === 'file').map((c) => c.name)).not.toEqual([]);
  expect(
    components.filter((c) => c.type === 'operating-system').map((c) => `${c.name}@${c.version}`),
  ).toEqual(['debian@12']);
  return sorted(
    components
      .filter((c) => c.type === 'library')
      .map((c) => ({
        name: String(c.name),
        version: String(c.version),
        type: purlType(c.purl) as 'deb' | 'npm',
      })),
  );
}

function readJson(file: string): Json {
  return JSON.parse(readFileSync(file, 'utf8')) as Json;
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

async function runSbom(
  inputs: Record<string, string>,
  options: Pick<BundleOptions, 'workspace'> = {},
): Promise<{ result: BundleResult; calls: RecordedCall[] }> {
  const rec = recording(bin);
  const result = await runBundle('sbom', {
    ...options,
    inputs,
    path: [recordingBin, bin],
    env: rec.env,
    timeoutMs: 170_000,
  });
  return { result, calls: recordedCalls(rec.log) };
}

const scans = (calls: RecordedCall[]) => calls.filter((c) => c.argv[0] === 'scan');

/** Checks one platform's pair of files: schemas, packages, and the digest they describe. */
function checkPlatformFiles(dir: string, platform: PlatformName, prefix = 'sbom'): void {
  const suffix = platform.replace('/', '-');
  const spdx = readJson(path.join(dir, `${prefix}-spdx-${suffix}.json`));
  const cyclonedx = readJson(path.join(dir, `${prefix}-cyclonedx-${suffix}.json`));
  expect(spdxSchemaErrors(spdx)).toEqual([]);
  expect(cyclonedxSchemaErrors(cyclonedx)).toEqual([]);
  expect(spdx.spdxVersion).toBe('SPDX-2.3');

  const expected = sorted(EXPECTED_PACKAGES[platform]);
  expect(spdxPackages(spdx)).toEqual(expected);
  expect(cyclonedxPackages(cyclonedx)).toEqual(expected);

  // Where described.ts looks, real syft names the platform manifest's digest.
  const digest = image.image(platform).digest;
  expect(describedSubject('spdx-json', spdx)).toMatchObject({ kind: 'image', digest });
  expect(describedSubject('cyclonedx-json', cyclonedx)).toMatchObject({ kind: 'image', digest });
  // And independently of it: the SPDX root's purl and SHA256 checksum, CycloneDX's component version.
  const root = (spdx.packages as Json[]).find((p) =>
    String(p.SPDXID).startsWith('SPDXRef-DocumentRoot-Image-'),
  );
  expect(JSON.stringify(root?.checksums)).toContain(digest.slice('sha256:'.length));
  expect((cyclonedx.metadata as { component: Json }).component.version).toBe(digest);
}

describe('sbom action with the real syft', () => {
  it('catalogues each platform of the index by its digest: SPDX and CycloneDX from one pass each, valid, as the layers hold', async () => {
    const { result, calls } = await runSbom({ image: image.reference, platforms: 'all' });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    // No warning either: the SPDX and CycloneDX files of a pass count the same packages.
    expect(result.annotations.filter((a) => a.level === 'warning')).toEqual([]);

    // One syft pass per platform, each by the platform's digest from the plain-HTTP loopback
    // registry, both formats in it; nothing asked syft to use HTTP (it does so for loopback itself).
    const passes = scans(calls);
    expect(passes.map((c) => c.argv[1])).toEqual(
      PLATFORMS.map((p) => `registry:${image.image(p).reference}`),
    );
    for (const pass of passes) {
      expect(pass.argv.filter((a) => a.includes('=')).map((a) => a.split('=')[0])).toEqual([
        'spdx-json',
        'cyclonedx-json',
      ]);
      expect(pass.env).toEqual({ SYFT_CHECK_FOR_APP_UPDATE: 'false' });
    }

    expect(files(result.runnerTemp)).toEqual([
      'sbom-cyclonedx-linux-amd64.json',
      'sbom-cyclonedx-linux-arm64.json',
      'sbom-cyclonedx.json',
      'sbom-platforms.json',
      'sbom-spdx-linux-amd64.json',
      'sbom-spdx-linux-arm64.json',
      'sbom-spdx.json',
    ]);
    for (const platform of PLATFORMS) checkPlatformFiles(result.runnerTemp, platform);
    // The seed names are copies of the first platform's files.
    expect(readFileSync(path.join(result.runnerTemp, 'sbom-spdx.json'), 'utf8')).toBe(
      readFileSync(path.join(result.runnerTemp, 'sbom-spdx-linux-amd64.json'), 'utf8'),
    );

    // The counts we report are the packages in the layers.
    const count = (platform: PlatformName) => EXPECTED_PACKAGES[platform].length;
    const manifest = readJson(path.join(result.runnerTemp, 'sbom-platforms.json'));
    expect(manifest).toEqual({
      version: 1,
      subject: image.reference,
      platforms: PLATFORMS.map((platform) => ({
        platform,
        digest: image.image(platform).digest,
        'spdx-json': `sbom-spdx-${platform.replace('/', '-')}.json`,
        'cyclonedx-json': `sbom-cyclonedx-${platform.replace('/', '-')}.json`,
        packages: count(platform),
      })),
    });
    expect(result.outputs.digest).toBe(image.indexDigest);
    expect(result.outputs.packages).toBe(String(count('linux/amd64')));
    expect(JSON.parse(result.outputs['package-counts'] ?? '')).toEqual({ deb: 3, npm: 2 });
    expect(JSON.parse(result.outputs.platforms ?? '')).toEqual(manifest.platforms);
    expect(result.outputs['syft-version']).toBe('1.54.1');
    expect(result.summary).toContain(
      `| spdx-json | \`sbom-spdx.json\` | SPDX-2.3 | ${count('linux/amd64')} |`,
    );
  });

  it('catalogues the one platform asked for with --platform and that platform digest', async () => {
    const { result, calls } = await runSbom({ image: image.reference, platform: 'linux/arm64' });
    expect(errors(result)).toEqual([]);
    const passes = scans(calls);
    expect(passes).toHaveLength(1);
    expect(passes[0]?.argv[1]).toBe(`registry:${image.image('linux/arm64').reference}`);
    expect(passes[0]?.argv.at(-1)).toBe('--platform=linux/arm64');
    checkPlatformFiles(result.runnerTemp, 'linux/arm64');
    expect(result.outputs.packages).toBe(String(EXPECTED_PACKAGES['linux/arm64'].length));
  });
});

describe('sbom action with the real syft, other sources in the source input (fake: dir:<path>, file:<path>)', () => {
  it('catalogues a directory with dir:, as a directory (no digest, no platforms manifest)', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'real-sbom-ws-'));
    writeTree(path.join(workspace, 'rootfs'), platformFiles('linux/amd64'));
    const { result, calls } = await runSbom({ source: 'dir:rootfs' }, { workspace });
    expect(errors(result)).toEqual([]);
    expect(scans(calls).map((c) => c.argv[1])).toEqual([`dir:${path.join(workspace, 'rootfs')}`]);
    const spdx = readJson(path.join(result.runnerTemp, 'sbom-spdx.json'));
    expect(spdxSchemaErrors(spdx)).toEqual([]);
    expect(describedSubject('spdx-json', spdx).kind).toBe('directory');
    // A directory scan reads the lockfile too: the same packages, some found twice.
    const unique = (list: ExpectedPackage[]) =>
      sorted([...new Map(list.map((p) => [JSON.stringify(p), p])).values()]);
    expect(unique(spdxPackages(spdx))).toEqual(sorted(EXPECTED_PACKAGES['linux/amd64']));
    expect(result.outputs.packages).toBe(String(spdxPackages(spdx).length));
    expect(result.outputs.digest).toBeUndefined();
    expect(files(result.runnerTemp)).toEqual(['sbom-cyclonedx.json', 'sbom-spdx.json']);
  });

  it('catalogues an OCI archive given as file:<path>: syft reads it as the image it holds', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'real-sbom-ws-'));
    expect(saveOciArchive(image.image('linux/arm64').reference, path.join(workspace, 'app.tar'))).toBe('');
    const { result, calls } = await runSbom({ source: 'file:app.tar' }, { workspace });
    expect(errors(result)).toEqual([]);
    expect(scans(calls).map((c) => c.argv[1])).toEqual([path.join(workspace, 'app.tar')]);
    const spdx = readJson(path.join(result.runnerTemp, 'sbom-spdx.json'));
    const cyclonedx = readJson(path.join(result.runnerTemp, 'sbom-cyclonedx.json'));
    expect(spdxSchemaErrors(spdx)).toEqual([]);
    expect(cyclonedxSchemaErrors(cyclonedx)).toEqual([]);
    expect(spdxPackages(spdx)).toEqual(sorted(EXPECTED_PACKAGES['linux/arm64']));
    expect(cyclonedxPackages(cyclonedx)).toEqual(sorted(EXPECTED_PACKAGES['linux/arm64']));
    // The archive holds the arm64 image: syft names its manifest digest.
    expect(describedSubject('spdx-json', spdx)).toMatchObject({
      kind: 'image',
      digest: image.image('linux/arm64').digest,
    });
  });
});

describe('release-actions sbom with the real syft', () => {
  it('writes every platform of the index into --output-dir and prints the files', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'real-sbom-cli-'));
    const rec = recording(bin);
    const { code, stdout, stderr } = await runCli(
      ['sbom', `image:${image.reference}`, '--output-dir', dir, '--format', 'json'],
      {
        env: {
          ...rec.env,
          PATH: [recordingBin, bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
          HOME: dir,
        },
        timeoutMs: 170_000,
      },
    );
    expect(stderr).not.toMatch(/error/i);
    expect(code).toBe(0);
    expect(scans(recordedCalls(rec.log))).toHaveLength(2);
    for (const platform of PLATFORMS) checkPlatformFiles(dir, platform);
    const printed = JSON.parse(stdout) as Json;
    expect(JSON.stringify(printed)).toContain(image.image('linux/arm64').digest);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { repoRoot } from '../../harness/run-bundle.js';
import { errorLines, json, notices, runWithFakes, type FakeRun } from '../sign/helpers.js';

/**
 * Every platform of an index through the gate, as the release runs it: the sbom, scan and attest
 * bundles with the fake syft, grype and cosign, against a two-platform index on a loopback
 * registry. Only the arm64 SBOM has a critical finding.
 */
const grypeGolden = path.join(repoRoot, 'test', 'fixtures', 'upstream', 'grype', 'golden', 'json');
const syftGolden = path.join(repoRoot, 'test', 'fixtures', 'upstream', 'syft', 'golden');
const REPORTS = JSON.stringify({
  'linux-amd64': path.join(grypeGolden, 'TestEmptyJsonPresenter.golden'),
  'linux-arm64': path.join(grypeGolden, 'TestJsonImgsPresenter.golden'),
});

let registry: Registry;
let layout: Layout;
let multi: BuiltIndex;
let single: string;
let repo: string;
let workspace: string;
let sbomRun: FakeRun;

const amd64 = () => multi.manifests[0]!.digest;
const arm64 = () => multi.manifests[1]!.digest;

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  multi = layout.index('2.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]);
  await layout.push('2.0', registry.host, 'team/web');
  single = layout.image('solo', { os: 'linux', architecture: 'amd64' }, 'solo\n').digest;
  await layout.push('solo', registry.host, 'team/web');
  repo = `${registry.host}/team/web`;
  workspace = mkdtempSync(path.join(os.tmpdir(), 'platforms-ws-'));
  sbomRun = await runWithFakes('sbom', {
    workspace,
    inputs: {
      image: `${repo}@${multi.index.digest}`,
      platforms: 'all',
      'output-prefix': 'sbom',
      'output-dir': 'sbom',
    },
  });
}, 180_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
});

describe('sbom: one SBOM pair per platform digest', () => {
  it('runs syft once per platform by its digest and writes the file contract', () => {
    expect(errorLines(sbomRun)).toEqual([]);
    expect(sbomRun.exitCode).toBe(0);
    const scans = sbomRun.calls.filter((c) => c.tool === 'syft' && c.argv[0] === 'scan');
    expect(scans.map((c) => c.argv[1])).toEqual([
      `registry:${repo}@${amd64()}`,
      `registry:${repo}@${arm64()}`,
    ]);
    // By digest, never --platform on the index.
    expect(scans.every((c) => !c.argv.some((a) => a.startsWith('--platform')))).toBe(true);

    const dir = path.join(workspace, 'sbom');
    expect(readdirSync(dir).sort()).toEqual([
      'sbom-cyclonedx-linux-amd64.json',
      'sbom-cyclonedx-linux-arm64.json',
      'sbom-cyclonedx.json',
      'sbom-platforms.json',
      'sbom-spdx-linux-amd64.json',
      'sbom-spdx-linux-arm64.json',
      'sbom-spdx.json',
    ]);
    // The seed names are copies of the first platform's files (the index's first manifest).
    for (const format of ['spdx', 'cyclonedx']) {
      expect(readFileSync(path.join(dir, `sbom-${format}.json`), 'utf8')).toBe(
        readFileSync(path.join(dir, `sbom-${format}-linux-amd64.json`), 'utf8'),
      );
    }
    const cdx = (name: string) =>
      JSON.parse(readFileSync(path.join(dir, name), 'utf8')).metadata.component.version;
    expect(cdx('sbom-cyclonedx-linux-arm64.json')).toBe(arm64());
    expect(cdx('sbom-cyclonedx-linux-amd64.json')).toBe(amd64());

    const entries = [
      {
        platform: 'linux/amd64',
        digest: amd64(),
        'spdx-json': 'sbom-spdx-linux-amd64.json',
        'cyclonedx-json': 'sbom-cyclonedx-linux-amd64.json',
        packages: 2,
      },
      {
        platform: 'linux/arm64',
        digest: arm64(),
        'spdx-json': 'sbom-spdx-linux-arm64.json',
        'cyclonedx-json': 'sbom-cyclonedx-linux-arm64.json',
        packages: 2,
      },
    ];
    expect(JSON.parse(readFileSync(path.join(dir, 'sbom-platforms.json'), 'utf8'))).toEqual({
      version: 1,
      subject: `${repo}@${multi.index.digest}`,
      platforms: entries,
    });
    expect(sbomRun.outputs['spdx-json']).toBe(path.join(dir, 'sbom-spdx.json'));
    expect(sbomRun.outputs['cyclonedx-json']).toBe(path.join(dir, 'sbom-cyclonedx.json'));
    expect(sbomRun.outputs.manifest).toBe(path.join(dir, 'sbom-platforms.json'));
    expect(json(sbomRun.outputs.platforms)).toEqual(entries);
    expect(sbomRun.outputs.digest).toBe(multi.index.digest);
    expect(sbomRun.summary).toContain(`| linux/arm64 | \`${arm64()}\` | 2 |`);
  });
});

describe('scan: a verdict per platform, blocked when any platform blocks', () => {
  it('fails the release on the arm64 finding alone, with a SARIF file and category per platform', async () => {
    const run = await runWithFakes('scan', {
      workspace,
      inputs: { 'sbom-manifest': 'sbom/sbom-platforms.json', category: 'grype/image/web' },
      env: { FAKE_GRYPE_REPORTS: REPORTS },
    });
    expect(run.exitCode).not.toBe(0);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(/^❌ Vulnerability gate blocked for .*: 1 of 2 platforms block \(linux\/arm64\)/),
    ]);
    const scans = run.calls.filter((c) => c.tool === 'grype' && c.argv[0] !== 'version');
    expect(scans.map((c) => c.argv[0])).toEqual([
      `sbom:${path.join(workspace, 'sbom', 'sbom-spdx-linux-amd64.json')}`,
      `sbom:${path.join(workspace, 'sbom', 'sbom-spdx-linux-arm64.json')}`,
    ]);
    expect(run.outputs.verdict).toBe('fail');
    const platforms = json<{ platform: string; digest: string; verdict: string; blocking: number }[]>(
      run.outputs.platforms,
    );
    expect(platforms.map((p) => [p.platform, p.digest, p.verdict, p.blocking])).toEqual([
      ['linux/amd64', amd64(), 'pass', 0],
      ['linux/arm64', arm64(), 'fail', 1],
    ]);
    // Counts are summed over the platforms.
    expect(run.outputs.critical).toBe('1');
    expect(run.outputs.blocking).toBe('1');

    // One SARIF directory, one file per platform, each with its own category; no category output.
    expect(run.outputs.category).toBe('');
    const sarifDir = run.outputs.sarif!;
    expect(readdirSync(sarifDir).sort()).toEqual(['grype-linux-amd64.sarif', 'grype-linux-arm64.sarif']);
    const ids = readdirSync(sarifDir)
      .sort()
      .map((f) => JSON.parse(readFileSync(path.join(sarifDir, f), 'utf8')).runs[0].automationDetails.id);
    expect(ids).toEqual(['grype/image/web/linux-amd64/', 'grype/image/web/linux-arm64/']);

    expect(run.summary).toContain('❌ Vulnerability scan: blocked');
    expect(run.summary).toContain('1 of 2 platforms block (linux/arm64)');
    expect(run.summary).toContain(`| linux/amd64 | \`${amd64()}\` | ✅ pass |`);
    expect(run.summary).toContain(`| linux/arm64 | \`${arm64()}\` | ❌ fail |`);
    expect(run.summary).toContain(`### ❌ linux/arm64 (\`${arm64()}\`): blocked`);
    expect(run.summary).toContain(`### ✅ linux/amd64 (\`${amd64()}\`): passed`);
  });

  it('passes when no platform blocks', async () => {
    const run = await runWithFakes('scan', {
      workspace,
      inputs: { 'sbom-manifest': 'sbom/sbom-platforms.json' },
      env: { FAKE_GRYPE_REPORT: path.join(grypeGolden, 'TestEmptyJsonPresenter.golden') },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    const ids = readdirSync(run.outputs.sarif!).map(
      (f) => JSON.parse(readFileSync(path.join(run.outputs.sarif!, f), 'utf8')).runs[0].automationDetails.id,
    );
    // The default category comes from the image's name.
    const name = repo.replace(':', '-');
    expect(ids.sort()).toEqual([`grype/${name}/linux-amd64/`, `grype/${name}/linux-arm64/`]);
  });

  it('scans each platform of an index by its own digest with platforms: all', async () => {
    // grype's report of each platform image, about that image (derived from grype's goldens).
    const reports: Record<string, string> = {};
    for (const [digest, golden] of [
      [amd64(), 'TestEmptyJsonPresenter.golden'],
      [arm64(), 'TestJsonImgsPresenter.golden'],
    ] as const) {
      const report = JSON.parse(readFileSync(path.join(grypeGolden, golden), 'utf8'));
      report.source = { type: 'image', target: { userInput: `${repo}@${digest}`, manifestDigest: digest } };
      const file = path.join(workspace, `report-${digest.slice(7, 19)}.json`);
      writeFileSync(file, JSON.stringify(report));
      reports[digest] = file;
    }
    const run = await runWithFakes('scan', {
      workspace,
      inputs: { image: `${repo}:2.0`, platforms: 'all' },
      env: { FAKE_GRYPE_REPORTS: JSON.stringify(reports) },
    });
    expect(
      run.calls.filter((c) => c.tool === 'grype' && c.argv[0] !== 'version').map((c) => c.argv[0]),
    ).toEqual([`${repo}@${amd64()}`, `${repo}@${arm64()}`]);
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(json<{ verdict: string }[]>(run.outputs.platforms).map((p) => p.verdict)).toEqual([
      'pass',
      'fail',
    ]);
    expect(errorLines(run)).toEqual([expect.stringContaining('1 of 2 platforms block (linux/arm64)')]);
  });

  it("refuses a manifest whose arm64 SBOM describes another platform's digest, before grype runs", async () => {
    const dir = mkdtempSync(path.join(workspace, 'swapped-'));
    for (const f of readdirSync(path.join(workspace, 'sbom')))
      copyFileSync(path.join(workspace, 'sbom', f), path.join(dir, f));
    copyFileSync(path.join(dir, 'sbom-spdx-linux-amd64.json'), path.join(dir, 'sbom-spdx-linux-arm64.json'));
    const run = await runWithFakes('scan', {
      workspace,
      inputs: { 'sbom-manifest': path.relative(workspace, path.join(dir, 'sbom-platforms.json')) },
    });
    expect(run.exitCode).toBe(1);
    expect(errorLines(run)).toEqual([
      `Input 'sbom-manifest': sbom-spdx-linux-arm64.json (linux/arm64) describes ${amd64()} (${repo}), not ${arm64()}; an SBOM is only gated or attested on the digest it describes.`,
    ]);
    expect(run.calls.filter((c) => c.tool === 'grype' && c.argv[0] !== 'version')).toEqual([]);
  });
});

describe('attest: each platform digest carries only its own SBOMs', () => {
  it('attests each platform file on its own digest and nothing on the index', async () => {
    const run = await runWithFakes('attest', {
      workspace,
      inputs: { subject: `${repo}@${multi.index.digest}`, 'sbom-manifest': 'sbom/sbom-platforms.json' },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const pairs = run.calls
      .filter((c) => c.tool === 'cosign')
      .map((c) => [
        c.argv[c.argv.indexOf('--predicate') + 1],
        c.argv[c.argv.indexOf('--type') + 1],
        c.argv.at(-1),
      ]);
    const file = (name: string) => path.join(workspace, 'sbom', name);
    expect(pairs).toEqual([
      [file('sbom-spdx-linux-amd64.json'), 'spdxjson', `${repo}@${amd64()}`],
      [file('sbom-cyclonedx-linux-amd64.json'), 'cyclonedx', `${repo}@${amd64()}`],
      [file('sbom-spdx-linux-arm64.json'), 'spdxjson', `${repo}@${arm64()}`],
      [file('sbom-cyclonedx-linux-arm64.json'), 'cyclonedx', `${repo}@${arm64()}`],
    ]);
    expect(run.calls.some((c) => c.argv.includes(`${repo}@${multi.index.digest}`))).toBe(false);
    // The bundles' statements are over the platform digests.
    const statements = json<string[]>(run.outputs.bundles).map((bundle) => {
      const envelope = JSON.parse(readFileSync(bundle, 'utf8')).dsseEnvelope;
      return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    });
    expect(statements.map((s) => `sha256:${s.subject[0].digest.sha256}`)).toEqual([
      amd64(),
      amd64(),
      arm64(),
      arm64(),
    ]);
  });

  it('attests an SBOM file given for the index only on the platform it describes', async () => {
    const run = await runWithFakes('attest', {
      workspace,
      inputs: { subject: `${repo}:2.0`, 'sbom-spdx': 'sbom/sbom-spdx.json' },
    });
    expect(errorLines(run)).toEqual([]);
    const targets = run.calls.filter((c) => c.tool === 'cosign').map((c) => c.argv.at(-1));
    expect(targets).toEqual([`${repo}@${amd64()}`]);
    expect(notices(run)).toContainEqual(
      expect.stringContaining(`describes linux/amd64 ${amd64()}: it is attested on that digest only`),
    );
  });

  it.each([
    [
      'of another image',
      'golden',
      /describes sha256:2731251dc34951c0e50fcc643b4c5f74922dad1a5d98f302b504cf46cd5d9368 \(user-image-input\), which is not a platform of the index/,
    ],
    [
      'of the index digest itself',
      'index',
      /describes the index .* itself, i\.e\. the one platform syft picked; an index carries no SBOM/,
    ],
    [
      'without a digest',
      'dir',
      /carries no image digest, so it cannot be matched to one platform of the index/,
    ],
  ])('refuses an SBOM %s on the index, with no cosign call', async (_name, kind, message) => {
    const file = path.join(workspace, `sbom-${kind}.json`);
    if (kind === 'golden') copyFileSync(path.join(syftGolden, 'spdx-json.image.golden.json'), file);
    if (kind === 'dir') copyFileSync(path.join(syftGolden, 'spdx-json.dir.golden.json'), file);
    if (kind === 'index') {
      const doc = JSON.parse(readFileSync(path.join(syftGolden, 'spdx-json.image.golden.json'), 'utf8'));
      const root = doc.packages.find((p: { SPDXID: string }) => p.SPDXID.startsWith('SPDXRef-DocumentRoot'));
      root.versionInfo = multi.index.digest;
      root.checksums = [{ algorithm: 'SHA256', checksumValue: multi.index.digest.slice(7) }];
      root.externalRefs[0].referenceLocator = `pkg:oci/web@${multi.index.digest.replace(':', '%3A')}?arch=`;
      writeFileSync(file, JSON.stringify(doc));
    }
    const run = await runWithFakes('attest', {
      workspace,
      inputs: {
        subject: `${repo}@${multi.index.digest}`,
        'sbom-spdx': path.basename(file),
        'allow-sbom-without-digest': 'true',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(errorLines(run)).toEqual([expect.stringMatching(message)]);
    expect(run.calls.filter((c) => c.tool === 'cosign')).toEqual([]);
  });

  it('refuses an SBOM without a digest on a single image unless allow-sbom-without-digest is set', async () => {
    mkdirSync(path.join(workspace, 'dir-sbom'), { recursive: true });
    copyFileSync(
      path.join(syftGolden, 'spdx-json.dir.golden.json'),
      path.join(workspace, 'dir-sbom', 'spdx.json'),
    );
    const inputs = { subject: `${repo}@${single}`, 'sbom-spdx': 'dir-sbom/spdx.json' };
    const refused = await runWithFakes('attest', { workspace, inputs });
    expect(errorLines(refused)).toEqual([
      `Input 'sbom-spdx': ${path.join(workspace, 'dir-sbom', 'spdx.json')} carries no image digest (it describes a directory source), so it cannot be shown to describe ${single}; make it from the image by digest, or set 'allow-sbom-without-digest' to accept it.`,
    ]);
    expect(refused.calls.filter((c) => c.tool === 'cosign')).toEqual([]);

    const allowed = await runWithFakes('attest', {
      workspace,
      inputs: { ...inputs, 'allow-sbom-without-digest': 'true' },
    });
    expect(errorLines(allowed)).toEqual([]);
    expect(allowed.calls.filter((c) => c.tool === 'cosign').map((c) => c.argv.at(-1))).toEqual([
      `${repo}@${single}`,
    ]);
  });

  it('refuses a manifest of another image, and one that leaves a platform out', async () => {
    const other = await runWithFakes('attest', {
      workspace,
      inputs: { subject: `${repo}@${single}`, 'sbom-manifest': 'sbom/sbom-platforms.json' },
    });
    expect(errorLines(other)).toEqual([
      `Input 'sbom-manifest': ${path.join(workspace, 'sbom', 'sbom-platforms.json')} is the manifest of ${repo}@${multi.index.digest}, not of the subject ${repo}@${single}.`,
    ]);
    const dir = mkdtempSync(path.join(workspace, 'partial-'));
    const manifest = JSON.parse(readFileSync(path.join(workspace, 'sbom', 'sbom-platforms.json'), 'utf8'));
    manifest.platforms = manifest.platforms.slice(0, 1);
    for (const f of ['sbom-spdx-linux-amd64.json', 'sbom-cyclonedx-linux-amd64.json'])
      copyFileSync(path.join(workspace, 'sbom', f), path.join(dir, f));
    writeFileSync(path.join(dir, 'm.json'), JSON.stringify(manifest));
    const partial = await runWithFakes('attest', {
      workspace,
      inputs: {
        subject: `${repo}@${multi.index.digest}`,
        'sbom-manifest': path.relative(workspace, path.join(dir, 'm.json')),
      },
    });
    expect(errorLines(partial)).toEqual([
      expect.stringMatching(
        /has no SBOM for linux\/arm64 sha256:[a-f0-9]{64} of .*; every platform must carry its own SBOMs/,
      ),
    ]);
    expect([...other.calls, ...partial.calls].filter((c) => c.tool === 'cosign')).toEqual([]);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { registerSbom } from '../../../packages/cli/src/commands/sbom.js';
import { Layout, type BuiltIndex } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { repoRoot } from '../../harness/run-bundle.js';
import { captureCli, readCalls, useFakeTools } from '../../harness/run-cli.js';

/** `release-actions sbom` and `sbom diff`, parsed by the real program, with the fake syft on PATH. */

const syftFixtures = path.join(repoRoot, 'test', 'fixtures', 'upstream', 'syft');
const KUBECTL = path.join(syftFixtures, 'real/kubectl-linux-amd64.syft-0.90.0.spdx-2.3.json');
const GOLDEN_SPDX = path.join(syftFixtures, 'golden/spdx-json.image.golden.json');
const GOLDEN_CDX = path.join(syftFixtures, 'golden/cyclonedx-json-1.7.image.golden.json');

/** A single image and a two-platform index on a loopback registry: the command asks it what the image is. */
let registry: Registry;
let layout: Layout;
let multi: BuiltIndex;
let DIGEST: string;
let IMAGE: string;

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  DIGEST = layout.image('1.0', { os: 'linux', architecture: 'amd64' }, 'one\n').digest;
  await layout.push('1.0', registry.host, 'o/app');
  multi = layout.index('2.0', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm', variant: 'v7' },
  ]);
  await layout.push('2.0', registry.host, 'o/app');
  IMAGE = `${registry.host}/o/app@${DIGEST}`;
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
});

const { stdout, stderr, run: cli } = captureCli([registerSbom]);
let dir: string;
let log: string;

beforeEach(() => {
  ({ dir, log } = useFakeTools('sbom-cli-'));
  process.chdir(dir);
});

function scans(): string[][] {
  return readCalls(log)
    .map((call) => call.argv)
    .filter((argv) => argv[0] === 'scan');
}

describe('release-actions sbom', () => {
  it('catalogues image:<ref> into the current directory and prints what it wrote', async () => {
    expect(await cli('sbom', `image:${IMAGE}`)).toBe(0);
    expect(scans()).toHaveLength(1);
    expect(scans()[0]?.[1]).toBe(`registry:${IMAGE}`);
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(['sbom-cyclonedx.json', 'sbom-platforms.json', 'sbom-spdx.json']);
    const text = stdout.join('');
    expect(text).toContain(`source: image ${IMAGE}\ndigest: ${DIGEST}\nsyft: 1.54.1\npackages: 2\n`);
    expect(text).toContain(`platforms manifest: ${path.join(dir, 'sbom-platforms.json')}`);
    expect(text).toMatch(/spdx-json +SPDX-2\.3 +2 {2}.*\/sbom-spdx\.json\n/);
    expect(text).toContain('packages by type:\n  deb          1\n  unknown      1\n');
  });

  it('takes a directory, formats with file names, prefix and output directory, and prints JSON', async () => {
    mkdirSync(path.join(dir, 'app'));
    const code = await cli(
      'sbom',
      'dir:app',
      '--sbom-format',
      'cyclonedx-json=out/chart.cdx.json',
      // An SBOM format given to --format still counts (deprecated, with a notice).
      '--format',
      'SPDX-JSON',
      '--output-prefix',
      'helm-sbom',
      '--output-dir',
      'sboms',
      '--format',
      'json',
    );
    expect(stderr.join('')).not.toContain('release-actions:');
    expect(stderr.join('')).toContain(
      'notice: --format with an SBOM format is deprecated; use --sbom-format.',
    );
    expect(code).toBe(0);
    const [scan] = scans();
    expect(scan?.slice(0, 2)).toEqual(['scan', `dir:${path.join(dir, 'app')}`]);
    expect(scan?.filter((a) => a.includes('=')).map((a) => a.split('=')[0])).toEqual([
      'cyclonedx-json',
      'spdx-json',
    ]);
    const result = JSON.parse(stdout.join(''));
    expect(result.files.map((f: { path: string }) => f.path)).toEqual([
      path.join(dir, 'out/chart.cdx.json'),
      path.join(dir, 'sboms/helm-sbom-spdx.json'),
    ]);
    expect(result).toMatchObject({ source: { kind: 'path' }, packages: 2, syftVersion: '1.54.1' });
  });

  it('takes file:<path>, a bare reference, and the hidden --path and --file flags', async () => {
    mkdirSync(path.join(dir, 'app'));
    writeFileSync(path.join(dir, 'image.tar'), 'tar');
    expect(await cli('sbom', '--quiet', 'file:image.tar')).toBe(0);
    expect(await cli('sbom', '--quiet', '--file', 'image.tar')).toBe(0);
    expect(await cli('sbom', '--quiet', '--path', 'app')).toBe(0);
    expect(await cli('sbom', '--quiet', IMAGE)).toBe(0);
    expect(scans().map((argv) => argv[1])).toEqual([
      path.join(dir, 'image.tar'),
      path.join(dir, 'image.tar'),
      `dir:${path.join(dir, 'app')}`,
      `registry:${IMAGE}`,
    ]);
    expect(stderr.join('')).toBe('');
  });

  it('reads a bare source that is also a path here as the image, and warns', async () => {
    mkdirSync(path.join(dir, IMAGE), { recursive: true });
    expect(await cli('sbom', IMAGE)).toBe(0);
    expect(scans().map((argv) => argv[1])).toEqual([`registry:${IMAGE}`]);
    expect(stderr.join('')).toContain(
      `warning: source "${IMAGE}" is read as the image ${IMAGE}; a directory of that name is here too: write dir:${IMAGE} to use it, or image:${IMAGE} to say you mean the image.`,
    );
  });

  it('shows one way to name the source in its help', async () => {
    await cli('sbom', '--help');
    const help = stdout.join('').replace(/\s+/g, ' ');
    expect(help).toContain('source image:<reference> (or a bare reference), dir:<path>, or file:<path>');
    expect(help).not.toMatch(/--(image|path|file) </);
  });

  it('compares with --compare-to', async () => {
    const code = await cli('sbom', '--image', IMAGE, '--compare-to', KUBECTL, '--format', 'json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout.join(''));
    expect(result.diff.added).toHaveLength(2);
    expect(result.diff.removed).toHaveLength(88);
  });

  it.each([
    [
      ['sbom'],
      'No source given: name one as the <source> argument (image:<reference>, dir:<path>, file:<path> or a bare image reference).',
    ],
    [['sbom', 'image:a', '--path', '.'], 'Give the source once: "image:a" and --path are both set.'],
    [['sbom', '--image', 'a', '--file', 'x'], 'Give the source once: --image, --file are all set.'],
    [['sbom', '--file', 'x'], '--file: "file:x": '],
    [['sbom', '--image', 'ghcr.io/A'], '--image: invalid image reference "ghcr.io/A": '],
    [['sbom', 'dir:nothing-here'], '<source>: "dir:nothing-here": '],
    [['sbom', 'file:.'], '<source>: "file:.": '],
    [['sbom', './nothing-here'], '<source>: invalid image reference "./nothing-here": '],
    [['sbom', '.'], '<source>: "." is a directory here, not an image reference; write dir:. to use it'],
    [
      ['sbom', 'sbom:x.json'],
      '<source>: "sbom:x.json": sbom:<file> is what scan reads; sbom catalogues image:<reference>, dir:<path> or file:<path>.',
    ],
    [
      ['sbom', 'oci-archive:x.tar'],
      '<source>: "oci-archive:x.tar": oci-archive: is syft\'s and grype\'s own scheme; write file:<path>',
    ],
    [
      ['sbom', 'image:a', '--sbom-format', 'spdx'],
      '--sbom-format: "spdx" is not accepted; use any of spdx-json, cyclonedx-json, syft-json.',
    ],
    [
      ['sbom', 'image:a', '--format', 'spdx'],
      '--format: "spdx" is not accepted; use text or json. SBOM formats go to --sbom-format: spdx-json, cyclonedx-json, syft-json.',
    ],
    [
      ['sbom', 'image:a', '--sbom-format', 'spdx-json='],
      '--sbom-format: "spdx-json=" names no file after "=".',
    ],
    [['sbom', 'image:a', '--output-prefix', 'a/b'], '--output-prefix: "a/b" is not accepted'],
    [['sbom', 'image:a', '--compare-to', 'missing.json'], '/missing.json" does not exist; give an SPDX'],
  ])('%j exits 2 with one line', async (args, message) => {
    expect(await cli(...args)).toBe(2);
    const lines = stderr.join('').split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^release-actions: /);
    expect(lines[0]).toContain(message);
  });

  it('exits 2 when syft writes the wrong format, and leaves no file', async () => {
    process.env.FAKE_SYFT_OUTPUT = 'swap';
    expect(await cli('sbom', '--quiet', `image:${IMAGE}`)).toBe(2);
    expect(stderr.join('')).toBe(
      `release-actions: SBOM file ${path.join(dir, 'sbom-spdx.json')} is not spdx-json: it is cyclonedx-json.\n`,
    );
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toEqual([]);
  });
});

describe('release-actions sbom of a multi-platform index', () => {
  it('catalogues every platform by its digest by default, with a variant in the file names', async () => {
    expect(
      await cli('sbom', `image:${registry.host}/o/app:2.0`, '--output-dir', 'out', '--format', 'json'),
    ).toBe(0);
    expect(scans().map((argv) => argv[1])).toEqual(
      multi.manifests.map((m) => `registry:${registry.host}/o/app@${m.digest}`),
    );
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual([
      'sbom-cyclonedx-linux-amd64.json',
      'sbom-cyclonedx-linux-arm-v7.json',
      'sbom-cyclonedx.json',
      'sbom-platforms.json',
      'sbom-spdx-linux-amd64.json',
      'sbom-spdx-linux-arm-v7.json',
      'sbom-spdx.json',
    ]);
    const result = JSON.parse(stdout.join(''));
    expect(result.digest).toBe(multi.index.digest);
    expect(result.manifest).toBe(path.join(dir, 'out', 'sbom-platforms.json'));
    expect(result.platforms.map((p: { platform: string; digest: string }) => [p.platform, p.digest])).toEqual(
      [
        ['linux/amd64', multi.manifests[0]!.digest],
        ['linux/arm/v7', multi.manifests[1]!.digest],
      ],
    );
    const manifest = JSON.parse(readFileSync(path.join(dir, 'out', 'sbom-platforms.json'), 'utf8'));
    expect(manifest.subject).toBe(`${registry.host}/o/app@${multi.index.digest}`);
  });

  it('catalogues the platforms listed, and --platform picks one, each by its digest', async () => {
    expect(await cli('sbom', `image:${registry.host}/o/app:2.0`, '--platforms', 'linux/arm')).toBe(0);
    expect(scans().map((argv) => argv[1])).toEqual([
      `registry:${registry.host}/o/app@${multi.manifests[1]!.digest}`,
    ]);
    expect(readdirSync(dir).filter((f) => f.startsWith('sbom-spdx'))).toEqual([
      'sbom-spdx-linux-arm-v7.json',
      'sbom-spdx.json',
    ]);
  });

  it.each([
    [
      ['--platforms', 'linux/s390x'],
      '--platforms: REF has no platform linux/s390x; it has linux/amd64, linux/arm/v7.',
    ],
    [
      ['--platform', 'linux/amd64', '--platforms', 'all'],
      '--platforms: cannot be combined with platform; give one of the two.',
    ],
    [
      ['--sbom-format', 'spdx-json=mine.json'],
      '--sbom-format: a file name of your own cannot be used for the multi-platform index REF',
    ],
    [
      ['--platforms', 'linux'],
      '--platforms: "linux" is not a platform; use os/arch[/variant], e.g. linux/arm64.',
    ],
  ])('%j exits 2 with one line and writes nothing', async (args, message) => {
    expect(await cli('sbom', '--quiet', `image:${registry.host}/o/app@${multi.index.digest}`, ...args)).toBe(
      2,
    );
    const lines = stderr.join('').split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `release-actions: ${message.replace('REF', `${registry.host}/o/app@${multi.index.digest}`)}`,
    );
    expect(scans()).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('refuses --platforms for a directory', async () => {
    mkdirSync(path.join(dir, 'app'));
    expect(await cli('sbom', '--quiet', 'dir:app', '--platforms', 'all')).toBe(2);
    expect(stderr.join('')).toBe(
      'release-actions: --platforms: needs an image read from the registry (image-source registry); a path has no platforms.\n',
    );
  });

  it('exits 2 and leaves no file when syft describes another digest than the platform asked for', async () => {
    process.env.FAKE_SYFT_DIGEST = `sha256:${'0'.repeat(64)}`;
    try {
      expect(await cli('sbom', '--quiet', `image:${registry.host}/o/app@${multi.index.digest}`)).toBe(2);
    } finally {
      delete process.env.FAKE_SYFT_DIGEST;
    }
    expect(stderr.join('')).toBe(
      `release-actions: syft wrote sbom-spdx-linux-amd64.json about sha256:${'0'.repeat(64)}, not ${multi.manifests[0]!.digest}, the digest it was asked to catalogue; refusing it.\n`,
    );
    expect(readdirSync(dir).filter((f) => !f.startsWith('fake'))).toEqual([]);
  });
});

describe('release-actions sbom diff', () => {
  it('prints added, removed and changed packages as text', async () => {
    expect(await cli('sbom', 'diff', GOLDEN_SPDX, KUBECTL)).toBe(0);
    const text = stdout.join('');
    expect(text).toContain(`old: ${GOLDEN_SPDX} (spdx-json, 2 packages)\n`);
    expect(text).toContain('88 added, 2 removed, 0 changed, 0 unchanged\n');
    expect(text).toContain('  - package-2 2.0.1 (deb)\n');
    expect(text).toMatch(/\n {2}\+ github\.com\/spf13\/cobra v\S+ \(golang\)\n/);
  });

  it('prints JSON with --format json, before or after the files, across formats', async () => {
    expect(await cli('sbom', 'diff', '--format', 'json', GOLDEN_SPDX, GOLDEN_CDX)).toBe(0);
    const before = JSON.parse(stdout.join(''));
    expect(before).toMatchObject({ added: [], removed: [], changed: [], unchanged: 2 });
    expect(before.new).toEqual({ file: GOLDEN_CDX, format: 'cyclonedx-json', packages: 2 });
    stdout.length = 0;
    expect(await cli('sbom', 'diff', GOLDEN_CDX, KUBECTL, '--format', 'JSON')).toBe(0);
    expect(JSON.parse(stdout.join('')).removed.map((p: { name: string }) => p.name)).toEqual([
      'package-1',
      'package-2',
    ]);
  });

  it.each([
    [
      ['sbom', 'diff', GOLDEN_SPDX, KUBECTL, '--format', 'yaml'],
      '--format: "yaml" is not accepted; use text or json.',
    ],
    [
      ['sbom', 'diff', GOLDEN_SPDX, 'absent.json'],
      `<new>: "${path.join('DIR', 'absent.json')}" does not exist; give an SPDX, CycloneDX or syft JSON SBOM: a regular file of at most 512 MiB.`,
    ],
  ])('%j exits 2 with one line', async (args, message) => {
    expect(await cli(...args)).toBe(2);
    expect(stderr.join('')).toBe(`release-actions: ${message.replace('DIR', dir)}\n`);
  });

  it('exits 2 on a file that is not an SBOM', async () => {
    writeFileSync(path.join(dir, 'empty.json'), '');
    expect(await cli('sbom', 'diff', 'empty.json', KUBECTL)).toBe(2);
    expect(stderr.join('')).toBe(`release-actions: SBOM file ${path.join(dir, 'empty.json')} is empty.\n`);
  });
});

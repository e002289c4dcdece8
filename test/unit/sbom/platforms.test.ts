import { describe, expect, it } from '@jest/globals';
import { cliInputNames, describeError, ReleaseActionsError } from '@release-actions/core';
import type { PlatformManifest } from '@release-actions/oci';
import {
  checkDescribes,
  manifestJson,
  parseManifest,
  parsePlatformSelection,
  parseSbom,
  platformFileName,
  readManifest,
  readSbom,
  selectPlatforms,
  type PlatformsManifest,
} from '@release-actions/sbom';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';

const golden = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'upstream', 'syft', 'golden', name);
const D = (c: string) => `sha256:${c.repeat(64)}`;
const GOLDEN_DIGEST = 'sha256:2731251dc34951c0e50fcc643b4c5f74922dad1a5d98f302b504cf46cd5d9368';

/** What a call throws: its code, the input it names, and its line in the CLI. */
function thrown(call: () => unknown): { code: string; input?: string; cli: string } {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(ReleaseActionsError);
    const { code, input } = error as ReleaseActionsError;
    return { code, ...(input ? { input } : {}), cli: describeError(error, cliInputNames()) };
  }
  throw new Error('expected the call to throw');
}

describe('per-platform file names', () => {
  it('carry os, architecture and variant', () => {
    expect(platformFileName('spdx-json', 'sbom', { os: 'linux', architecture: 'arm64' })).toBe(
      'sbom-spdx-linux-arm64.json',
    );
    expect(
      platformFileName('cyclonedx-json', 'helm-sbom', { os: 'linux', architecture: 'arm', variant: 'v7' }),
    ).toBe('helm-sbom-cyclonedx-linux-arm-v7.json');
    expect(platformFileName('syft-json', 'sbom', { os: 'windows', architecture: 'amd64' })).toBe(
      'sbom-syft-windows-amd64.json',
    );
  });

  it('refuse a platform name from the registry that cannot be part of a file name', () => {
    expect(() => platformFileName('spdx-json', 'sbom', { os: 'linux', architecture: '../x' })).toThrow(
      'the platform "linux/../x" has characters that cannot be part of a file name; refusing it.',
    );
  });
});

describe('platform selection', () => {
  const index: PlatformManifest[] = [
    { mediaType: 'm', size: 1, digest: D('a'), platform: { os: 'linux', architecture: 'amd64' } },
    {
      mediaType: 'm',
      size: 1,
      digest: D('b'),
      platform: { os: 'linux', architecture: 'arm', variant: 'v6' },
    },
    {
      mediaType: 'm',
      size: 1,
      digest: D('c'),
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
    },
  ];

  it('reads all or a list, each once', () => {
    expect(parsePlatformSelection('ALL')).toBe('all');
    expect(parsePlatformSelection(' linux/amd64 ,linux/arm/v7\n')).toEqual(['linux/amd64', 'linux/arm/v7']);
    expect(() => parsePlatformSelection('linux/amd64,linux/AMD64')).toThrow(
      `Input 'platforms': "linux/AMD64" is listed twice.`,
    );
    expect(() => parsePlatformSelection('amd64')).toThrow(
      `Input 'platforms': "amd64" is not a platform; use os/arch[/variant], e.g. linux/arm64.`,
    );
    expect(() => parsePlatformSelection(' , ')).toThrow(/give "all" or a comma-separated list/);
  });

  it("keeps the index's order and matches a variant only when one is named", () => {
    expect(selectPlatforms(index, 'all', 'img').map((m) => m.digest)).toEqual([D('a'), D('b'), D('c')]);
    expect(selectPlatforms(index, ['linux/arm/v7', 'linux/amd64'], 'img').map((m) => m.digest)).toEqual([
      D('a'),
      D('c'),
    ]);
    expect(() => selectPlatforms(index, ['linux/arm'], 'img')).toThrow(
      "Input 'platforms': linux/arm matches linux/arm/v6 and linux/arm/v7 of img; name the variant.",
    );
    expect(() => selectPlatforms(index, ['linux/s390x'], 'img')).toThrow(
      "Input 'platforms': img has no platform linux/s390x; it has linux/amd64, linux/arm/v6, linux/arm/v7.",
    );
  });

  it('names the input the selection came from, with a code for a platform the index lacks', () => {
    expect(thrown(() => selectPlatforms(index, ['linux/s390x'], 'img', 'platform'))).toEqual({
      code: 'PLATFORM_NOT_FOUND',
      input: 'platform',
      cli: '--platform: img has no platform linux/s390x; it has linux/amd64, linux/arm/v6, linux/arm/v7.',
    });
    expect(thrown(() => selectPlatforms([], 'all', 'img'))).toEqual({
      code: 'PLATFORM_NOT_FOUND',
      cli: 'img is an index without any platform manifest.',
    });
    expect(thrown(() => parsePlatformSelection('linux'))).toMatchObject({
      code: 'INPUT_INVALID',
      cli: '--platforms: "linux" is not a platform; use os/arch[/variant], e.g. linux/arm64.',
    });
  });
});

describe('the digest an SBOM describes', () => {
  it("is read where syft writes it: SPDX's described root package, syft JSON's manifest digest", () => {
    expect(readSbom(golden('spdx-json.image.golden.json')).subject).toEqual({
      kind: 'image',
      digest: GOLDEN_DIGEST,
      name: 'user-image-input',
    });
    expect(readSbom(golden('syft-json.image.golden.json')).subject).toMatchObject({
      kind: 'image',
      digest: GOLDEN_DIGEST,
    });
    // The golden CycloneDX has its version redacted: an image without a digest.
    expect(readSbom(golden('cyclonedx-json-1.6.image.golden.json')).subject).toEqual({
      kind: 'image',
      name: 'user-image-input',
    });
    expect(readSbom(golden('spdx-json.dir.golden.json')).subject).toEqual({
      kind: 'directory',
      name: 'some/path',
    });
    expect(readSbom(golden('cyclonedx-json-1.6.dir.golden.json')).subject).toEqual({
      kind: 'directory',
      name: 'some/path',
    });
  });

  it('prefers the manifest digest of the purl over a versionInfo that names the index', () => {
    const doc = JSON.parse(readFileSync(golden('spdx-json.image.golden.json'), 'utf8'));
    const root = doc.packages.find((p: { SPDXID: string }) => p.SPDXID.startsWith('SPDXRef-DocumentRoot'));
    root.versionInfo = D('e');
    root.externalRefs[0].referenceLocator = `pkg:oci/app@${D('f').replace(':', '%3A')}?arch=arm64`;
    expect(parseSbom('x.json', JSON.stringify(doc)).subject.digest).toBe(D('f'));
    // A CycloneDX component version that is a digest is the digest.
    const cdx = JSON.parse(readFileSync(golden('cyclonedx-json-1.6.image.golden.json'), 'utf8'));
    cdx.metadata.component.version = D('a');
    expect(parseSbom('y.json', JSON.stringify(cdx)).subject.digest).toBe(D('a'));
  });

  it('is checked against the digest to gate or attest, naming both', () => {
    const subject = { kind: 'image' as const, digest: D('a'), name: 'app' };
    expect(() => checkDescribes(subject, D('a'), { what: 'f.json' })).not.toThrow();
    expect(() => checkDescribes(subject, D('b'), { what: 'f.json' })).toThrow(
      `f.json describes ${D('a')} (app), not ${D('b')}; an SBOM is only gated or attested on the digest it describes.`,
    );
    // Without a digest: refused unless allowed; an SBOM naming another digest is refused even then.
    expect(() =>
      checkDescribes({ kind: 'directory' }, D('b'), { what: 'f.json', overrideName: 'X' }),
    ).toThrow(
      `f.json carries no image digest (it describes a directory source), so it cannot be shown to describe ${D('b')}; make it from the image by digest, or set X to accept it.`,
    );
    expect(() =>
      checkDescribes({ kind: 'directory' }, D('b'), { what: 'f', allowWithoutDigest: true }),
    ).not.toThrow();
    expect(() => checkDescribes(subject, D('b'), { what: 'f', allowWithoutDigest: true })).toThrow(
      /describes/,
    );
  });

  it('names the input the SBOM came from, with a code of its own', () => {
    const subject = { kind: 'image' as const, digest: D('a') };
    expect(thrown(() => checkDescribes(subject, D('b'), { what: 'f.json', input: 'sbom-manifest' }))).toEqual(
      {
        code: 'SBOM_SUBJECT_MISMATCH',
        input: 'sbom-manifest',
        cli: `--sbom-manifest: f.json describes ${D('a')}, not ${D('b')}; an SBOM is only gated or attested on the digest it describes.`,
      },
    );
  });
});

describe('the platforms manifest', () => {
  const manifest: PlatformsManifest = {
    version: 1,
    subject: `ghcr.io/o/app@${D('0')}`,
    platforms: [
      {
        platform: 'linux/amd64',
        digest: D('a'),
        files: {
          'spdx-json': 'sbom-spdx-linux-amd64.json',
          'cyclonedx-json': 'sbom-cyclonedx-linux-amd64.json',
        },
        packages: 3,
      },
    ],
  };

  it('is written in the documented shape and read back with its files beside it', () => {
    expect(JSON.parse(manifestJson(manifest))).toEqual({
      version: 1,
      subject: `ghcr.io/o/app@${D('0')}`,
      platforms: [
        {
          platform: 'linux/amd64',
          digest: D('a'),
          'spdx-json': 'sbom-spdx-linux-amd64.json',
          'cyclonedx-json': 'sbom-cyclonedx-linux-amd64.json',
          packages: 3,
        },
      ],
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'manifest-'));
    writeFileSync(path.join(dir, 'm.json'), manifestJson(manifest));
    expect(() => readManifest(path.join(dir, 'm.json'))).toThrow(
      `Input 'sbom-manifest': ${path.join(dir, 'm.json')} names sbom-spdx-linux-amd64.json for linux/amd64, which is not beside it (${dir}).`,
    );
    writeFileSync(path.join(dir, 'sbom-spdx-linux-amd64.json'), '{}');
    writeFileSync(path.join(dir, 'sbom-cyclonedx-linux-amd64.json'), '{}');
    expect(thrown(() => readManifest(path.join(dir, 'absent.json')))).toEqual({
      code: 'MANIFEST_INVALID',
      input: 'sbom-manifest',
      cli: `--sbom-manifest: "${path.join(dir, 'absent.json')}" does not exist; give the sbom step's platforms manifest (<prefix>-platforms.json): a regular file of at most 1 MiB.`,
    });
    expect(thrown(() => readManifest(dir))).toMatchObject({
      cli: `--sbom-manifest: "${dir}" is a directory; give the sbom step's platforms manifest (<prefix>-platforms.json): a regular file of at most 1 MiB.`,
    });
    writeFileSync(path.join(dir, 'text.json'), 'not json');
    expect(thrown(() => readManifest(path.join(dir, 'text.json')))).toMatchObject({
      code: 'MANIFEST_INVALID',
      cli: `--sbom-manifest: ${path.join(dir, 'text.json')} is not JSON.`,
    });
    const loaded = readManifest(path.join(dir, 'm.json'));
    expect(loaded.paths).toEqual([
      {
        'spdx-json': path.join(dir, 'sbom-spdx-linux-amd64.json'),
        'cyclonedx-json': path.join(dir, 'sbom-cyclonedx-linux-amd64.json'),
      },
    ]);
  });

  const entry = JSON.parse(manifestJson(manifest)).platforms[0];
  it.each([
    ['another version', { version: 2 }, '"version" is 2; version 1 is read'],
    [
      'a subject by tag',
      { subject: 'ghcr.io/o/app:1' },
      '"subject" "ghcr.io/o/app:1" is not registry/repository@sha256:…',
    ],
    ['no platforms', { platforms: [] }, '"platforms" is not a list of at least one entry'],
    [
      'a short digest',
      { platforms: [{ ...entry, digest: 'sha256:ab' }] },
      'platforms[0].digest is not sha256:<64 hex digits>',
    ],
    [
      'a bad platform',
      { platforms: [{ ...entry, platform: 'linux' }] },
      'platforms[0].platform "linux" is not os/arch[/variant]',
    ],
    [
      'a file in another directory',
      { platforms: [{ ...entry, 'spdx-json': '../etc/passwd' }] },
      'platforms[0]["spdx-json"] must be a file name beside the manifest, got "../etc/passwd"',
    ],
    [
      'no file',
      { platforms: [{ platform: '', digest: D('a'), packages: 1 }] },
      'platforms[0] names no SBOM file (spdx-json, cyclonedx-json, syft-json)',
    ],
    ['a digest twice', { platforms: [entry, entry] }, `platforms[1].digest ${D('a')} is listed twice`],
    [
      'a count that is not one',
      { platforms: [{ ...entry, packages: -1 }] },
      'platforms[0].packages is not a count',
    ],
  ])('refuses %s', (_name, change, problem) => {
    const doc = { ...JSON.parse(manifestJson(manifest)), ...change };
    expect(() => parseManifest(doc, 'm.json')).toThrow(
      `Input 'sbom-manifest': m.json is not a platforms manifest of the sbom step: ${problem}.`,
    );
  });
});

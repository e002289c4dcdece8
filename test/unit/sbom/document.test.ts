import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@release-actions/core';
import {
  countByType,
  detectFormat,
  InvalidSbomError,
  MAX_SBOM_BYTES,
  parseSbom,
  readSbom,
} from '@release-actions/sbom';
import { repoRoot } from '../../harness/run-bundle.js';

const syft = path.join(repoRoot, 'test', 'fixtures', 'upstream', 'syft');
const fixture = (name: string) => path.join(syft, name);
const json = (name: string) => JSON.parse(readFileSync(fixture(name), 'utf8')) as Record<string, unknown>;

/** Purl types counted straight from the file's JSON, independently of our reader. */
function purlTypes(purls: unknown[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const purl of purls) {
    const match = typeof purl === 'string' ? /^pkg:([a-z0-9.+-]+)\//.exec(purl) : null;
    const type = match ? (match[1] as string) : 'none';
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

describe('reading SBOMs', () => {
  it('reads the real kubectl SPDX 2.3 of syft 0.90.0: every package but the image itself', () => {
    const raw = json('real/kubectl-linux-amd64.syft-0.90.0.spdx-2.3.json');
    const rawPackages = raw.packages as {
      SPDXID: string;
      externalRefs?: { referenceType: string; referenceLocator: string }[];
    }[];
    const expected = purlTypes(
      rawPackages
        .filter((p) => !p.SPDXID.startsWith('SPDXRef-DocumentRoot-'))
        .map((p) => p.externalRefs?.find((r) => r.referenceType === 'purl')?.referenceLocator),
    );
    const doc = readSbom(fixture('real/kubectl-linux-amd64.syft-0.90.0.spdx-2.3.json'), {
      expect: 'spdx-json',
      strict: true,
    });
    expect(doc.format).toBe('spdx-json');
    expect(doc.specVersion).toBe('SPDX-2.3');
    expect(doc.packages).toHaveLength(rawPackages.length - 1);
    expect(countByType(doc.packages)).toEqual(expected);
    expect(expected).toEqual({ golang: 85, deb: 3 });
    const cobra = doc.packages.find((p) => p.name === 'github.com/spf13/cobra');
    expect(cobra).toMatchObject({ type: 'golang', key: 'pkg:golang/github.com/spf13/cobra' });
    expect(cobra?.version).toMatch(/^v\d/);
  });

  it('reads the real alpine CycloneDX 1.4 of syft 0.58.0 without the operating-system component', () => {
    const raw = json('real/alpine.syft-0.58.0.cyclonedx-1.4.json');
    const components = raw.components as { type: string; purl?: string }[];
    const packages = components.filter((c) => c.type !== 'operating-system');
    const doc = readSbom(fixture('real/alpine.syft-0.58.0.cyclonedx-1.4.json'), {
      expect: 'cyclonedx-json',
      strict: true,
    });
    expect(doc.specVersion).toBe('CycloneDX 1.4');
    expect(doc.packages).toHaveLength(packages.length);
    expect(countByType(doc.packages)).toEqual(purlTypes(packages.map((c) => c.purl)));
    expect(countByType(doc.packages)).toEqual({ alpine: 14 });
  });

  it('reads the real alpine syft JSON of syft 0.101.1', () => {
    const raw = json('real/alpine.syft-0.101.1.syft.json');
    const artifacts = raw.artifacts as { purl?: string }[];
    const doc = readSbom(fixture('real/alpine.syft-0.101.1.syft.json'));
    expect(doc.format).toBe('syft-json');
    expect(doc.specVersion).toBe('syft-json 13.0.0');
    expect(countByType(doc.packages)).toEqual(purlTypes(artifacts.map((a) => a.purl)));
    expect(countByType(doc.packages)).toEqual({ apk: 14 });
  });

  it('reads the same packages from the SPDX, CycloneDX 1.6/1.7 and syft goldens of one image', () => {
    const names = (file: string) =>
      readSbom(fixture(file))
        .packages.map((p) => `${p.name}@${p.version} ${p.key}`)
        .sort();
    const spdx = names('golden/spdx-json.image.golden.json');
    expect(spdx).toEqual(['package-1@1.0.1 name:package-1', 'package-2@2.0.1 pkg:deb/debian/package-2']);
    expect(names('golden/cyclonedx-json-1.6.image.golden.json')).toEqual(spdx);
    expect(names('golden/cyclonedx-json-1.7.image.golden.json')).toEqual(spdx);
    expect(names('golden/syft-json.image.golden.json')).toEqual(spdx);
    expect(names('golden/spdx-json.dir.golden.json')).toEqual(spdx);
    expect(names('golden/cyclonedx-json-1.6.dir.golden.json')).toEqual(spdx);
  });

  it('counts neither the operating system nor the files syft lists as CycloneDX components', () => {
    // Real syft 1.54.1 lists the files its catalogers read (type "file", no purl) beside the
    // packages in CycloneDX, not in SPDX's packages (test/real/sbom.test.ts sees both).
    const bom = json('golden/cyclonedx-json-1.7.image.golden.json');
    const components = bom.components as Record<string, unknown>[];
    bom.components = [
      ...components,
      {
        'bom-ref': '9d647f5bc6ed324f',
        type: 'file',
        name: '/var/lib/dpkg/status',
        hashes: [
          { alg: 'SHA-256', content: '8a7ec7d048d1278136f1e3438404b23b340d30f744614aafbcdc5d5ee04bb155' },
        ],
      },
    ];
    const doc = parseSbom('bom.json', JSON.stringify(bom), { strict: true });
    expect(doc.packages.map((p) => p.name).sort()).toEqual(['package-1', 'package-2']);
    expect(components.some((c) => c.type === 'operating-system')).toBe(true);
  });

  it("types a package without a valid purl by syft's own type where the format carries it", () => {
    const types = (file: string) =>
      Object.fromEntries(readSbom(fixture(file)).packages.map((p) => [p.name, p.type]));
    expect(types('golden/cyclonedx-json-1.6.image.golden.json')).toEqual({
      'package-1': 'python',
      'package-2': 'deb',
    });
    expect(types('golden/syft-json.image.golden.json')).toEqual({
      'package-1': 'python',
      'package-2': 'deb',
    });
    // SPDX has no type field: the placeholder purl "a-purl-1" leaves the type unknown.
    expect(types('golden/spdx-json.image.golden.json')).toEqual({
      'package-1': 'unknown',
      'package-2': 'deb',
    });
  });

  it('detects each format by its required fields', () => {
    expect(detectFormat(json('golden/spdx-json.image.golden.json'))).toBe('spdx-json');
    expect(detectFormat(json('golden/cyclonedx-json-1.7.image.golden.json'))).toBe('cyclonedx-json');
    expect(detectFormat(json('golden/syft-json.image.golden.json'))).toBe('syft-json');
    expect(detectFormat({ artifacts: [] })).toBeUndefined();
    expect(detectFormat([])).toBeUndefined();
    expect(detectFormat(null)).toBeUndefined();
  });
});

describe('refusing what is not the SBOM asked for', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-unit-'));
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const spdx = json('golden/spdx-json.image.golden.json');
  const cdx = json('golden/cyclonedx-json-1.6.image.golden.json');
  const variant = (base: Record<string, unknown>, change: Record<string, unknown>) =>
    JSON.stringify({ ...base, ...change });

  const cases: [string, () => unknown, string | RegExp][] = [
    [
      'a missing file',
      () => readSbom(path.join(dir, 'absent.json')),
      `"${path.join(dir, 'absent.json')}" does not exist; give an SPDX, CycloneDX or syft JSON SBOM: a regular file of at most 512 MiB.`,
    ],
    [
      'an empty file',
      () => readSbom(write('empty.json', '')),
      `SBOM file ${path.join(dir, 'empty.json')} is empty.`,
    ],
    [
      'white space only',
      () => readSbom(write('blank.json', ' \n')),
      `SBOM file ${path.join(dir, 'blank.json')} is empty.`,
    ],
    [
      'a directory',
      () => readSbom(dir),
      `"${dir}" is a directory; give an SPDX, CycloneDX or syft JSON SBOM: a regular file of at most 512 MiB.`,
    ],
    ['text', () => parseSbom('x.json', 'not json'), /^SBOM file x\.json is not JSON \(.+\)\.$/],
    [
      'JSON of something else',
      () => parseSbom('x.json', '{"a":1}', { expect: 'spdx-json' }),
      'SBOM file x.json is not spdx-json.',
    ],
    [
      'CycloneDX where SPDX is asked',
      () => parseSbom('x.json', JSON.stringify(cdx), { expect: 'spdx-json' }),
      'SBOM file x.json is not spdx-json: it is cyclonedx-json.',
    ],
    [
      'SPDX 2.2 when strict',
      () => parseSbom('x.json', variant(spdx, { spdxVersion: 'SPDX-2.2' }), { strict: true }),
      'SBOM file x.json has spdxVersion "SPDX-2.2"; expected SPDX-2.3.',
    ],
    [
      'SPDX 3',
      () => parseSbom('x.json', variant(spdx, { spdxVersion: 'SPDX-3.0' })),
      'SBOM file x.json has spdxVersion "SPDX-3.0"; expected SPDX-2.x.',
    ],
    [
      'SPDX without SPDXID',
      () => parseSbom('x.json', variant(spdx, { SPDXID: undefined })),
      'SBOM file x.json has no SPDXID "SPDXRef-DOCUMENT"; it is not an SPDX document.',
    ],
    [
      'SPDX without packages',
      () => parseSbom('x.json', variant(spdx, { packages: undefined })),
      'SBOM file x.json has no "packages" array; it is not a complete SPDX document.',
    ],
    [
      'SPDX package without name',
      () => parseSbom('x.json', variant(spdx, { packages: [{ SPDXID: 'SPDXRef-a' }] })),
      'SBOM file x.json has a package without name or SPDXID (packages[0]).',
    ],
    [
      'CycloneDX 2',
      () => parseSbom('x.json', variant(cdx, { specVersion: '2.0' })),
      'SBOM file x.json has specVersion "2.0"; expected a CycloneDX 1.x version.',
    ],
    [
      'CycloneDX without components when strict',
      () => parseSbom('x.json', variant(cdx, { components: undefined }), { strict: true }),
      'SBOM file x.json has no "components" array; it is not a complete CycloneDX BOM.',
    ],
    [
      'CycloneDX with components not a list',
      () => parseSbom('x.json', variant(cdx, { components: {} })),
      'SBOM file x.json has no "components" array; it is not a complete CycloneDX BOM.',
    ],
    [
      'CycloneDX component without name',
      () => parseSbom('x.json', variant(cdx, { components: [{ type: 'library', components: [{}] }] })),
      'SBOM file x.json has a component without name (components[0]).',
    ],
  ];
  it.each(cases)('%s', (name, read, message) => {
    let thrown: unknown;
    try {
      read();
    } catch (error) {
      thrown = error;
    }
    // What is not a readable file is refused by the reader of every file a user gives.
    expect(thrown).toBeInstanceOf(
      ['a missing file', 'a directory'].includes(name) ? InputError : InvalidSbomError,
    );
    if (typeof message === 'string') expect((thrown as Error).message).toBe(message);
    else expect((thrown as Error).message).toMatch(message);
  });

  it('reads a CycloneDX BOM without components as empty unless strict, and nested components too', () => {
    expect(parseSbom('x.json', variant(cdx, { components: undefined })).packages).toEqual([]);
    const nested = variant(cdx, {
      components: [
        {
          type: 'library',
          name: 'outer',
          version: '1',
          purl: 'pkg:npm/outer@1',
          components: [{ type: 'library', name: 'inner', version: '2', purl: 'pkg:npm/inner@2' }],
        },
      ],
    });
    expect(parseSbom('x.json', nested).packages.map((p) => `${p.type}:${p.name}@${p.version}`)).toEqual([
      'npm:outer@1',
      'npm:inner@2',
    ]);
  });

  it('refuses a file larger than any SBOM of ours without reading it', () => {
    const huge = path.join(dir, 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, MAX_SBOM_BYTES + 1); // sparse: no disk space used
    expect(() => readSbom(huge, { input: 'sbom' })).toThrow(
      `Input 'sbom': "${huge}" is ${MAX_SBOM_BYTES + 1} bytes, over the limit; give an SPDX, CycloneDX or syft JSON SBOM: a regular file of at most 512 MiB.`,
    );
    rmSync(huge);
  });

  it('reads SPDX 2.2 when not strict (older SBOMs to compare with)', () => {
    expect(parseSbom('x.json', variant(spdx, { spdxVersion: 'SPDX-2.2' })).specVersion).toBe('SPDX-2.2');
  });
});

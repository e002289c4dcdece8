import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { diffSboms, formatDiffText, hasChanges, parseSbom, readSbom } from '@release-actions/sbom';
import { repoRoot } from '../../harness/run-bundle.js';

const syft = path.join(repoRoot, 'test', 'fixtures', 'upstream', 'syft');
const fixture = (name: string) => path.join(syft, name);
const KUBECTL = 'real/kubectl-linux-amd64.syft-0.90.0.spdx-2.3.json';

interface SpdxPackage {
  name: string;
  SPDXID: string;
  versionInfo?: string;
  externalRefs?: { referenceType: string; referenceLocator: string }[];
}

function kubectl(): { packages: SpdxPackage[] } & Record<string, unknown> {
  return JSON.parse(readFileSync(fixture(KUBECTL), 'utf8'));
}

describe('comparing SBOMs', () => {
  it('finds nothing between an SBOM and itself, or between the SPDX and CycloneDX of one scan', () => {
    const doc = readSbom(fixture(KUBECTL));
    const same = diffSboms(doc, doc);
    expect(hasChanges(same)).toBe(false);
    expect(same.unchanged).toBe(88);
    const crossFormat = diffSboms(
      readSbom(fixture('golden/spdx-json.image.golden.json')),
      readSbom(fixture('golden/cyclonedx-json-1.7.image.golden.json')),
    );
    expect(hasChanges(crossFormat)).toBe(false);
    expect(crossFormat.unchanged).toBe(2);
  });

  it('lists exactly the packages added, removed and changed in a release of the real kubectl SBOM', () => {
    // The "next release": one module upgraded, one dropped, one new; expectations follow from the edit.
    const next = kubectl();
    const isPackage = (p: SpdxPackage) => p.SPDXID.startsWith('SPDXRef-Package-');
    const purlOf = (p: SpdxPackage) => p.externalRefs?.find((r) => r.referenceType === 'purl');
    const upgraded = next.packages.find((p) => p.name === 'github.com/spf13/cobra') as SpdxPackage;
    const before = upgraded.versionInfo as string;
    upgraded.versionInfo = 'v9.9.9';
    purlOf(upgraded)!.referenceLocator = 'pkg:golang/github.com/spf13/cobra@v9.9.9';
    const dropped = next.packages.find(
      (p) => isPackage(p) && p.name === 'github.com/spf13/pflag',
    ) as SpdxPackage;
    next.packages = next.packages.filter((p) => p !== dropped);
    next.packages.push({
      name: 'left-pad',
      SPDXID: 'SPDXRef-Package-npm-left-pad-0001',
      versionInfo: '1.3.0',
      externalRefs: [{ referenceType: 'purl', referenceLocator: 'pkg:npm/left-pad@1.3.0' }],
    });

    const diff = diffSboms(readSbom(fixture(KUBECTL)), parseSbom('next.json', JSON.stringify(next)));
    expect(diff.added).toEqual([
      { key: 'pkg:npm/left-pad', name: 'left-pad', type: 'npm', version: '1.3.0' },
    ]);
    expect(diff.removed).toEqual([
      {
        key: 'pkg:golang/github.com/spf13/pflag',
        name: 'github.com/spf13/pflag',
        type: 'golang',
        version: dropped.versionInfo,
      },
    ]);
    expect(diff.changed).toEqual([
      {
        key: 'pkg:golang/github.com/spf13/cobra',
        name: 'github.com/spf13/cobra',
        type: 'golang',
        from: [before],
        to: ['v9.9.9'],
      },
    ]);
    expect(diff.unchanged).toBe(86);
    expect(diff.old).toEqual({ file: fixture(KUBECTL), format: 'spdx-json', packages: 88 });
    expect(diff.new).toEqual({ file: 'next.json', format: 'spdx-json', packages: 88 });

    expect(formatDiffText(diff).split('\n')).toEqual([
      '1 added, 1 removed, 1 changed, 86 unchanged',
      `old: ${fixture(KUBECTL)} (spdx-json, 88 packages)`,
      'new: next.json (spdx-json, 88 packages)',
      '',
      'added:',
      '  + left-pad 1.3.0 (npm)',
      '',
      'removed:',
      `  - github.com/spf13/pflag ${dropped.versionInfo} (golang)`,
      '',
      'changed:',
      `  ~ github.com/spf13/cobra ${before} -> v9.9.9 (golang)`,
    ]);
  });

  it('compares two different real syft SBOMs across formats (CycloneDX 1.4 of 0.58 and syft JSON of 0.101)', () => {
    const older = readSbom(fixture('real/alpine.syft-0.58.0.cyclonedx-1.4.json'));
    const newer = readSbom(fixture('real/alpine.syft-0.101.1.syft.json'));
    const diff = diffSboms(older, newer);
    // syft 0.58 typed Alpine packages pkg:alpine, later releases pkg:apk: the identities differ,
    // so every package shows as removed and added; the counts follow from the files.
    expect(diff.removed).toHaveLength(older.packages.length);
    expect(diff.added).toHaveLength(newer.packages.length);
    expect(diff.removed.every((p) => p.type === 'alpine')).toBe(true);
    expect(diff.added.every((p) => p.type === 'apk')).toBe(true);
    expect(diff.added.map((p) => p.name)).toContain('busybox');
  });

  it('treats several versions of one package as one entry that changed', () => {
    const spdx = (versions: string[]) =>
      JSON.stringify({
        spdxVersion: 'SPDX-2.3',
        SPDXID: 'SPDXRef-DOCUMENT',
        packages: versions.map((v, i) => ({
          name: 'golang.org/x/net',
          SPDXID: `SPDXRef-Package-${i}`,
          versionInfo: v,
          externalRefs: [{ referenceType: 'purl', referenceLocator: `pkg:golang/golang.org/x/net@${v}` }],
        })),
      });
    const diff = diffSboms(
      parseSbom('a', spdx(['v0.17.0', 'v0.23.0'])),
      parseSbom('b', spdx(['v0.23.0', 'v0.25.0'])),
    );
    expect(diff.changed).toEqual([
      {
        key: 'pkg:golang/golang.org/x/net',
        name: 'golang.org/x/net',
        type: 'golang',
        from: ['v0.17.0', 'v0.23.0'],
        to: ['v0.23.0', 'v0.25.0'],
      },
    ]);
    expect(
      hasChanges(diffSboms(parseSbom('a', spdx(['v1', 'v2'])), parseSbom('b', spdx(['v2', 'v1', 'v1'])))),
    ).toBe(false);
  });
});

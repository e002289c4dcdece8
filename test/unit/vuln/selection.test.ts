import { describe, expect, it } from '@jest/globals';
import { ACTION_INPUT_NAMES, cliInputNames, describeError, InputError } from '@release-actions/core';
import { defaultOutputDir, planScan, type ScanSubject } from '@release-actions/vuln';

/** The error planScan throws for `subject`, as the action and as the CLI print it. */
function refusal(subject: ScanSubject): { action: string; cli: string; error: InputError } {
  let thrown: unknown;
  try {
    planScan(subject);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InputError);
  return {
    action: describeError(thrown, ACTION_INPUT_NAMES),
    cli: describeError(
      thrown,
      cliInputNames({ source: '<source>', image: '<source>', sbom: '<source>', path: '<source>' }),
    ),
    error: thrown as InputError,
  };
}

describe('planScan: what one scan judges', () => {
  it('one source of the three, as it is', () => {
    expect(planScan({ image: 'busybox:1.32.1' })).toEqual({
      kind: 'source',
      source: { kind: 'image', value: 'busybox:1.32.1' },
    });
    expect(planScan({ sbom: '/ws/sbom.spdx.json' })).toEqual({
      kind: 'source',
      source: { kind: 'sbom', value: '/ws/sbom.spdx.json' },
    });
    expect(planScan({ path: '/ws/chart' })).toEqual({
      kind: 'source',
      source: { kind: 'path', value: '/ws/chart' },
    });
  });

  it('a manifest (with platforms all or none), an image with platforms, a report alone', () => {
    expect(planScan({ sbomManifest: '/ws/sbom-platforms.json' })).toEqual({
      kind: 'manifest',
      manifest: '/ws/sbom-platforms.json',
    });
    expect(planScan({ sbomManifest: '/ws/m.json', platforms: 'ALL' })).toEqual({
      kind: 'manifest',
      manifest: '/ws/m.json',
    });
    expect(planScan({ image: 'ghcr.io/o/app:1', platforms: 'linux/amd64, linux/arm/v7' })).toEqual({
      kind: 'platforms',
      image: 'ghcr.io/o/app:1',
      selection: ['linux/amd64', 'linux/arm/v7'],
    });
    expect(planScan({ report: '/tmp/grype.json' })).toEqual({ kind: 'report', report: '/tmp/grype.json' });
  });

  it('refuses none or two of image, sbom, path and file, naming what was given', () => {
    const syntax =
      "'source' (image:<reference>, sbom:<file>, dir:<path>, file:<path> or a bare image reference)";
    expect(refusal({}).action).toBe(`Give what to scan: ${syntax}.`);
    expect(refusal({}).cli).toMatch(/^Give what to scan: <source> \(image:<reference>/);
    expect(refusal({ image: 'a', path: '/ws' }).action).toBe(
      `Give one thing to scan, not image and path: ${syntax}.`,
    );
    expect(refusal({ sbom: '/ws/s.json', file: '/ws/image.tar' }).action).toBe(
      `Give one thing to scan, not sbom and file: ${syntax}.`,
    );
  });

  it('plans a file (an image archive or any file) as one source', () => {
    expect(planScan({ file: '/ws/image.tar' })).toEqual({
      kind: 'source',
      source: { kind: 'file', value: '/ws/image.tar' },
    });
    expect(refusal({ file: '/ws/image.tar', platforms: 'all' }).action).toMatch(
      /^Input 'platforms': applies to an image read from the registry/,
    );
  });

  it('refuses a manifest with another target, and a platform list with a manifest', () => {
    const both = refusal({ sbomManifest: '/ws/m.json', sbom: '/ws/s.json' });
    expect(both.error.input).toBe('sbom-manifest');
    expect(both.action).toBe(
      "Input 'sbom-manifest': names what to scan; give no other source (image, SBOM, path or file) with it.",
    );
    expect(both.cli).toBe(
      '--sbom-manifest: names what to scan; give no other source (image, SBOM, path or file) with it.',
    );

    const listed = refusal({ sbomManifest: '/ws/m.json', platforms: 'linux/amd64' });
    expect(listed.cli).toBe(
      "--platforms: every platform of the sbom step's platforms manifest is scanned; give all or leave it out.",
    );
  });

  it('refuses platforms without an image, and a platform that is not one, naming the input', () => {
    const withSbom = refusal({ sbom: '/ws/s.json', platforms: 'all' });
    expect(withSbom.action).toMatch(/^Input 'platforms': applies to an image read from the registry/);
    expect(withSbom.cli).toMatch(/^--platforms: applies to an image read from the registry/);

    const bad = refusal({ image: 'ghcr.io/o/app:1', platforms: 'amd64' });
    expect(bad.error.input).toBe('platforms');
    expect(bad.cli).toMatch(/^--platforms: "amd64" is not a platform/);
  });

  it('refuses a report with anything else to scan', () => {
    for (const other of [{ image: 'a' }, { sbomManifest: '/ws/m.json' }, { platforms: 'all' }]) {
      const refused = refusal({ report: '/tmp/grype.json', ...other });
      expect(refused.cli).toBe('--report: judges one report; give nothing else to scan with it.');
    }
  });
});

describe('defaultOutputDir: one directory per scanned thing', () => {
  it('scan-<first 12 hex of sha256("<kind>:<value>")> under the given folder', () => {
    // sha256("image:busybox:1.32.1") = 62fb8ef91c12…: the name the action has always used.
    expect(
      defaultOutputDir(
        '/runner/temp',
        { kind: 'source', source: { kind: 'image', value: 'busybox:1.32.1' } },
        '',
      ),
    ).toBe('/runner/temp/scan-62fb8ef91c12');
  });

  it('per-platform scans are named by the subject judged, not by how it was asked for', () => {
    const subject = 'ghcr.io/o/app@sha256:00';
    const fromManifest = defaultOutputDir('/t', { kind: 'manifest', manifest: '/ws/m.json' }, subject);
    const fromImage = defaultOutputDir(
      '/t',
      { kind: 'platforms', image: 'ghcr.io/o/app:1', selection: 'all' },
      subject,
    );
    expect(fromManifest).toBe('/t/scan-f446e9c6e0d2');
    expect(fromImage).toBe(fromManifest);
  });

  it('the same value as another kind of source gets another directory', () => {
    const sbom = defaultOutputDir('/t', { kind: 'source', source: { kind: 'sbom', value: '/ws/x' } }, '');
    const dir = defaultOutputDir('/t', { kind: 'source', source: { kind: 'path', value: '/ws/x' } }, '');
    const report = defaultOutputDir('/t', { kind: 'report', report: '/ws/x' }, '');
    expect(new Set([sbom, dir, report]).size).toBe(3);
  });
});

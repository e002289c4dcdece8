import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSboms, resolveSource, syftVersion } from '@release-actions/sbom';
import type { GenerateOptions } from '@release-actions/sbom';
import { silentLogger } from '@release-actions/core';
import { fakesBin, repoRoot } from '../../harness/run-bundle.js';

/** generateSboms in this process, with the fake syft as the command. */

const fakeSyft = path.join(fakesBin, 'syft');
const golden = (name: string) => path.join(repoRoot, 'test/fixtures/upstream/syft/golden', name);
const DIGEST = `sha256:${'cd'.repeat(32)}`;

/**
 * The golden as syft wrote it for ghcr.io/o/app@DIGEST: the fake puts the image's name and digest
 * in metadata.component where real syft does; put the golden's values back to compare the rest.
 */
function asCataloguedByDigest(text: string): unknown {
  const doc = JSON.parse(text);
  expect(doc.metadata.component).toMatchObject({ name: 'ghcr.io/o/app', version: DIGEST });
  doc.metadata.component.name = 'user-image-input';
  doc.metadata.component.version = 'sha256:redacted';
  return doc;
}
const saved = { ...process.env };
let scratch: string;
let log: string;

beforeEach(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'sbom-generate-'));
  log = path.join(scratch, 'fake.log');
  process.env.FAKE_LOG = log;
});

afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

function options(overrides: Partial<GenerateOptions> = {}): GenerateOptions {
  return {
    source: resolveSource({ image: `ghcr.io/o/app@${DIGEST}` }),
    formats: ['spdx-json', 'cyclonedx-json'],
    outputDir: path.join(scratch, 'out'),
    prefix: 'sbom',
    logger: silentLogger,
    command: fakeSyft,
    ...overrides,
  };
}

function argvOf(command: string): string[][] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { argv: string[] })
    .map((call) => call.argv)
    .filter((argv) => argv[0] === command);
}

describe('generateSboms', () => {
  it('writes, checks and moves every file, and reports what it found', async () => {
    const result = await generateSboms(options());
    const out = path.join(scratch, 'out');
    expect(readdirSync(out).sort()).toEqual(['sbom-cyclonedx.json', 'sbom-spdx.json']);
    expect(result.syftVersion).toBe('1.54.1');
    expect(result.files.map((f) => [f.format, f.path, f.specVersion, f.packages])).toEqual([
      ['spdx-json', path.join(out, 'sbom-spdx.json'), 'SPDX-2.3', 2],
      ['cyclonedx-json', path.join(out, 'sbom-cyclonedx.json'), 'CycloneDX 1.7', 2],
    ]);
    expect(result.countsByType).toEqual({ deb: 1, unknown: 1 });
    expect(result.document.file).toBe(path.join(out, 'sbom-spdx.json'));
    expect(argvOf('scan')).toHaveLength(1);
  });

  it('writes files named per format where asked (the CLI --format f=file)', async () => {
    const result = await generateSboms(
      options({ formats: ['cyclonedx-json'], fileNames: { 'cyclonedx-json': 'nested/bom.cdx.json' } }),
    );
    expect(result.files.map((f) => f.path)).toEqual([path.join(scratch, 'out', 'nested', 'bom.cdx.json')]);
    expect(
      asCataloguedByDigest(readFileSync(path.join(scratch, 'out', 'nested', 'bom.cdx.json'), 'utf8')),
    ).toEqual(JSON.parse(readFileSync(golden('cyclonedx-json-1.7.image.golden.json'), 'utf8')));
    expect(result.files[0]?.subject).toEqual({ kind: 'image', digest: DIGEST, name: 'ghcr.io/o/app' });
  });

  it('leaves an earlier file untouched and writes no new one when a file fails its check', async () => {
    const out = path.join(scratch, 'out');
    await generateSboms(options());
    writeFileSync(path.join(out, 'sbom-spdx.json'), 'previous release');
    process.env.FAKE_SYFT_CYCLONEDX_FILE = golden('spdx-json.image.golden.json');
    await expect(generateSboms(options())).rejects.toThrow(
      `SBOM file ${path.join(out, 'sbom-cyclonedx.json')} is not cyclonedx-json: it is spdx-json.`,
    );
    expect(readFileSync(path.join(out, 'sbom-spdx.json'), 'utf8')).toBe('previous release');
    expect(readdirSync(out).sort()).toEqual(['sbom-cyclonedx.json', 'sbom-spdx.json']);
    // The CycloneDX file there is the one of the first run, not the bad one.
    expect(asCataloguedByDigest(readFileSync(path.join(out, 'sbom-cyclonedx.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(golden('cyclonedx-json-1.7.image.golden.json'), 'utf8')),
    );
  });

  it('refuses two formats written to one file, before running syft', async () => {
    await expect(
      generateSboms(options({ fileNames: { 'spdx-json': 'x.json', 'cyclonedx-json': './x.json' } })),
    ).rejects.toThrow(
      `Input 'formats': two formats would be written to the same file ${path.join(scratch, 'out', 'x.json')}.`,
    );
    expect(existsSync(log)).toBe(false);
  });

  it('fails when syft is not there, saying how to get it, under the code SYFT_FAILED', async () => {
    const failure = generateSboms(options({ command: path.join(scratch, 'no-syft') }));
    await expect(failure).rejects.toThrow(/no-syft was not found on PATH/);
    await expect(failure).rejects.toMatchObject({ code: 'SYFT_FAILED' });
  });

  it('reports a failed syft scan under the code SYFT_FAILED, with its message', async () => {
    process.env.FAKE_SYFT_SCAN_EXIT = '1';
    process.env.FAKE_SYFT_SCAN_STDERR = 'could not determine source';
    const failure = generateSboms(options());
    await expect(failure).rejects.toThrow(/syft exited with code 1: could not determine source$/);
    await expect(failure).rejects.toMatchObject({ code: 'SYFT_FAILED' });
  });

  it('reads the version from `syft version -o json` and fails on output without one', async () => {
    process.env.FAKE_SYFT_VERSION = '1.60.0';
    await expect(syftVersion({ command: fakeSyft, logger: silentLogger })).resolves.toBe('1.60.0');
    expect(argvOf('version')).toEqual([['version', '-o', 'json']]);
    const text = path.join(scratch, 'text');
    writeFileSync(text, 'Application: syft\n');
    process.env.FAKE_SYFT_STDOUT_FILE = text;
    await expect(syftVersion({ command: fakeSyft, logger: silentLogger })).rejects.toThrow(
      /^syft version -o json printed no version: Application: syft/,
    );
    await expect(syftVersion({ command: fakeSyft, logger: silentLogger })).rejects.toMatchObject({
      code: 'SYFT_FAILED',
    });
  });
});

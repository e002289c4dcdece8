import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Markdown, silentLogger, type Logger } from '@release-actions/core';
import {
  createSboms,
  renderSbomSummary,
  renderSbomText,
  sbomJson,
  sbomOutputs,
  type SbomRequest,
} from '@release-actions/sbom';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fakesBin, repoRoot } from '../../harness/run-bundle.js';

/**
 * createSboms, the one call of the sbom action and `release-actions sbom`, with the fake syft as
 * the command: what it checks before syft runs, the credentials syft gets, and the three renderings
 * of its result (outputs, job summary, text) that the two front ends write.
 */

const fakeSyft = path.join(fakesBin, 'syft');
const KUBECTL = path.join(
  repoRoot,
  'test/fixtures/upstream/syft/real/kubectl-linux-amd64.syft-0.90.0.spdx-2.3.json',
);
const DIGEST = `sha256:${'cd'.repeat(32)}`;
const saved = { ...process.env };
let scratch: string;
let log: string;
let app: string;

beforeEach(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'sbom-create-'));
  log = path.join(scratch, 'fake.log');
  app = path.join(scratch, 'app');
  mkdirSync(app);
  process.env.FAKE_LOG = log;
  process.env.FAKE_RECORD_ENV = 'SYFT_REGISTRY_AUTH_AUTHORITY,SYFT_REGISTRY_AUTH_USERNAME';
});

afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

function request(overrides: Partial<SbomRequest> = {}): SbomRequest {
  return {
    source: { path: app },
    formats: ['spdx-json', 'cyclonedx-json'],
    outputDir: path.join(scratch, 'out'),
    prefix: 'sbom',
    logger: silentLogger,
    command: fakeSyft,
    ...overrides,
  };
}

function scans(): { argv: string[]; env: Record<string, string> }[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { argv: string[]; env: Record<string, string> })
    .filter((call) => call.argv[0] === 'scan');
}

describe('createSboms', () => {
  it('catalogues a directory and compares with the earlier SBOM', async () => {
    const result = await createSboms(request({ compareTo: KUBECTL }));
    const out = path.join(scratch, 'out');
    expect(scans().map((call) => call.argv[1])).toEqual([`dir:${app}`]);
    expect(result.index).toBe(false);
    expect(result.manifest).toBeUndefined();
    expect(result.seed.files.map((f) => f.path)).toEqual([
      path.join(out, 'sbom-spdx.json'),
      path.join(out, 'sbom-cyclonedx.json'),
    ]);
    expect(result.diff).toMatchObject({ old: { file: KUBECTL, packages: 88 }, unchanged: 0 });
    expect(result.diff?.added).toHaveLength(2);
  });

  it.each([
    [
      { source: {} },
      'No source given: set source (image:<reference>, dir:<path>, file:<path> or a bare image reference).',
    ],
    [{ formats: ['spdx-json', 'spdx-json'] }, `Input 'formats': a format is listed twice`],
    [{ prefix: '../x' }, `Input 'output-prefix': "../x" is not accepted`],
    [{ platform: 'linux arm64' }, `Input 'platform': "linux arm64" is not a platform`],
    [{ platforms: 'linux/amd64,linux/amd64' }, `Input 'platforms': "linux/amd64" is listed twice.`],
    [{ platforms: 'all' }, "Input 'platforms': needs an image read from the registry"],
    [{ compareTo: '/nowhere.json' }, `Input 'compare-to': "/nowhere.json" does not exist; give an SPDX`],
  ] as [Partial<SbomRequest>, string][])('refuses %j before syft runs', async (change, message) => {
    await expect(createSboms(request(change))).rejects.toThrow(message);
    expect(scans()).toEqual([]);
    expect(existsSync(path.join(scratch, 'out'))).toBe(false);
  });

  it('refuses platform and platforms together, naming the second', async () => {
    await expect(
      createSboms(
        request({ source: { image: `ghcr.io/o/app@${DIGEST}` }, platform: 'linux/amd64', platforms: 'all' }),
      ),
    ).rejects.toMatchObject({
      input: 'platforms',
      detail: 'cannot be combined with platform; give one of the two.',
    });
  });

  it('gives syft the credentials for the image registry only when a secret is given', async () => {
    const image = { image: 'ghcr.io/o/app:1.0', imageSource: 'docker' as const };
    const notices: string[] = [];
    const logger: Logger = { ...silentLogger, notice: (message) => notices.push(message) };
    await createSboms(request({ source: image, credentials: { username: 'u', password: 'p' }, logger }));
    await createSboms(request({ source: image, credentials: { username: 'u' } }));
    await createSboms(request({ source: image, credentials: { authority: 'other.io', token: 't' } }));
    expect(scans().map((call) => call.env)).toEqual([
      { SYFT_REGISTRY_AUTH_AUTHORITY: 'ghcr.io', SYFT_REGISTRY_AUTH_USERNAME: 'u' },
      {},
      { SYFT_REGISTRY_AUTH_AUTHORITY: 'other.io' },
    ]);
    expect(notices).toEqual([
      '"ghcr.io/o/app:1.0" is a tag; prefer a digest (name@sha256:…) so the SBOM describes exactly the image you release.',
    ]);
  });
});

describe('the renderings of a result', () => {
  it('give the same facts as outputs, job summary, text and JSON', async () => {
    const result = await createSboms(request({ compareTo: KUBECTL }));
    const out = path.join(scratch, 'out');
    expect(sbomOutputs(result)).toEqual({
      'spdx-json': path.join(out, 'sbom-spdx.json'),
      'cyclonedx-json': path.join(out, 'sbom-cyclonedx.json'),
      files: [path.join(out, 'sbom-spdx.json'), path.join(out, 'sbom-cyclonedx.json')],
      packages: 2,
      'package-counts': { deb: 1, unknown: 1 },
      'syft-version': '1.54.1',
      manifest: '',
      platforms: [],
      added: 2,
      removed: 88,
      changed: 0,
    });
    const summary = renderSbomSummary(result, new Markdown()).toString();
    expect(summary).toContain(`Source: \`directory ${app}\``);
    expect(summary).toContain('| spdx-json | `sbom-spdx.json` | SPDX-2.3 | 2 |');
    expect(summary).toContain('2 added, 88 removed, 0 changed, 0 unchanged.');
    const text = renderSbomText(result);
    expect(text.split('\n')[0]).toBe(
      `SBOMs written for directory ${app}: 2 file(s), 2 packages (syft 1.54.1).`,
    );
    expect(text).toContain(`source: directory ${app}\nsyft: 1.54.1\npackages: 2\n`);
    expect(text).toContain('2 added, 88 removed, 0 changed, 0 unchanged');
    expect(sbomJson(result)).toMatchObject({
      source: { kind: 'path', value: app },
      packages: 2,
      manifest: null,
      platforms: [],
      diff: { unchanged: 0 },
    });
  });

  it('appends the summary to the document it is given', async () => {
    const result = await createSboms(request());
    const md = new Markdown().paragraph('before');
    expect(renderSbomSummary(result, md)).toBe(md);
    expect(md.toString()).toMatch(/^before\n\n## SBOM\n/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BundleOptions, BundleResult } from '../../harness/run-bundle.js';
import { errors, fakesBin, repoRoot, runBundle } from '../../harness/run-bundle.js';
import { Layout } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';

/** The sbom action's bundle, run as the runner runs it, with the fake syft first on PATH. */

interface SyftCall {
  tool: string;
  argv: string[];
  env: Record<string, string>;
}

const upstream = path.join(repoRoot, 'test', 'fixtures', 'upstream', 'syft');
/**
 * A single-platform image on a loopback registry: the action asks the registry whether the image
 * is an index before syft runs. Tables built before the registry starts name it '@image'.
 */
let registry: Registry;
let layout: Layout;
let DIGEST: string;
let IMAGE: string;
const AT_IMAGE = '@image';

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  DIGEST = layout.image('1.0', { os: 'linux', architecture: 'amd64' }, 'hello\n').digest;
  await layout.push('1.0', registry.host, 'aotanami/aotanami');
  IMAGE = `${registry.host}/aotanami/aotanami@${DIGEST}`;
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
});
/**
 * What syft 1.54.1 writes to stderr (exit 1) when the registry wants credentials it was not given,
 * as test/real/syft.test.ts sees it.
 */
const MISSING = `127.0.0.1:5000/o/app@sha256:${'0'.repeat(64)}`;
const GET = `GET http://127.0.0.1:5000/v2/o/app/manifests/sha256:${'0'.repeat(64)}`;
const SYFT_UNAUTHORIZED = [
  `[0000] ERROR could not determine source: errors occurred attempting to resolve '${MISSING}':`,
  `  - oci-registry: failed to get image descriptor from registry: ${GET}: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:o/app Type:repository]]`,
  `  - oci-model: failed to fetch descriptor: ${GET}: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:o/app Type:repository]]`,
  '',
].join('\n');
const RECORDED_ENV = [
  'SYFT_CHECK_FOR_APP_UPDATE',
  'SYFT_REGISTRY_AUTH_AUTHORITY',
  'SYFT_REGISTRY_AUTH_USERNAME',
  'SYFT_REGISTRY_AUTH_PASSWORD',
  'SYFT_REGISTRY_AUTH_TOKEN',
  'SYFT_SCOPE',
  'INPUT_REGISTRY-PASSWORD',
  'INPUT_IMAGE',
].join(',');

async function runSbom(
  inputs: Record<string, string>,
  options: Omit<BundleOptions, 'inputs'> = {},
): Promise<{ result: BundleResult; calls: SyftCall[] }> {
  const log = path.join(mkdtempSync(path.join(os.tmpdir(), 'sbom-e2e-')), 'fake.log');
  const result = await runBundle('sbom', {
    ...options,
    inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v === AT_IMAGE ? IMAGE : v])),
    path: [fakesBin],
    env: { FAKE_LOG: log, FAKE_RECORD_ENV: RECORDED_ENV, ...options.env },
  });
  const calls = existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as SyftCall)
    : [];
  return { result, calls };
}

/** The one error line of a failed run (and that there is exactly one). */
function oneError(result: BundleResult): string {
  expect(result.exitCode).toBe(1);
  const lines = errors(result);
  expect(lines).toHaveLength(1);
  return lines[0] as string;
}

function scanCall(calls: SyftCall[]): SyftCall {
  const scans = calls.filter((c) => c.argv[0] === 'scan');
  expect(scans).toHaveLength(1);
  return scans[0] as SyftCall;
}

/** Every file left in a directory, the scratch ones included. */
function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('sbom action', () => {
  it('writes SPDX and CycloneDX from one syft pass over the registry image, with outputs and summary', async () => {
    const { result, calls } = await runSbom({ image: IMAGE });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);

    // syft from PATH is used as it is (its version logged), then asked its version as JSON, then run once.
    expect(calls.map((c) => c.argv[0])).toEqual(['version', 'version', 'scan']);
    expect(calls[0]?.argv).toEqual(['version']);
    expect(calls[1]?.argv).toEqual(['version', '-o', 'json']);
    const scan = scanCall(calls);
    const spdx = path.join(result.runnerTemp, 'sbom-spdx.json');
    const cyclonedx = path.join(result.runnerTemp, 'sbom-cyclonedx.json');
    // Scratch names are random; the shape of every argument is exact.
    expect(scan.argv).toHaveLength(6);
    expect(scan.argv.slice(0, 3)).toEqual(['scan', `registry:${IMAGE}`, '-o']);
    expect(scan.argv[3]).toMatch(
      new RegExp(`^spdx-json=${result.runnerTemp}/\\.sbom-[^/]+/0-sbom-spdx\\.json$`),
    );
    expect(scan.argv[4]).toBe('-o');
    expect(scan.argv[5]).toMatch(
      new RegExp(`^cyclonedx-json=${result.runnerTemp}/\\.sbom-[^/]+/1-sbom-cyclonedx\\.json$`),
    );
    expect(scan.env).toEqual({ SYFT_CHECK_FOR_APP_UPDATE: 'false' });

    expect(result.outputs).toEqual({
      outcome: 'passed',
      'spdx-json': spdx,
      'cyclonedx-json': cyclonedx,
      files: JSON.stringify([spdx, cyclonedx]),
      packages: '2',
      'package-counts': JSON.stringify({ deb: 1, unknown: 1 }),
      'syft-version': '1.54.1',
      digest: DIGEST,
      manifest: path.join(result.runnerTemp, 'sbom-platforms.json'),
      platforms: JSON.stringify([
        {
          platform: 'linux/amd64',
          digest: DIGEST,
          'spdx-json': 'sbom-spdx.json',
          'cyclonedx-json': 'sbom-cyclonedx.json',
          packages: 2,
        },
      ]),
    });
    // The files are the upstream documents syft wrote (describing the image by its digest, as
    // syft does), moved into place; no scratch directory is left.
    const spdxDoc = JSON.parse(readFileSync(spdx, 'utf8'));
    const golden = JSON.parse(
      readFileSync(path.join(upstream, 'golden/spdx-json.image.golden.json'), 'utf8'),
    );
    expect(spdxDoc.packages.length).toBe(golden.packages.length);
    expect(
      spdxDoc.packages.find((p: { SPDXID: string }) => p.SPDXID.startsWith('SPDXRef-DocumentRoot'))
        .versionInfo,
    ).toBe(DIGEST);
    expect(JSON.parse(readFileSync(cyclonedx, 'utf8')).metadata.component.version).toBe(DIGEST);
    expect(filesIn(result.runnerTemp)).toEqual([
      'sbom-cyclonedx.json',
      'sbom-platforms.json',
      'sbom-spdx.json',
    ]);
    // A single image: one manifest entry, the seed files, its platform read from the image config.
    expect(JSON.parse(readFileSync(path.join(result.runnerTemp, 'sbom-platforms.json'), 'utf8'))).toEqual({
      version: 1,
      subject: IMAGE,
      platforms: [
        {
          platform: 'linux/amd64',
          digest: DIGEST,
          'spdx-json': 'sbom-spdx.json',
          'cyclonedx-json': 'sbom-cyclonedx.json',
          packages: 2,
        },
      ],
    });
    // Nothing was written into the checkout.
    expect(filesIn(result.workspace)).toEqual([]);

    expect(result.summary).toContain('## SBOM');
    expect(result.summary).toContain(`Source: \`image ${IMAGE}\``);
    expect(result.summary).toContain(`Digest: \`${DIGEST}\``);
    expect(result.summary).toContain('syft: `1.54.1`');
    expect(result.summary).toContain('| spdx-json | `sbom-spdx.json` | SPDX-2.3 | 2 |');
    expect(result.summary).toContain('| cyclonedx-json | `sbom-cyclonedx.json` | CycloneDX 1.7 | 2 |');
    expect(result.summary).toContain('| deb | 1 |');
    // A digest was given: no notice asking for one.
    expect(result.annotations.filter((a) => a.level === 'notice')).toEqual([]);
  });

  it('counts the packages of real syft output by package URL type', async () => {
    const { result } = await runSbom(
      { image: IMAGE },
      {
        env: {
          FAKE_SYFT_SPDX_FILE: path.join(upstream, 'real/kubectl-linux-amd64.syft-0.90.0.spdx-2.3.json'),
          FAKE_SYFT_CYCLONEDX_FILE: path.join(upstream, 'real/alpine.syft-0.58.0.cyclonedx-1.4.json'),
        },
      },
    );
    expect(errors(result)).toEqual([]);
    // The first format is the one counted: kubectl's 89 SPDX packages less the image itself.
    expect(result.outputs.packages).toBe('88');
    expect(JSON.parse(result.outputs['package-counts'] ?? '')).toEqual({ golang: 85, deb: 3 });
    expect(result.summary).toContain('| golang | 85 |');
    expect(result.summary).toContain('| cyclonedx-json | `sbom-cyclonedx.json` | CycloneDX 1.4 | 14 |');
    // The two files disagree (they are of different images): said, not hidden.
    expect(result.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
      'sbom-cyclonedx.json lists 14 packages, sbom-spdx.json 88.',
    ]);
  });

  it('gives registry credentials to syft in its environment only, masked', async () => {
    const password = 'pa55-w0rd-for-the-registry';
    const { result, calls } = await runSbom(
      { image: IMAGE, 'registry-username': 'release-bot', 'registry-password': password },
      { env: { SYFT_SCOPE: 'all-layers' } },
    );
    expect(errors(result)).toEqual([]);
    const scan = scanCall(calls);
    // Exactly these: the runner's INPUT_REGISTRY-PASSWORD and INPUT_IMAGE are not passed on.
    expect(scan.env).toEqual({
      SYFT_CHECK_FOR_APP_UPDATE: 'false',
      SYFT_REGISTRY_AUTH_AUTHORITY: registry.host,
      SYFT_REGISTRY_AUTH_USERNAME: 'release-bot',
      SYFT_REGISTRY_AUTH_PASSWORD: password,
      // The user's own SYFT_* settings pass through.
      SYFT_SCOPE: 'all-layers',
    });
    for (const call of calls) expect(call.argv.join(' ')).not.toContain(password);
    // `syft version` gets no credentials at all.
    expect(
      calls.filter((c) => c.argv[0] === 'version').map((c) => c.env.SYFT_REGISTRY_AUTH_PASSWORD),
    ).toEqual([undefined, undefined]);
    expect(result.masks).toContain(password);
    expect(result.stdout.replaceAll(`::add-mask::${password}`, '')).not.toContain(password);
  });

  it('gives a token the same way, for the registry the user names', async () => {
    const token = 'registry-bearer-token-value';
    const { result, calls } = await runSbom({
      image: IMAGE,
      registry: registry.host,
      'registry-token': token,
    });
    expect(errors(result)).toEqual([]);
    expect(scanCall(calls).env).toEqual({
      SYFT_CHECK_FOR_APP_UPDATE: 'false',
      SYFT_REGISTRY_AUTH_AUTHORITY: registry.host,
      SYFT_REGISTRY_AUTH_TOKEN: token,
    });
    expect(result.masks).toContain(token);
  });

  it('asks for a digest in a notice when the image is given by tag, and sets no digest output', async () => {
    const { result, calls } = await runSbom({
      image: 'ghcr.io/aotanami/aotanami:v1.2.3',
      'image-source': 'docker',
    });
    expect(errors(result)).toEqual([]);
    expect(scanCall(calls).argv[1]).toBe('docker:ghcr.io/aotanami/aotanami:v1.2.3');
    const notices = result.annotations.filter((a) => a.level === 'notice').map((a) => a.message);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^"ghcr\.io\/aotanami\/aotanami:v1\.2\.3" is a tag; prefer a digest/);
    expect(result.outputs.digest).toBeUndefined();
    expect(result.summary).toContain('Digest: not given (the image was named by tag)');
  });

  it('catalogues a directory with dir:, a file by its path, with the formats, prefix, directory and platform asked', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'sbom-ws-'));
    mkdirSync(path.join(workspace, 'app'));
    mkdirSync(path.join(workspace, 'out'));
    writeFileSync(path.join(workspace, 'image.tar'), 'tar');

    const dir = await runSbom(
      {
        path: 'app',
        formats: 'CycloneDX-JSON, syft-json',
        'output-prefix': 'helm-sbom',
        'output-dir': 'out',
      },
      { workspace },
    );
    expect(errors(dir.result)).toEqual([]);
    const scan = scanCall(dir.calls);
    expect(scan.argv[1]).toBe(`dir:${path.join(workspace, 'app')}`);
    expect(scan.argv.filter((a) => a.includes('='))).toEqual([
      expect.stringMatching(/^cyclonedx-json=.*\/0-helm-sbom-cyclonedx\.json$/),
      expect.stringMatching(/^syft-json=.*\/1-helm-sbom-syft\.json$/),
    ]);
    expect(dir.result.outputs.files).toBe(
      JSON.stringify([
        path.join(workspace, 'out/helm-sbom-cyclonedx.json'),
        path.join(workspace, 'out/helm-sbom-syft.json'),
      ]),
    );
    expect(dir.result.outputs['spdx-json']).toBeUndefined();
    expect(dir.result.outputs['syft-json']).toBe(path.join(workspace, 'out/helm-sbom-syft.json'));

    const file = await runSbom({ file: 'image.tar', platform: 'linux/arm64' }, { workspace });
    expect(errors(file.result)).toEqual([]);
    const fileScan = scanCall(file.calls);
    expect(fileScan.argv[1]).toBe(path.join(workspace, 'image.tar'));
    expect(fileScan.argv.slice(-1)).toEqual(['--platform=linux/arm64']);
  });

  it('takes the source input in the syntax scan shares: image:, a bare reference, dir:, file:', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'sbom-ws-'));
    mkdirSync(path.join(workspace, 'app'));
    writeFileSync(path.join(workspace, 'image.tar'), 'tar');

    for (const source of [`image:${IMAGE}`, IMAGE]) {
      const image = await runSbom({ source }, { workspace });
      expect(errors(image.result)).toEqual([]);
      expect(scanCall(image.calls).argv[1]).toBe(`registry:${IMAGE}`);
      expect(image.result.outputs.digest).toBe(DIGEST);
    }
    const dir = await runSbom({ source: 'dir:app' }, { workspace });
    expect(errors(dir.result)).toEqual([]);
    expect(scanCall(dir.calls).argv[1]).toBe(`dir:${path.join(workspace, 'app')}`);
    const file = await runSbom({ source: 'file:image.tar' }, { workspace });
    expect(errors(file.result)).toEqual([]);
    expect(scanCall(file.calls).argv[1]).toBe(path.join(workspace, 'image.tar'));
  });

  it('reads a bare source that is also a directory of the workspace as the image, with a warning', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'sbom-ws-'));
    // The reference itself names a directory here (a colon is a valid file name character).
    mkdirSync(path.join(workspace, IMAGE), { recursive: true });
    const { result, calls } = await runSbom({ source: IMAGE }, { workspace });
    expect(errors(result)).toEqual([]);
    expect(scanCall(calls).argv[1]).toBe(`registry:${IMAGE}`);
    expect(result.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
      `source "${IMAGE}" is read as the image ${IMAGE}; a directory of that name is here too: write dir:${IMAGE} to use it, or image:${IMAGE} to say you mean the image.`,
    ]);
  });

  it('writes to a directory under RUNNER_TEMP given as an absolute path', async () => {
    const temp = mkdtempSync(path.join(os.tmpdir(), 'sbom-temp-'));
    const out = path.join(temp, 'sboms', 'image');
    const { result } = await runSbom({ image: IMAGE, 'output-dir': out }, { env: { RUNNER_TEMP: temp } });
    expect(errors(result)).toEqual([]);
    expect(result.outputs.files).toBe(
      JSON.stringify([path.join(out, 'sbom-spdx.json'), path.join(out, 'sbom-cyclonedx.json')]),
    );
    expect(filesIn(temp)).toEqual([
      'sboms/image/sbom-cyclonedx.json',
      'sboms/image/sbom-platforms.json',
      'sboms/image/sbom-spdx.json',
    ]);
  });

  it('compares with an earlier SBOM in the summary and outputs', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'sbom-ws-'));
    writeFileSync(
      path.join(workspace, 'previous.json'),
      readFileSync(path.join(upstream, 'real/kubectl-linux-amd64.syft-0.90.0.spdx-2.3.json')),
    );
    const { result } = await runSbom({ image: IMAGE, 'compare-to': 'previous.json' }, { workspace });
    expect(errors(result)).toEqual([]);
    // kubectl's 88 packages are gone; the golden image's package-1 and package-2 are new.
    expect(result.outputs).toMatchObject({ added: '2', removed: '88', changed: '0' });
    expect(result.summary).toContain('### Compared with `previous.json`');
    expect(result.summary).toContain('2 added, 88 removed, 0 changed, 0 unchanged.');
    expect(result.summary).toContain('<details><summary>90 packages</summary>');
    expect(result.summary).toContain('| added | package-2 | deb | 2.0.1 |');
    // 50 of the 88 removed are listed, then a line for the rest.
    expect(result.summary).toContain('| … and 38 more |  |  |  |');
  });

  it('shows a short comparison as a plain table, and none when nothing changed', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'sbom-ws-'));
    const cdx = JSON.parse(
      readFileSync(path.join(upstream, 'golden/cyclonedx-json-1.7.image.golden.json'), 'utf8'),
    );
    writeFileSync(path.join(workspace, 'same.json'), JSON.stringify(cdx));
    cdx.components[1].version = '2.0.0';
    cdx.components[1].purl = 'pkg:deb/debian/package-2@2.0.0';
    writeFileSync(path.join(workspace, 'older.json'), JSON.stringify(cdx));

    const same = await runSbom({ image: IMAGE, 'compare-to': 'same.json' }, { workspace });
    expect(same.result.outputs).toMatchObject({ added: '0', removed: '0', changed: '0' });
    expect(same.result.summary).toContain('0 added, 0 removed, 0 changed, 2 unchanged.');
    expect(same.result.summary).not.toContain('| Change |');

    const older = await runSbom({ image: IMAGE, 'compare-to': 'older.json' }, { workspace });
    expect(older.result.outputs).toMatchObject({ added: '0', removed: '0', changed: '1' });
    expect(older.result.summary).toContain('| changed | package-2 | deb | 2.0.0 → 2.0.1 |');
    expect(older.result.summary).not.toContain('<details>');
  });

  describe('fails with one clear line', () => {
    const cases: [string, Record<string, string>, Record<string, string>, RegExp][] = [
      [
        'two sources',
        { image: AT_IMAGE, path: '.' },
        {},
        /^Input 'path': cannot be combined with image; set exactly one of image, path or file\.$/,
      ],
      [
        'no source',
        {},
        {},
        /^No source given: set source \(image:<reference>, dir:<path>, file:<path> or a bare image reference\)\.$/,
      ],
      [
        'source with an older input',
        { source: 'dir:.', image: AT_IMAGE },
        {},
        /^Input 'source': cannot be combined with 'image'; give the source once, as source \(image:<reference>, dir:<path>, file:<path> or a bare image reference\)\.$/,
      ],
      [
        'source sbom:',
        { source: 'sbom:sbom.json' },
        {},
        /^Input 'source': "sbom:sbom\.json": sbom:<file> is what scan reads; sbom catalogues image:<reference>, dir:<path> or file:<path>\.$/,
      ],
      [
        'source with a malformed digest',
        { source: 'image:ghcr.io/a/b@sha256:abc' },
        {},
        /^Input 'source': invalid image reference "ghcr\.io\/a\/b@sha256:abc": sha256 digest must have 64 hex characters, got 3 \(accepted: /,
      ],
      [
        'source with a missing directory',
        { source: 'dir:nowhere' },
        {},
        /^Input 'source': "dir:nowhere": \/.*\/nowhere does not exist\.$/,
      ],
      [
        'source outside the workspace',
        { source: 'dir:/etc' },
        {},
        /^Input 'source': "\/etc" is outside the workspace/,
      ],
      [
        'source naming a directory as a file',
        { source: 'file:.' },
        {},
        /^Input 'source': "file:\.": \/.* is not a file \(for a directory write dir:\.\)\.$/,
      ],
      [
        'source as a bare path',
        { source: '.' },
        {},
        /^Input 'source': "\." is a directory here, not an image reference; write dir:\. to use it \(a bare value is always an image\)\.$/,
      ],
      [
        'an unknown format',
        { image: AT_IMAGE, formats: 'spdx-json,spdx-tag-value' },
        {},
        /^Input 'formats': "spdx-tag-value" not accepted; use any of spdx-json, cyclonedx-json, syft-json\.$/,
      ],
      [
        'a format twice',
        { image: AT_IMAGE, formats: 'spdx-json,SPDX-json' },
        {},
        /^Input 'formats': a format is listed twice/,
      ],
      [
        'a malformed digest',
        { image: 'ghcr.io/a/b@sha256:abc' },
        {},
        /^Input 'image': invalid image reference "ghcr\.io\/a\/b@sha256:abc": sha256 digest must have 64 hex characters, got 3 \(accepted: /,
      ],
      [
        'an option as image',
        { image: '--config=/etc/passwd' },
        {},
        /^Input 'image': invalid image reference "--config=\/etc\/passwd": repository component "--config=" must be/,
      ],
      [
        'a prefix with a slash',
        { image: AT_IMAGE, 'output-prefix': '../sbom' },
        {},
        /^Input 'output-prefix': "\.\.\/sbom" is not accepted/,
      ],
      ['a missing directory', { path: 'nowhere' }, {}, /^Input 'path': "nowhere" does not exist\.$/],
      [
        'an output directory outside',
        { image: AT_IMAGE, 'output-dir': '/etc' },
        {},
        /^Input 'output-dir': "\/etc" is outside the workspace/,
      ],
      [
        'a password without user',
        { image: AT_IMAGE, 'registry-password': 'xyzzy-secret' },
        {},
        /^Inputs 'registry-username' and 'registry-password' go together/,
      ],
      [
        'a platform that is a flag',
        { image: AT_IMAGE, platform: '--config=x' },
        {},
        /^Input 'platform': "--config=x" is not a platform; use os\/arch\[\/variant\], e\.g\. linux\/arm64\.$/,
      ],
      [
        'an unknown image source',
        { image: AT_IMAGE, 'image-source': 'ftp' },
        {},
        /^Input 'image-source': "ftp" is not accepted; use one of registry, docker, podman, auto\.$/,
      ],
      [
        'an empty output file',
        { image: AT_IMAGE },
        { FAKE_SYFT_OUTPUT: 'empty' },
        /^SBOM file .*\/sbom-spdx\.json is empty\.$/,
      ],
      [
        'a missing output file',
        { image: AT_IMAGE },
        { FAKE_SYFT_OUTPUT: 'missing' },
        /^".*\/sbom-spdx\.json" does not exist; give an SPDX, CycloneDX or syft JSON SBOM: a regular file of at most 512 MiB\.$/,
      ],
      [
        'output that is not JSON',
        { image: AT_IMAGE },
        { FAKE_SYFT_OUTPUT: 'garbage' },
        /^SBOM file .*\/sbom-spdx\.json is not JSON/,
      ],
      [
        'the wrong format',
        { image: AT_IMAGE },
        { FAKE_SYFT_OUTPUT: 'swap' },
        /^SBOM file .*\/sbom-spdx\.json is not spdx-json: it is cyclonedx-json\.$/,
      ],
      [
        'syft failing',
        { image: AT_IMAGE },
        { FAKE_SYFT_SCAN_EXIT: '1', FAKE_SYFT_SCAN_STDERR: SYFT_UNAUTHORIZED },
        /\/syft exited with code 1: \[0000\] ERROR could not determine source: errors occurred attempting to resolve '[^']+': \| {3}- oci-registry: failed to get image descriptor from registry: GET http:\/\/127\.0\.0\.1:5000\/v2\/o\/app\/manifests\/sha256:0{64}: UNAUTHORIZED: authentication required; .* \| {3}- oci-model: .*UNAUTHORIZED.*$/,
      ],
    ];
    /** The error code titling the line, where it is not INPUT_INVALID. */
    const CODES: Record<string, string> = {
      'an empty output file': 'SBOM_INVALID',
      'a missing output file': 'SBOM_INVALID',
      'output that is not JSON': 'SBOM_INVALID',
      'the wrong format': 'SBOM_INVALID',
      'syft failing': 'SYFT_FAILED',
      'a malformed digest': 'REFERENCE_INVALID',
      'an option as image': 'REFERENCE_INVALID',
      'source with a malformed digest': 'REFERENCE_INVALID',
    };
    it.each(cases)('%s', async (name, inputs, env, message) => {
      const { result } = await runSbom(inputs, { env });
      expect(oneError(result)).toMatch(message);
      expect(result.annotations.find((a) => a.level === 'error')?.properties.title).toBe(
        CODES[name] ?? 'INPUT_INVALID',
      );
      // Nothing half-written: no SBOM and no scratch directory left behind.
      expect(filesIn(result.runnerTemp)).toEqual([]);
      expect(result.outputs).toEqual({ outcome: 'error' });
    });

    it('an SPDX 2.2 document where 2.3 was asked', async () => {
      const workspace = mkdtempSync(path.join(os.tmpdir(), 'sbom-ws-'));
      const spdx22 = JSON.parse(
        readFileSync(path.join(upstream, 'golden/spdx-json.image.golden.json'), 'utf8'),
      );
      spdx22.spdxVersion = 'SPDX-2.2';
      writeFileSync(path.join(workspace, 'spdx22.json'), JSON.stringify(spdx22));
      const { result } = await runSbom(
        { image: IMAGE },
        { workspace, env: { FAKE_SYFT_SPDX_FILE: path.join(workspace, 'spdx22.json') } },
      );
      expect(oneError(result)).toMatch(
        /^SBOM file .*\/sbom-spdx\.json has spdxVersion "SPDX-2\.2"; expected SPDX-2\.3\.$/,
      );
    });

    it('a comparison file that is not an SBOM, before syft runs', async () => {
      const workspace = mkdtempSync(path.join(os.tmpdir(), 'sbom-ws-'));
      writeFileSync(path.join(workspace, 'old.json'), '{"hello":"world"}');
      const { result, calls } = await runSbom({ image: IMAGE, 'compare-to': 'old.json' }, { workspace });
      expect(oneError(result)).toBe(
        `SBOM file ${path.join(workspace, 'old.json')} is not an SPDX, CycloneDX or syft JSON document.`,
      );
      expect(calls).toEqual([]);
    });
  });
});

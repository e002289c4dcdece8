import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describedSubject, runSyftScan, scanArguments, syftVersion } from '@release-actions/sbom';
import { silentLogger as quiet } from '@release-actions/core';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pushRealImage, type RealImage } from './harness/image.js';
import { errors, fakesBin, runBundle } from '../harness/run-bundle.js';
import { startRegistry, type Registry } from '../harness/registry.js';
import { recordedCalls, recording, recordingBin } from './harness/record.js';
import { requireRealTools } from './harness/tools.js';

/**
 * What the fake syft (test/fakes/bin/syft) stands in for, asked of the real syft: the argv we
 * pass, the files and stdout it writes, the digest its SBOMs name, its exit codes and the error
 * text our messages carry. Each test is the real counterpart of a fake case.
 */

type Json = Record<string, unknown>;

let bin: string;
let syft: string;
let open: Registry;
let closed: Registry;
let image: RealImage;
let privateImage: RealImage;
const creds = { username: 'release-bot', password: 'loopback-registry-pass' };

beforeAll(async () => {
  bin = requireRealTools('syft');
  syft = path.join(bin, 'syft');
  open = await startRegistry();
  closed = await startRegistry({ auth: creds });
  image = await pushRealImage(open, 'release/app', 'v1');
  privateImage = await pushRealImage(closed, 'private/app', 'v1', creds);
}, 120_000);

afterAll(async () => {
  await open?.stop();
  await closed?.stop();
});

/** The real syft run directly, isolated from the user's syft configuration. */
function runSyft(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'real-syft-home-'));
  const result = spawnSync(syft, args, {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', HOME: home, SYFT_CHECK_FOR_APP_UPDATE: 'false', ...env },
    timeout: 170_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runFake(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string } {
  const result = spawnSync(path.join(fakesBin, 'syft'), args, {
    encoding: 'utf8',
    env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, ...env },
  });
  return { status: result.status, stdout: result.stdout };
}

describe('syft version (fake: `syft version [-o json]`)', () => {
  it('prints JSON with the fields the fake prints, the version being the manifest pin', async () => {
    const real = runSyft(['version', '-o', 'json']);
    expect(real.status).toBe(0);
    const fields = JSON.parse(real.stdout) as Json;
    const fake = JSON.parse(runFake(['version', '-o', 'json']).stdout) as Json;
    expect(Object.keys(fields).sort()).toEqual(Object.keys(fake).sort());
    expect(fields.application).toBe('syft');
    expect(fields.version).toBe('1.54.1');
    // What the product reads from it.
    expect(await syftVersion({ command: syft, logger: quiet })).toBe('1.54.1');
  });

  it('prints the text block with the rows the fake prints, in its order', () => {
    const rows = (text: string) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(':')[0]);
    const real = runSyft(['version']);
    expect(real.status).toBe(0);
    expect(rows(real.stdout)).toEqual(rows(runFake(['version']).stdout));
    expect(real.stdout).toMatch(/^Version:\s+1\.54\.1$/m);
  });
});

describe('syft scan (fake: `syft scan SRC -o FMT=FILE … [--platform=P]`)', () => {
  it('writes every -o FMT=FILE in one pass, each naming the digest of the image named by digest', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'real-syft-scan-'));
    const target = image.image('linux/arm64');
    const outputs = ['spdx-json', 'cyclonedx-json', 'syft-json'].map((format) => ({
      format,
      file: path.join(dir, `${format}.json`),
    }));
    const args = scanArguments(`registry:${target.reference}`, outputs);
    const real = runSyft(args);
    expect(real.stderr).toBe('');
    expect(real.status).toBe(0);
    for (const { format, file } of outputs) {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as Json;
      expect(describedSubject(format as 'spdx-json', doc)).toMatchObject({
        kind: 'image',
        digest: target.digest,
      });
    }
    // The fake writes the image where the real one does: compare the SPDX root package and the
    // CycloneDX component field by field.
    const fakeDir = mkdtempSync(path.join(os.tmpdir(), 'fake-syft-scan-'));
    const fakeOutputs = outputs.map((o) => ({ ...o, file: path.join(fakeDir, path.basename(o.file)) }));
    // The fake cannot read the image config: it is told the architecture.
    expect(
      runFake(scanArguments(`registry:${target.reference}`, fakeOutputs), { FAKE_SYFT_ARCH: 'arm64' }).status,
    ).toBe(0);
    const root = (file: string) =>
      ((JSON.parse(readFileSync(file, 'utf8')) as { packages: Json[] }).packages.find((p) =>
        String(p.SPDXID).startsWith('SPDXRef-DocumentRoot-Image-'),
      ) ?? {}) as Json;
    const realRoot = root(outputs[0]?.file ?? '');
    const fakeRoot = root(fakeOutputs[0]?.file ?? '');
    for (const field of ['name', 'versionInfo', 'checksums', 'externalRefs'])
      expect({ field, value: fakeRoot[field] }).toEqual({ field, value: realRoot[field] });
    const component = (file: string) =>
      (JSON.parse(readFileSync(file, 'utf8')) as { metadata: { component: Json } }).metadata.component;
    expect(component(fakeOutputs[1]?.file ?? '').name).toBe(component(outputs[1]?.file ?? '').name);
    expect(component(fakeOutputs[1]?.file ?? '').version).toBe(component(outputs[1]?.file ?? '').version);
  });

  it('prints the document on stdout for -o FMT without a file', () => {
    const real = runSyft([
      'scan',
      `registry:${image.image('linux/amd64').reference}`,
      '-o',
      'cyclonedx-json',
    ]);
    expect(real.status).toBe(0);
    const doc = JSON.parse(real.stdout) as Json;
    expect(doc.bomFormat).toBe('CycloneDX');
    // The fake prints its default CycloneDX document: the version real syft writes by default.
    expect(
      JSON.parse(runFake(['scan', 'registry:x@sha256:' + '1'.repeat(64), '-o', 'cyclonedx-json']).stdout)
        .specVersion,
    ).toBe(doc.specVersion);
  });

  it('exits 1 naming an output format it does not know, writing nothing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'real-syft-format-'));
    const real = runSyft([
      'scan',
      `registry:${image.image('linux/amd64').reference}`,
      '-o',
      `bogus-json=${dir}/x.json`,
    ]);
    expect(real.status).toBe(1);
    expect(real.stderr).toMatch(/bogus-json/);
    expect(existsSync(path.join(dir, 'x.json'))).toBe(false);
  });
});

describe('syft failing (fake: FAKE_SYFT_SCAN_EXIT / FAKE_SYFT_SCAN_STDERR)', () => {
  // syft paints its error red whenever TERM is set, even into a pipe; the product turns colour off.
  const term = process.env.TERM;
  beforeAll(() => {
    process.env.TERM = 'xterm';
  });
  afterAll(() => {
    if (term === undefined) delete process.env.TERM;
    else process.env.TERM = term;
  });

  it('an image the registry does not have: exit 1, and our error carries what syft said', async () => {
    const missing = `${open.host}/release/app@sha256:${'0'.repeat(64)}`;
    const error = await runSyftScan(
      scanArguments(`registry:${missing}`, [{ format: 'spdx-json', file: '/dev/null' }]),
      {
        command: syft,
        logger: quiet,
      },
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    // The three lines of syft's message, in the shape the fast test feeds the fake.
    expect(error?.message).toMatch(
      /syft exited with code 1: \[0000\] ERROR could not determine source: errors occurred attempting to resolve '[^']+': \| {3}- oci-registry: failed to get image descriptor from registry: GET http:\/\/127\.0\.0\.1:\d+\/v2\/release\/app\/manifests\/sha256:0{64}: MANIFEST_UNKNOWN: manifest unknown; .* \| {3}- oci-model: .*MANIFEST_UNKNOWN.*$/,
    );
    expect(error?.message).not.toContain('\u001b');
    // Without NO_COLOR (which the product sets) the same message comes painted.
    const painted = runSyft(
      scanArguments(`registry:${missing}`, [{ format: 'spdx-json', file: '/dev/null' }]),
      {
        TERM: 'xterm',
      },
    );
    expect(painted.status).toBe(1);
    expect(painted.stderr).toContain('\u001b[31m');
  });

  it('an image behind credentials it was not given: exit 1, unauthorized', async () => {
    const error = await runSyftScan(
      scanArguments(`registry:${privateImage.image('linux/amd64').reference}`, [
        { format: 'spdx-json', file: '/dev/null' },
      ]),
      { command: syft, logger: quiet },
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(
      /syft exited with code 1: \[0000\] ERROR could not determine source: errors occurred attempting to resolve '[^']+': \| {3}- oci-registry: failed to get image descriptor from registry: GET http:\/\/127\.0\.0\.1:\d+\/v2\/private\/app\/manifests\/sha256:[a-f0-9]{64}: UNAUTHORIZED: authentication required; .* \| {3}- oci-model: .*UNAUTHORIZED.*$/,
    );
    expect(error?.message).not.toContain('\u001b');
  });

  it('the same image with the action credentials (SYFT_REGISTRY_AUTH_* for host:port): catalogued', async () => {
    const rec = recording(bin);
    const result = await runBundle('sbom', {
      inputs: {
        image: privateImage.image('linux/amd64').reference,
        'registry-username': creds.username,
        'registry-password': creds.password,
      },
      path: [recordingBin, bin],
      env: rec.env,
      timeoutMs: 170_000,
    });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    const scan = recordedCalls(rec.log).find((c) => c.argv[0] === 'scan');
    expect(scan?.env).toEqual({
      SYFT_CHECK_FOR_APP_UPDATE: 'false',
      SYFT_REGISTRY_AUTH_AUTHORITY: closed.host,
      SYFT_REGISTRY_AUTH_USERNAME: creds.username,
      SYFT_REGISTRY_AUTH_PASSWORD: '(set)',
    });
    expect(result.outputs.packages).toBe(String(privateImage.image('linux/amd64').packages.length));
  });
});

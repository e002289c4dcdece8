import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parsePushOutput } from '@release-actions/helm';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { errorLines, notices } from '../e2e/sign/helpers.js';
import { startRegistry, type Registry } from '../harness/registry.js';
import { repoRoot, runBundle, type BundleResult } from '../harness/run-bundle.js';
import { runCli } from '../harness/run-cli.js';
import { requireRealTools } from './harness/tools.js';

/**
 * The chart action and the CLI's `chart` with real helm (v4, built from its Go module) pushing
 * over plain HTTP to the loopback docker-registry, with and without htpasswd. What the action
 * reports is checked against the registry (HEAD and GET of the manifest, sha256 of its bytes) and
 * against real `helm pull`, independently of the code under test. Signing is not part of the chart
 * action (sign and attest take its `reference` output), so none is done here.
 */
const auth = { username: 'chart-pusher', password: 'Ch4rt-Pa55-9f1c' };
const basic = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
const login = { 'registry-username': auth.username, 'registry-password': auth.password };
const VERSION = '1.2.3+build.7';
const TAG = '1.2.3_build.7';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

let bin: string;
let open: Registry;
let locked: Registry;
let scratch: string;
let workspace: string;

beforeAll(async () => {
  bin = requireRealTools('helm');
  open = await startRegistry();
  locked = await startRegistry({ auth });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'real-chart-'));
  workspace = path.join(scratch, 'workspace');
  for (const dir of ['helm-config', 'helm-cache', 'helm-data', 'docker']) {
    mkdirSync(path.join(scratch, dir), { recursive: true });
  }
  cpSync(
    path.join(repoRoot, 'test', 'fixtures', 'sigstore', 'charts', 'demo'),
    path.join(workspace, 'demo'),
    {
      recursive: true,
    },
  );
}, 60_000);

afterAll(async () => {
  await open?.stop();
  await locked?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** helm's own state (registry logins, caches) and the Docker config, kept inside this test's folder. */
function toolEnv(): Record<string, string> {
  return {
    HOME: scratch,
    HELM_CONFIG_HOME: path.join(scratch, 'helm-config'),
    HELM_CACHE_HOME: path.join(scratch, 'helm-cache'),
    HELM_DATA_HOME: path.join(scratch, 'helm-data'),
    DOCKER_CONFIG: path.join(scratch, 'docker'),
  };
}

function pathWithRealTools(): string {
  return [bin, path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter);
}

/** Real helm run directly, as a person would, to check what the action did. */
function helm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(path.join(bin, 'helm'), args, {
    encoding: 'utf8',
    env: { PATH: pathWithRealTools(), ...toolEnv() },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runChart(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<BundleResult> {
  return runBundle('chart', {
    path: [bin],
    workspace,
    inputs,
    env: { ...toolEnv(), ...env },
    timeoutMs: 150_000,
  });
}

/** What a person sees of a run (the add-mask commands aside). */
function visibleText(run: BundleResult): string {
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  return [stdout, run.stderr, run.summary, JSON.stringify(run.outputs), JSON.stringify(run.exportedEnv)].join(
    '\n',
  );
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

interface Served {
  digest: string;
  manifest: {
    mediaType?: string;
    config: { mediaType: string; digest: string };
    layers: { mediaType: string; digest: string; size: number }[];
    annotations?: Record<string, string>;
  };
}

/** The manifest the registry serves at `tag`: HEAD's and GET's Docker-Content-Digest agree with the body's sha256. */
async function served(registry: Registry, repository: string, tag: string): Promise<Served> {
  const headers: Record<string, string> = { accept: OCI_MANIFEST };
  if (registry === locked) headers.authorization = `Basic ${basic}`;
  const url = `${registry.url}/v2/${repository}/manifests/${tag}`;
  const head = await fetch(url, { method: 'HEAD', headers });
  expect(head.status).toBe(200);
  const get = await fetch(url, { headers });
  expect(get.status).toBe(200);
  const body = Buffer.from(await get.arrayBuffer());
  const digest = sha256(body);
  expect(head.headers.get('docker-content-digest')).toBe(digest);
  expect(get.headers.get('docker-content-digest')).toBe(digest);
  return { digest, manifest: JSON.parse(body.toString('utf8')) as Served['manifest'] };
}

/** `helm pull <ref> [--version v]` into a new folder; the one .tgz it wrote, and helm's output. */
function pull(ref: string, extra: string[]): { bytes: Buffer; file: string; output: string } {
  const destination = mkdtempSync(path.join(scratch, 'pulled-'));
  const result = helm(['pull', ref, '--plain-http', '--destination', destination, ...extra]);
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
  const files = readdirSync(destination);
  expect(files).toHaveLength(1);
  const file = path.join(destination, files[0] as string);
  return {
    bytes: readFileSync(file),
    file: files[0] as string,
    output: `${result.stdout}\n${result.stderr}`,
  };
}

/** A file of a packaged chart, read with tar's own layout (the fixture's files are small). */
function fileInArchive(tgz: Buffer, name: string): string | undefined {
  const tar = gunzipSync(tgz);
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const entry = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
    if (entry === name) return tar.subarray(offset + 512, offset + 512 + size).toString('utf8');
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

function names(tgz: Buffer): string[] {
  const tar = gunzipSync(tgz);
  const out: string[] = [];
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    out.push(header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, ''));
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return out.sort();
}

describe('chart with real helm', () => {
  it('packages and pushes over plain HTTP: the digest is the registry’s, and helm pull by version and by digest gives back the packaged bytes', async () => {
    const run = await runChart({ path: 'demo', registry: `oci://${open.host}/charts` });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);

    const tgz = path.join(run.runnerTemp, 'helm-charts', `demo-${VERSION}.tgz`);
    expect(run.outputs.package).toBe(tgz);
    const packaged = readFileSync(tgz);
    const { digest, manifest } = await served(open, 'charts/demo', TAG);
    expect(run.outputs.digest).toBe(digest);
    expect(run.outputs.reference).toBe(`${open.host}/charts/demo@${digest}`);
    expect(run.outputs['chart-url']).toBe(`oci://${open.host}/charts/demo:${TAG}`);
    expect(run.outputs.name).toBe('demo');
    expect(run.outputs.version).toBe(VERSION);
    expect(run.outputs.pushed).toBe('true');
    expect(run.summary).toContain(`\`${digest}\``);
    // What helm pushed: its config and one chart layer, which is the packaged archive itself.
    expect(manifest.config.mediaType).toBe('application/vnd.cncf.helm.config.v1+json');
    expect(manifest.layers).toEqual([
      {
        mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
        digest: sha256(packaged),
        size: packaged.length,
      },
    ]);

    const byVersion = pull(`oci://${open.host}/charts/demo`, ['--version', VERSION]);
    expect(byVersion.file).toBe(`demo-${VERSION}.tgz`);
    expect(byVersion.bytes.equals(packaged)).toBe(true);
    expect(byVersion.output).toMatch(new RegExp(`^Digest: ${digest}$`, 'm'));

    // helm v4 takes a digest in the oci:// reference itself (no --version: by digest only).
    const byDigest = pull(`oci://${open.host}/charts/demo@${digest}`, []);
    expect(byDigest.bytes.equals(packaged)).toBe(true);
    expect(byDigest.output).toMatch(new RegExp(`^Digest: ${digest}$`, 'm'));
  });

  it('helm package prints the path it wrote; helm push prints "Pushed:" and "Digest:", which parsePushOutput reads', async () => {
    const destination = mkdtempSync(path.join(scratch, 'direct-'));
    const packaged = helm(['package', path.join(workspace, 'demo'), '--destination', destination]);
    expect(packaged.status).toBe(0);
    const tgz = path.join(destination, `demo-${VERSION}.tgz`);
    expect(packaged.stdout).toBe(`Successfully packaged chart and saved it to: ${tgz}\n`);

    const pushed = helm(['push', tgz, `oci://${open.host}/direct`, '--plain-http']);
    expect(pushed.status).toBe(0);
    const { digest } = await served(open, 'direct/demo', TAG);
    // Both lines on stdout; stderr holds nothing our code reads.
    expect(parsePushOutput(pushed.stdout)).toEqual({ pushed: `${open.host}/direct/demo:${TAG}`, digest });
    expect(parsePushOutput(pushed.stderr)).toEqual({ pushed: undefined, digest: undefined });

    // Without --plain-http helm speaks HTTPS, which a plain-HTTP registry cannot answer.
    const https = helm(['push', tgz, `oci://${open.host}/https`]);
    expect(https.status).toBe(1);
    expect(https.stderr).toMatch(/server gave HTTP response to HTTPS client/);
    // A remote without oci:// is refused by helm itself (the action always gives oci://).
    const scheme = helm(['push', tgz, `${open.host}/no-scheme`, '--plain-http']);
    expect(scheme.status).toBe(1);
    expect(scheme.stderr).toBe(`Error: invalid chart URL format: ${open.host}/no-scheme\n`);
  });

  it('behind htpasswd: helm logs in through --registry-config (the Docker config written for it), the password is never shown, and a pull with that config gives back the same bytes', async () => {
    const run = await runChart({ path: 'demo', registry: `oci://${locked.host}/charts`, ...login });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const { digest } = await served(locked, 'charts/demo', TAG);
    expect(run.outputs.digest).toBe(digest);
    expect(run.outputs.reference).toBe(`${locked.host}/charts/demo@${digest}`);
    for (const secret of [auth.password, basic]) {
      expect(visibleText(run)).not.toContain(secret);
      expect(run.masks).toContain(secret);
    }
    const config = path.join(run.exportedEnv.DOCKER_CONFIG ?? '', 'config.json');
    expect(JSON.parse(readFileSync(config, 'utf8')).auths[locked.host]).toEqual({ auth: basic });

    const pulled = pull(`oci://${locked.host}/charts/demo@${digest}`, ['--registry-config', config]);
    expect(pulled.bytes.equals(readFileSync(run.outputs.package ?? ''))).toBe(true);

    // Without a login, real helm is refused (the action stops before helm: see the e2e test).
    const anonymous = helm([
      'push',
      run.outputs.package ?? '',
      `oci://${locked.host}/anonymous`,
      '--plain-http',
    ]);
    expect(anonymous.status).toBe(1);
    // helm's first request is a HEAD of the manifest it is about to push.
    expect(anonymous.stderr).toMatch(
      new RegExp(
        `^Error: failed to perform "Exists" on destination: HEAD "http://${locked.host}/v2/anonymous/demo/manifests/sha256:[0-9a-f]{64}": basic credential not found$`,
        'm',
      ),
    );
  });

  it('packages the version and appVersion asked for, after building the file:// dependencies of its Chart.lock with the login', async () => {
    const parent = path.join(workspace, 'parent');
    cpSync(path.join(workspace, 'demo'), parent, { recursive: true });
    cpSync(path.join(workspace, 'demo'), path.join(workspace, 'child'), { recursive: true });
    writeFileSync(
      path.join(workspace, 'child', 'Chart.yaml'),
      'apiVersion: v2\nname: child\nversion: 0.1.0\ntype: application\n',
    );
    writeFileSync(
      path.join(parent, 'Chart.yaml'),
      'apiVersion: v2\nname: parent\nversion: 0.9.0\nappVersion: "1.0.0"\ntype: application\ndependencies:\n  - name: child\n    version: 0.1.0\n    repository: file://../child\n',
    );
    // Chart.lock as `helm dependency update` writes it; charts/ is left for the action to build.
    const update = helm(['dependency', 'update', parent]);
    expect({ status: update.status, stderr: update.stderr }).toEqual({
      status: 0,
      stderr: expect.any(String),
    });
    rmSync(path.join(parent, 'charts'), { recursive: true, force: true });

    const run = await runChart({
      path: 'parent',
      registry: `oci://${locked.host}/charts`,
      version: '1.3.0',
      'app-version': '2.1.0',
      ...login,
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.version).toBe('1.3.0');
    expect(run.outputs.package).toBe(path.join(run.runnerTemp, 'helm-charts', 'parent-1.3.0.tgz'));
    const packaged = readFileSync(run.outputs.package ?? '');
    // dependency build put child-0.1.0.tgz into charts/; helm v4 packages it unpacked.
    expect(names(packaged)).toEqual(
      expect.arrayContaining(['parent/Chart.lock', 'parent/charts/child/Chart.yaml', 'parent/values.yaml']),
    );
    const chartYaml = fileInArchive(packaged, 'parent/Chart.yaml') ?? '';
    expect(chartYaml).toMatch(/^version: 1\.3\.0$/m);
    expect(chartYaml).toMatch(/^appVersion: 2\.1\.0$/m);
    const { digest } = await served(locked, 'charts/parent', '1.3.0');
    expect(run.outputs.digest).toBe(digest);
  });

  it('push: false packages only; a second step pushes that package as it is', async () => {
    const packaged = await runChart({ path: 'demo', push: 'false' });
    expect(errorLines(packaged)).toEqual([]);
    expect(packaged.exitCode).toBe(0);
    expect(packaged.outputs.pushed).toBe('false');
    expect(packaged.outputs.digest).toBeUndefined();
    const tgz = packaged.outputs.package ?? '';
    expect(tgz).toBe(path.join(packaged.runnerTemp, 'helm-charts', `demo-${VERSION}.tgz`));
    const bytes = readFileSync(tgz);

    const pushed = await runChart(
      { package: tgz, registry: `oci://${open.host}/two-step` },
      { RUNNER_TEMP: packaged.runnerTemp },
    );
    expect(errorLines(pushed)).toEqual([]);
    expect(pushed.exitCode).toBe(0);
    const { digest, manifest } = await served(open, 'two-step/demo', TAG);
    expect(pushed.outputs.digest).toBe(digest);
    expect(pushed.outputs.pushed).toBe('true');
    expect(manifest.layers[0]?.digest).toBe(sha256(bytes));
    expect(pull(`oci://${open.host}/two-step/demo@${digest}`, []).bytes.equals(bytes)).toBe(true);
  });

  it('a version already in the registry: the same files are kept (whether helm repackaged them byte for byte or not), other files are refused', async () => {
    const registry = `oci://${locked.host}/immutable`;
    const first = await runChart({ path: 'demo', registry, ...login });
    expect(errorLines(first)).toEqual([]);
    const { digest } = await served(locked, 'immutable/demo', TAG);
    const firstBytes = readFileSync(first.outputs.package ?? '');

    // helm v4 packages the same files with the same times into the same bytes.
    const same = await runChart({ path: 'demo', registry, ...login });
    expect(errorLines(same)).toEqual([]);
    expect(readFileSync(same.outputs.package ?? '').equals(firstBytes)).toBe(true);
    expect(same.outputs.pushed).toBe('false');
    expect(same.outputs.digest).toBe(digest);
    expect(notices(same)).toContainEqual(
      expect.stringContaining(`already holds this chart (same files) as ${digest}`),
    );

    // A fresh checkout: the same files with new times make another archive, still the same chart.
    const later = new Date(Date.now() + 60_000);
    for (const file of ['Chart.yaml', 'values.yaml', 'templates/configmap.yaml']) {
      utimesSync(path.join(workspace, 'demo', file), later, later);
    }
    const retimed = await runChart({ path: 'demo', registry, ...login });
    expect(errorLines(retimed)).toEqual([]);
    expect(readFileSync(retimed.outputs.package ?? '').equals(firstBytes)).toBe(false);
    expect(retimed.outputs.pushed).toBe('false');
    expect(retimed.outputs.digest).toBe(digest);

    cpSync(path.join(workspace, 'demo'), path.join(workspace, 'demo-changed'), { recursive: true });
    writeFileSync(path.join(workspace, 'demo-changed', 'values.yaml'), 'replicaCount: 3\n');
    const changed = await runChart({ path: 'demo-changed', registry, ...login });
    expect(changed.exitCode).toBe(1);
    expect(errorLines(changed)).toEqual([
      `chart demo version ${VERSION} already exists at ${locked.host}/immutable/demo:${TAG} with different content (digest ${digest}; files that differ: demo/values.yaml); bump the version in Chart.yaml.`,
    ]);
    expect(changed.outputs.digest).toBeUndefined();
    expect((await served(locked, 'immutable/demo', TAG)).digest).toBe(digest);
  });

  it('the CLI `chart` packages and pushes with real helm and prints the registry’s digest', async () => {
    const destination = mkdtempSync(path.join(scratch, 'cli-'));
    const result = await runCli(
      [
        'chart',
        path.join(workspace, 'demo'),
        `oci://${locked.host}/cli`,
        '--destination',
        destination,
        '--registry-username',
        auth.username,
        '--format',
        'json',
      ],
      {
        env: { PATH: pathWithRealTools(), ...toolEnv(), RELEASE_ACTIONS_REGISTRY_PASSWORD: auth.password },
        timeoutMs: 150_000,
      },
    );
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(result.stderr).not.toContain(auth.password);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    const { digest } = await served(locked, 'cli/demo', TAG);
    expect(printed).toMatchObject({
      name: 'demo',
      version: VERSION,
      package: path.join(destination, `demo-${VERSION}.tgz`),
      digest,
      reference: `${locked.host}/cli/demo@${digest}`,
      pushed: true,
    });
  });
});

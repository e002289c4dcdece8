import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRegistry, type Registry } from '../../harness/registry.js';
import { fakesBin, repoRoot } from '../../harness/run-bundle.js';
import { errorLines, notices, runWithFakes, visibleText } from '../sign/helpers.js';

/**
 * The chart action with the fake helm, which really uploads the chart to a loopback
 * docker-registry behind htpasswd; the digest the action reports is checked here against what the
 * registry serves, independently of the code under test.
 */
const auth = { username: 'chart-pusher', password: 'Ch4rt-Pa55-9f1c' };
const basic = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
let registry: Registry;
let workspace: string;

beforeAll(async () => {
  registry = await startRegistry({ auth });
  workspace = mkdtempSync(path.join(os.tmpdir(), 'chart-workspace-'));
  cpSync(
    path.join(repoRoot, 'test', 'fixtures', 'sigstore', 'charts', 'demo'),
    path.join(workspace, 'demo'),
    {
      recursive: true,
    },
  );
  cpSync(path.join(workspace, 'demo'), path.join(workspace, 'with-deps'), { recursive: true });
  writeFileSync(
    path.join(workspace, 'with-deps', 'Chart.lock'),
    'dependencies: []\ndigest: sha256:0000000000000000000000000000000000000000000000000000000000000000\ngenerated: "2026-01-01T00:00:00Z"\n',
  );
}, 60_000);

afterAll(async () => {
  await registry?.stop();
});

async function servedDigest(repository: string, tag: string): Promise<string> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json', authorization: `Basic ${basic}` },
  });
  expect(response.status).toBe(200);
  return `sha256:${createHash('sha256')
    .update(Buffer.from(await response.arrayBuffer()))
    .digest('hex')}`;
}

describe('chart', () => {
  it('packages, pushes with the login in a Docker config, and outputs the digest the registry serves', async () => {
    const run = await runWithFakes('chart', {
      workspace,
      inputs: {
        path: 'demo',
        registry: `oci://${registry.host}/charts`,
        'registry-username': auth.username,
        'registry-password': auth.password,
      },
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);

    const destination = path.join(run.runnerTemp, 'helm-charts');
    const tgz = path.join(destination, 'demo-1.2.3+build.7.tgz');
    const dockerConfig = run.exportedEnv.DOCKER_CONFIG ?? '';
    expect(dockerConfig.startsWith(run.runnerTemp)).toBe(true);
    expect(run.calls.map((c) => c.argv)).toEqual([
      ['package', path.join(workspace, 'demo'), '--destination', destination],
      [
        'push',
        tgz,
        `oci://${registry.host}/charts`,
        '--registry-config',
        path.join(dockerConfig, 'config.json'),
        '--plain-http',
      ],
    ]);
    // The login is in the exported Docker config (for cosign and syft later), never on a command line.
    const config = JSON.parse(readFileSync(path.join(dockerConfig, 'config.json'), 'utf8'));
    expect(config.auths[registry.host]).toEqual({ auth: basic });

    const digest = await servedDigest('charts/demo', '1.2.3_build.7');
    expect(run.outputs.digest).toBe(digest);
    expect(run.outputs.reference).toBe(`${registry.host}/charts/demo@${digest}`);
    expect(run.outputs['chart-url']).toBe(`oci://${registry.host}/charts/demo:1.2.3_build.7`);
    expect(run.outputs.name).toBe('demo');
    expect(run.outputs.version).toBe('1.2.3+build.7');
    expect(run.outputs.package).toBe(tgz);
    expect(existsSync(tgz)).toBe(true);
    expect(run.summary).toContain(`\`${digest}\``);

    for (const secret of [auth.password, basic]) {
      expect(visibleText(run)).not.toContain(secret);
      expect(run.log).not.toContain(secret);
      expect(run.masks).toContain(secret);
    }

    // The next step signs the chart by digest, reaching the registry with the exported login only.
    const signed = await runWithFakes('sign', {
      inputs: { images: run.outputs.reference ?? '' },
      env: { DOCKER_CONFIG: dockerConfig },
    });
    expect(errorLines(signed)).toEqual([]);
    expect(signed.calls.map((c) => c.argv.at(-1))).toEqual([`${registry.host}/charts/demo@${digest}`]);
    expect(signed.outputs.signed).toBe('true');
    expect(visibleText(signed)).not.toContain(auth.password);
  });

  it('builds dependencies first when the chart has a Chart.lock, and packages the version asked for', async () => {
    const run = await runWithFakes('chart', {
      workspace,
      inputs: {
        path: 'with-deps',
        registry: `oci://${registry.host}/charts/`,
        version: '1.3.0',
        'app-version': '2.1.0',
        'registry-username': auth.username,
        'registry-password': auth.password,
      },
    });
    expect(errorLines(run)).toEqual([]);
    const dockerConfig = run.exportedEnv.DOCKER_CONFIG ?? '';
    expect(run.calls.map((c) => c.argv.slice(0, 3))).toEqual([
      ['dependency', 'build', path.join(workspace, 'with-deps')],
      ['package', path.join(workspace, 'with-deps'), '--destination'],
      ['push', path.join(run.runnerTemp, 'helm-charts', 'demo-1.3.0.tgz'), `oci://${registry.host}/charts`],
    ]);
    expect(run.calls[0]?.argv.slice(3)).toEqual([
      '--registry-config',
      path.join(dockerConfig, 'config.json'),
    ]);
    expect(run.calls[1]?.argv.slice(4)).toEqual(['--version', '1.3.0', '--app-version', '2.1.0']);
    expect(run.outputs.digest).toBe(await servedDigest('charts/demo', '1.3.0'));
  });

  it('refuses a digest from helm that the registry does not confirm', async () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'helm-out-'));
    const wrong = path.join(scratch, 'stdout.txt');
    writeFileSync(wrong, `Digest: sha256:${'0'.repeat(64)}\n`);
    const run = await runWithFakes('chart', {
      workspace,
      inputs: {
        path: 'demo',
        registry: `oci://${registry.host}/charts-unconfirmed`,
        'registry-username': auth.username,
        'registry-password': auth.password,
      },
      env: { FAKE_HELM_STDOUT_FILE: wrong },
    });
    expect(run.exitCode).toBe(1);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^helm reported sha256:0{64} for .*charts-unconfirmed/demo:1\\.2\\.3_build\\.7, but the registry serves sha256:`,
        ),
      ),
    ]);
    expect(run.outputs.digest).toBeUndefined();
  });

  it('fails clearly when the registry refuses access, before anything is pushed', async () => {
    const run = await runWithFakes('chart', {
      workspace,
      inputs: { path: 'demo', registry: `oci://${registry.host}/charts` },
    });
    expect(run.exitCode).toBe(1);
    expect(errorLines(run)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^registry ${registry.host} requires authentication for charts/demo and no credentials were given`,
        ),
      ),
    ]);
    expect(run.calls.map((c) => c.argv[0])).toEqual(['package']);
  });

  it('refuses a registry that is not oci://<host>/<path>, and a directory without Chart.yaml', async () => {
    const bad = await runWithFakes('chart', { workspace, inputs: { path: 'demo', registry: 'charts/demo' } });
    expect(bad.exitCode).toBe(1);
    expect(bad.calls).toEqual([]);
    expect(errorLines(bad)).toEqual([
      expect.stringMatching(/^Input 'registry': "charts\/demo" is not an OCI registry location/),
    ]);

    const empty = await runWithFakes('chart', {
      workspace,
      inputs: { path: '.', registry: `oci://${registry.host}/charts` },
    });
    expect(empty.exitCode).toBe(1);
    expect(empty.calls).toEqual([]);
    expect(errorLines(empty)).toEqual([expect.stringMatching(/^Input 'path': .* has no Chart\.yaml/)]);
  });

  const login = { 'registry-username': auth.username, 'registry-password': auth.password };

  it('push: false packages only: the .tgz, name and version, and no registry is contacted', async () => {
    const run = await runWithFakes('chart', { workspace, inputs: { path: 'demo', push: 'false' } });
    expect(errorLines(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const tgz = path.join(run.runnerTemp, 'helm-charts', 'demo-1.2.3+build.7.tgz');
    expect(run.calls.map((c) => c.argv)).toEqual([
      ['package', path.join(workspace, 'demo'), '--destination', path.join(run.runnerTemp, 'helm-charts')],
    ]);
    expect(run.outputs.package).toBe(tgz);
    expect(existsSync(tgz)).toBe(true);
    expect(run.outputs.name).toBe('demo');
    expect(run.outputs.version).toBe('1.2.3+build.7');
    expect(run.outputs.pushed).toBe('false');
    expect(run.outputs.digest).toBeUndefined();
    expect(run.outputs.reference).toBeUndefined();
    expect(run.exportedEnv.DOCKER_CONFIG).toBeUndefined();
  });

  it('a second step pushes the packaged chart as it is (package → scan → push)', async () => {
    const packaged = await runWithFakes('chart', { workspace, inputs: { path: 'demo', push: 'false' } });
    expect(errorLines(packaged)).toEqual([]);
    const tgz = packaged.outputs.package ?? '';
    const bytes = readFileSync(tgz);

    // The same job: the package is under the job's RUNNER_TEMP.
    const pushed = await runWithFakes('chart', {
      workspace,
      inputs: { package: tgz, registry: `oci://${registry.host}/two-step`, ...login },
      env: { RUNNER_TEMP: packaged.runnerTemp },
    });
    expect(errorLines(pushed)).toEqual([]);
    expect(pushed.exitCode).toBe(0);
    expect(pushed.calls.map((c) => c.argv.slice(0, 3))).toEqual([
      ['push', tgz, `oci://${registry.host}/two-step`],
    ]);
    const digest = await servedDigest('two-step/demo', '1.2.3_build.7');
    expect(pushed.outputs.digest).toBe(digest);
    expect(pushed.outputs.reference).toBe(`${registry.host}/two-step/demo@${digest}`);
    expect(pushed.outputs.name).toBe('demo');
    expect(pushed.outputs.version).toBe('1.2.3+build.7');
    expect(pushed.outputs.pushed).toBe('true');
    // What the registry holds is exactly the package that was scanned.
    const manifest = (await (
      await fetch(`${registry.url}/v2/two-step/demo/manifests/${digest}`, {
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json', authorization: `Basic ${basic}` },
      })
    ).json()) as { layers: { digest: string }[] };
    expect(manifest.layers[0]?.digest).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  });

  it("refuses a package outside the workspace and the job's chart directory, and bad combinations", async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'elsewhere-'));
    writeFileSync(path.join(outside, 'demo-1.0.0.tgz'), 'x');
    const cases: [Record<string, string>, string][] = [
      [
        { package: path.join(outside, 'demo-1.0.0.tgz'), registry: `oci://${registry.host}/x` },
        `Input 'package': "${path.join(outside, 'demo-1.0.0.tgz')}" is outside the workspace`,
      ],
      [
        { path: 'demo', package: 'demo/Chart.yaml', registry: `oci://${registry.host}/x` },
        "Give exactly one of 'path' (a chart directory to package) or 'package'",
      ],
      [{ path: 'demo' }, "Input 'registry': a location is required to push"],
      [{ package: 'demo/Chart.yaml', push: 'false' }, "Input 'push': false with 'package' would do nothing"],
      [
        { package: 'demo/Chart.yaml', registry: `oci://${registry.host}/x`, version: '2.0.0' },
        "Inputs 'version' and 'app-version' apply when packaging",
      ],
      [
        { package: 'demo/Chart.yaml', registry: `oci://${registry.host}/x` },
        "Chart.yaml is not a gzip'd chart archive",
      ],
    ];
    for (const [inputs, message] of cases) {
      const run = await runWithFakes('chart', { workspace, inputs });
      expect(run.exitCode).toBe(1);
      expect(run.calls).toEqual([]);
      expect(errorLines(run)).toEqual([expect.stringContaining(message)]);
    }
  });

  it('the same version with different content is refused and nothing is pushed', async () => {
    const first = await runWithFakes('chart', {
      workspace,
      inputs: { path: 'demo', registry: `oci://${registry.host}/immutable`, ...login },
    });
    expect(errorLines(first)).toEqual([]);
    const digest = await servedDigest('immutable/demo', '1.2.3_build.7');

    // The chart changed, its Chart.yaml version did not.
    cpSync(path.join(workspace, 'demo'), path.join(workspace, 'demo-changed'), { recursive: true });
    writeFileSync(path.join(workspace, 'demo-changed', 'values.yaml'), 'replicaCount: 3\n');
    const second = await runWithFakes('chart', {
      workspace,
      inputs: { path: 'demo-changed', registry: `oci://${registry.host}/immutable`, ...login },
    });
    expect(second.exitCode).toBe(1);
    expect(errorLines(second)).toEqual([
      `chart demo version 1.2.3+build.7 already exists at ${registry.host}/immutable/demo:1.2.3_build.7 with different content (digest ${digest}; files that differ: demo/values.yaml); bump the version in Chart.yaml.`,
    ]);
    expect(second.calls.map((c) => c.argv[0])).toEqual(['package']);
    expect(await servedDigest('immutable/demo', '1.2.3_build.7')).toBe(digest);
    expect(second.outputs.digest).toBeUndefined();
  });

  it('the same version with the same files (a rerun, repackaged) is not pushed again: the existing digest is output', async () => {
    const first = await runWithFakes('chart', {
      workspace,
      inputs: { path: 'demo', registry: `oci://${registry.host}/rerun`, ...login },
    });
    expect(errorLines(first)).toEqual([]);
    const digest = await servedDigest('rerun/demo', '1.2.3_build.7');
    // Packaged again from the same files and times: the same archive (its layer digest settles it).
    const same = await runWithFakes('chart', {
      workspace,
      inputs: { path: 'demo', registry: `oci://${registry.host}/rerun`, ...login },
    });
    expect(errorLines(same)).toEqual([]);
    expect(readFileSync(same.outputs.package ?? '')).toEqual(readFileSync(first.outputs.package ?? ''));
    expect(same.outputs.pushed).toBe('false');
    expect(same.outputs.digest).toBe(digest);
    // The same files packaged again, as a fresh checkout gives them: new modification times, so
    // another archive (helm v4 archives are the same only for the same times), the same chart.
    cpSync(path.join(workspace, 'demo'), path.join(workspace, 'demo-retimed'), { recursive: true });
    const later = new Date(Date.now() + 60_000);
    for (const file of ['Chart.yaml', 'values.yaml', 'templates/configmap.yaml']) {
      utimesSync(path.join(workspace, 'demo-retimed', file), later, later);
    }
    const again = await runWithFakes('chart', {
      workspace,
      inputs: { path: 'demo-retimed', registry: `oci://${registry.host}/rerun`, ...login },
    });
    expect(errorLines(again)).toEqual([]);
    expect(again.exitCode).toBe(0);
    expect(readFileSync(again.outputs.package ?? '')).not.toEqual(readFileSync(first.outputs.package ?? ''));
    expect(again.calls.map((c) => c.argv[0])).toEqual(['package']);
    expect(again.outputs.digest).toBe(digest);
    expect(again.outputs.reference).toBe(`${registry.host}/rerun/demo@${digest}`);
    expect(again.outputs.pushed).toBe('false');
    expect(notices(again)).toContainEqual(
      expect.stringContaining(`already holds this chart (same files) as ${digest}`),
    );
    expect(again.summary).toContain('nothing was pushed');
  });

  it('the fake helm refuses as helm v4 does: no oci://, HTTPS to a plain-HTTP registry, no login (see test/real/chart.test.ts)', () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'fake-helm-'));
    const helm = (args: string[]) =>
      spawnSync(process.execPath, [path.join(fakesBin, 'helm'), ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, DOCKER_CONFIG: scratch },
      });
    expect(helm(['package', path.join(workspace, 'demo'), '--destination', scratch]).status).toBe(0);
    const tgz = path.join(scratch, 'demo-1.2.3+build.7.tgz');
    const noScheme = helm(['push', tgz, `${registry.host}/x`, '--plain-http']);
    expect([noScheme.status, noScheme.stderr]).toEqual([
      1,
      `Error: invalid chart URL format: ${registry.host}/x\n`,
    ]);
    const exists = `^Error: failed to perform "Exists" on destination: `;
    const manifest = `${registry.host}/v2/x/demo/manifests/sha256:[0-9a-f]{64}`;
    const https = helm(['push', tgz, `oci://${registry.host}/x`]);
    expect(https.status).toBe(1);
    expect(https.stderr).toMatch(
      new RegExp(
        `${exists}Head "https://${manifest}": http: server gave HTTP response to HTTPS client$`,
        'm',
      ),
    );
    const anonymous = helm(['push', tgz, `oci://${registry.host}/x`, '--plain-http']);
    expect(anonymous.status).toBe(1);
    expect(anonymous.stderr).toMatch(
      new RegExp(`${exists}HEAD "http://${manifest}": basic credential not found$`, 'm'),
    );
  });
});

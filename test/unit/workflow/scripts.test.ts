import { afterAll, describe, expect, it } from '@jest/globals';
import { buildIdentityPolicy, identityMatches } from '@release-actions/verify';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load, RELEASE_WORKFLOW, type Workflow } from './model.js';

/**
 * The two shell steps of release.yml that decide something, run here with bash exactly as the
 * runner would (the script from the workflow file, its env, a GITHUB_OUTPUT file): the plan job's
 * input checks, and the verify job's signing identity.
 */

const workflow = load<Workflow>(RELEASE_WORKFLOW);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'release-scripts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function script(job: string, id: string): string {
  const step = workflow.jobs![job]!.steps!.find((s) => s.id === id);
  if (!step?.run) throw new Error(`no run step ${job}.${id}`);
  return step.run;
}

let runs = 0;

/** Runs a step's script with its env (expressions replaced by the values given). */
function run(job: string, id: string, env: Record<string, string>) {
  const dir = path.join(scratch, String(++runs));
  const output = path.join(dir, 'output');
  const file = path.join(dir, 'step.sh');
  mkdirSync(dir, { recursive: true });
  writeFileSync(output, '');
  writeFileSync(file, script(job, id));
  const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', file], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GITHUB_OUTPUT: output, ...env },
    encoding: 'utf8',
    timeout: 10_000,
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { status: result.status, stdout: result.stdout, outputs };
}

describe('the plan step', () => {
  const tagPush = {
    IMAGE: 'ghcr.io/aotanami/aotanami',
    IMAGE_DIGEST: '',
    CHART_PATH: '',
    CHART_REGISTRY: '',
    SEVERITY_CUTOFF: 'high',
    RELEASE_TAG: '',
    GIT_REF: 'refs/tags/v1.2.3',
    GIT_REF_NAME: 'v1.2.3',
    CALL_ID: '42-1-plan',
  };

  it('sets the env the script reads, each from an expression', () => {
    const step = workflow.jobs!.plan!.steps!.find((s) => s.id === 'plan')!;
    expect(Object.keys(step.env!).sort()).toEqual(Object.keys(tagPush).sort());
    expect(step.run).not.toMatch(/\$\{\{/);
  });

  it('derives the registry, its endpoints, the tag and an artifact name on a tag push to ghcr.io', () => {
    const result = run('plan', 'plan', tagPush);
    expect(result.status).toBe(0);
    expect(result.outputs).toEqual({
      name: 'ghcr.io/aotanami/aotanami',
      registry: 'ghcr.io',
      'registry-endpoints': 'ghcr.io:443 pkg-containers.githubusercontent.com:443',
      'chart-registry': '',
      'chart-registry-endpoints': '',
      tag: 'v1.2.3',
      artifact: expect.stringMatching(/^release-[0-9a-f]{16}$/),
    });
  });

  it('knows Docker Hub, a registry with a port, and a chart registry; release-tag wins over the ref', () => {
    const hub = run('plan', 'plan', { ...tagPush, IMAGE: 'my-org/my-image' });
    expect(hub.outputs.registry).toBe('docker.io');
    expect(hub.outputs['registry-endpoints']).toBe(
      'registry-1.docker.io:443 auth.docker.io:443 production.cloudflare.docker.com:443',
    );
    const local = run('plan', 'plan', {
      ...tagPush,
      IMAGE: 'localhost:5000/app',
      CHART_PATH: 'charts/app',
      CHART_REGISTRY: 'oci://registry.example.com/charts',
      RELEASE_TAG: 'v2.0.0',
      GIT_REF: 'refs/heads/main',
      GIT_REF_NAME: 'main',
    });
    expect(local.status).toBe(0);
    expect(local.outputs).toMatchObject({
      registry: 'localhost:5000',
      'registry-endpoints': 'localhost:5000',
      'chart-registry': 'registry.example.com',
      'chart-registry-endpoints': 'registry.example.com:443',
      tag: 'v2.0.0',
    });
  });

  it('names artifacts differently for another image or another attempt', () => {
    const first = run('plan', 'plan', tagPush).outputs.artifact;
    expect(run('plan', 'plan', tagPush).outputs.artifact).toBe(first);
    expect(run('plan', 'plan', { ...tagPush, IMAGE: 'ghcr.io/aotanami/other' }).outputs.artifact).not.toBe(
      first,
    );
    expect(run('plan', 'plan', { ...tagPush, CALL_ID: '42-2-plan' }).outputs.artifact).not.toBe(first);
  });

  it.each([
    [{ IMAGE: 'ghcr.io/aotanami/aotanami:v1' }, "Input 'image'"],
    [{ IMAGE: 'ghcr.io/aotanami/aotanami@sha256:' + 'a'.repeat(64) }, "Input 'image'"],
    [{ IMAGE: 'ghcr.io/Aotanami/Aotanami' }, "Input 'image'"],
    [{ IMAGE: 'ghcr.io/x/$(id)' }, "Input 'image'"],
    [{ IMAGE_DIGEST: 'sha256:abc' }, "Input 'image-digest'"],
    [{ IMAGE_DIGEST: 'v1.2.3' }, "Input 'image-digest'"],
    [{ SEVERITY_CUTOFF: 'severe' }, "Input 'severity-cutoff'"],
    [{ CHART_PATH: 'charts/x' }, "Input 'chart-registry'"],
    [{ CHART_PATH: 'charts/x', CHART_REGISTRY: 'https://ghcr.io/x' }, "Input 'chart-registry'"],
    [{ GIT_REF: 'refs/heads/main', GIT_REF_NAME: 'main' }, "Input 'release-tag'"],
    [{ RELEASE_TAG: 'v1;rm -rf /' }, "Input 'release-tag'"],
  ])('refuses %j with one error line naming the input', (change, name) => {
    const result = run('plan', 'plan', { ...tagPush, ...change });
    expect(result.status).toBe(2);
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(name);
    expect(result.outputs).toEqual({});
  });

  it('accepts a digest and any case of the severity', () => {
    const result = run('plan', 'plan', {
      ...tagPush,
      IMAGE_DIGEST: `sha256:${'0'.repeat(64)}`,
      SEVERITY_CUTOFF: 'Critical',
    });
    expect(result.status).toBe(0);
  });
});

describe('the signing identity step of the verify job', () => {
  const server = 'https://github.com';
  const byTag = 'aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.2.3';
  const bySha =
    'aotanami/release-actions/.github/workflows/release.yml@0123456789abcdef0123456789abcdef01234567';

  function identity(workflowRef: string) {
    return run('verify', 'identity', { SERVER_URL: server, WORKFLOW_REF: workflowRef });
  }

  it.each([byTag, bySha])(
    'for %s, an anchored, escaped regexp that verify accepts and that matches it',
    (ref) => {
      const result = identity(ref);
      expect(result.status).toBe(0);
      const regexp = result.outputs.regexp!;
      expect(regexp).toBe(`^${`${server}/${ref}`.replace(/[.]/g, '\\.')}$`);
      const policy = buildIdentityPolicy({
        repository: 'aotanami/aotanami',
        signer: 'reusable-workflow',
        identityRegexp: regexp,
      });
      expect(policy.warning).toBeUndefined();
      expect(identityMatches(policy, `${server}/${ref}`)).toBe(true);
    },
  );

  it('matches nothing else: another ref, a lookalike repository or workflow', () => {
    const regexp = identity(byTag).outputs.regexp!;
    const policy = buildIdentityPolicy({
      repository: 'aotanami/aotanami',
      signer: 'reusable-workflow',
      identityRegexp: regexp,
    });
    for (const other of [
      `${server}/aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.2.30`,
      `${server}/aotanami/release-actions/.github/workflows/release.yml@refs/heads/v1.2.3`,
      `${server}/aotanami/release-actionsx/.github/workflows/release.yml@refs/tags/v1.2.3`,
      `${server}/aotanami/release-actions/.github/workflows/releasexyml@refs/tags/v1.2.3`,
      `https://github.com.evil.example/aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.2.3`,
    ]) {
      expect([other, identityMatches(policy, other)]).toEqual([other, false]);
    }
  });

  it('fails closed without a workflow ref of the expected shape', () => {
    for (const bad of [
      '',
      'release.yml',
      'aotanami/release-actions/.github/workflows/release.yml',
      'a/b/.github/workflows/x.yml@ref with space',
    ]) {
      const result = identity(bad);
      expect([bad, result.status]).toEqual([bad, 2]);
      expect(result.outputs).toEqual({});
    }
  });
});

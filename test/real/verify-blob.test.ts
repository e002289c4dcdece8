import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { VerifyReport } from '@release-actions/verify';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errors, fakesBin, runBundle, type BundleResult } from '../harness/run-bundle.js';
import { startSigstoreStack, type SigstoreStack, type WorkflowRun } from './harness/sigstore-stack.js';
import { requireRealTools } from './harness/tools.js';

/**
 * A release file signed keyless by the real cosign (`sign-blob --bundle`) against the real
 * Fulcio, timestamp authority and Rekor v2 on loopback, then verified by the shipped verify
 * bundle with both engines; and what the fake cosign's verify-blob claims
 * (test/fakes/cosign-verify-blob.mjs), asked of the real cosign: its lines for a verified file,
 * an altered file, a missing bundle and a repository that is not the certificate's.
 */

const PUBLISHER = 'aotanami/aotanami';
const ours = (ref = 'refs/tags/v1.4.0') => `aotanami/release-actions/.github/workflows/release.yml@${ref}`;
const GENUINE: WorkflowRun = {
  repository: PUBLISHER,
  ref: 'refs/tags/v2.3.0',
  jobWorkflowRef: ours(),
  jobWorkflowSha: '0123456789abcdef0123456789abcdef01234567',
};
const LOOKALIKE: WorkflowRun = { ...GENUINE, repository: 'aotanami/aotanami-evil' };

let bin: string;
let stack: SigstoreStack;
let scratch: string;
let workspace: string;

function isolated(): Record<string, string> {
  const home = mkdtempSync(path.join(scratch, 'home-'));
  return { HOME: home, DOCKER_CONFIG: mkdtempSync(path.join(home, 'docker-')) };
}

function cosign(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(bin, 'cosign'),
      args,
      { cwd: workspace, timeout: 120_000, env: { PATH: process.env.PATH ?? '', ...isolated(), ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

/** Writes `name` and signs it keyless as `run`, as the sign step does for each released file. */
async function signFile(name: string, content: string, run: WorkflowRun): Promise<string> {
  const file = path.join(workspace, name);
  writeFileSync(file, content);
  const signed = await cosign(
    [
      'sign-blob',
      '--yes',
      '--signing-config',
      'signing_config.json',
      '--trusted-root',
      'trusted_root.json',
      '--bundle',
      `${name}.sigstore.json`,
      name,
    ],
    stack.jobEnv(run),
  );
  expect([signed.code, signed.stderr]).toEqual([0, expect.any(String)]);
  return file;
}

async function verify(
  inputs: Record<string, string>,
  engine: 'cosign' | 'native',
): Promise<{ run: BundleResult; report: VerifyReport }> {
  const run = await runBundle('verify', {
    path: [bin],
    workspace,
    timeoutMs: 170_000,
    inputs: {
      repository: PUBLISHER,
      engine,
      'trusted-root': 'trusted_root.json',
      'oidc-issuer': stack.issuerUrl,
      ...inputs,
    },
    env: isolated(),
  });
  return { run, report: JSON.parse(run.outputs.report ?? '{}') as VerifyReport };
}

const trusted = () => ['--trusted-root', 'trusted_root.json'];
const identity = (repository = PUBLISHER) => [
  '--certificate-identity-regexp',
  '^https://github\\.com/aotanami/release-actions/\\.github/workflows/release\\.yml@(refs/tags/v[^@\\s]*|[0-9a-f]{40})$',
  '--certificate-oidc-issuer',
  stack.issuerUrl,
  '--certificate-github-workflow-repository',
  repository,
];

beforeAll(async () => {
  bin = requireRealTools('cosign');
  scratch = mkdtempSync(path.join(os.tmpdir(), 'verify-blob-'));
  workspace = path.join(scratch, 'workspace');
  mkdirSync(workspace);
  stack = await startSigstoreStack();
  copyFileSync(stack.trustedRoot, path.join(workspace, 'trusted_root.json'));
  copyFileSync(stack.signingConfig, path.join(workspace, 'signing_config.json'));
}, 170_000);

afterAll(async () => {
  await stack?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('a release file signed by the real cosign sign-blob', () => {
  it.each(['native', 'cosign'] as const)(
    'verifies with the %s engine, refuses a lookalike repository and the file altered',
    async (engine) => {
      const file = await signFile(`app-${engine}`, `the ${engine} binary\n`, GENUINE);
      const good = await verify({ file: path.basename(file) }, engine);
      expect(errors(good.run)).toEqual([]);
      expect(good.report.results.map((r) => [r.check, r.status, r.repository, r.sourceRef])).toEqual([
        ['signature', 'passed', PUBLISHER, 'refs/tags/v2.3.0'],
      ]);

      const evil = await signFile(`evil-${engine}`, 'lookalike\n', LOOKALIKE);
      const refused = await verify({ file: path.basename(evil) }, engine);
      expect(refused.run.exitCode).toBe(1);
      expect(refused.report.results[0]?.reason).toBe(
        'repository claim mismatch: saw aotanami/aotanami-evil, wanted aotanami/aotanami',
      );

      writeFileSync(file, 'altered\n');
      const altered = await verify({ file: path.basename(file) }, engine);
      expect(altered.run.exitCode).toBe(1);
      expect(altered.report.results[0]?.reason).toMatch(
        engine === 'native'
          ? /^bundle \S*app-native\.sigstore\.json signs another file/
          : /^cosign rejected the signature: failed to verify signature: could not verify message: invalid signature/,
      );
    },
  );
});

describe('cosign verify-blob: what the fake claims, asked of the real cosign', () => {
  it('prints the same lines and exit codes as the fake for a verified, an altered, an unsigned file and another repository', async () => {
    const file = await signFile('claims', 'claims\n', GENUINE);
    const name = path.basename(file);
    const asked = [
      ['verify-blob', '--bundle', `${name}.sigstore.json`, ...identity(), ...trusted(), name],
      ['verify-blob', '--bundle', 'missing.sigstore.json', ...identity(), ...trusted(), name],
      ['verify-blob', '--bundle', `${name}.sigstore.json`, ...identity('aotanami/other'), ...trusted(), name],
    ];
    const real = [];
    for (const args of asked) real.push(await cosign(args));
    writeFileSync(file, 'claims, altered\n');
    const alteredArgs = asked[0]!;
    real.push(await cosign(alteredArgs));
    const fake = [];
    writeFileSync(file, 'claims\n');
    for (const args of asked) fake.push(await runFake(args));
    writeFileSync(file, 'claims, altered\n');
    fake.push(await runFake(alteredArgs));
    const lines = (r: { code: number; stderr: string }) => [
      r.code,
      r.stderr
        .split('\n')
        .filter((l) => /^Error: |^Verified OK/.test(l))
        .join('\n'),
    ];
    expect(fake.map(lines)).toEqual(real.map(lines));
    expect(real.map((r) => r.code)).toEqual([0, 1, 1, 1]);
  }, 120_000);
});

function runFake(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(fakesBin, 'cosign'),
      args,
      { cwd: workspace, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

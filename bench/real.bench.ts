import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBundle, type BundleResult } from '../test/harness/run-bundle.js';
import { makeGrypeDb, offlineGrype } from '../test/real/harness/grype-db.js';
import { startRealImage } from '../test/real/harness/image.js';
import { startSigstoreStack, type WorkflowRun } from '../test/real/harness/sigstore-stack.js';
import { requireRealTools } from '../test/real/harness/tools.js';
import { median, type BenchReport } from './report.js';

/**
 * With the real tools (npm run tools:real) on the real two-platform image of the real-tool tier,
 * on the loopback registry: the SBOM in both formats from our one syft pass against two syft runs
 * (one per format, as single-format actions do); the gate from the SBOM against grype on the image
 * (a second pull); one whole release (image → SBOMs → gate → sign → attest → verify) against a real
 * Sigstore on loopback, its total and each step. Runs interleaved, median of RUNS.
 */
const RUNS = 3;

function timed(command: string, args: string[], env: Record<string, string>): number {
  const started = performance.now();
  const result = spawnSync(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${String(result.stderr)}`);
  return performance.now() - started;
}

function passed(step: string, result: BundleResult): number {
  if (result.exitCode !== 0) {
    throw new Error(`${step} failed (exit ${result.exitCode}): ${result.stderr || result.stdout}`);
  }
  return result.durationMs;
}

export default async function real(report: BenchReport): Promise<void> {
  const bin = requireRealTools(
    'syft',
    'grype',
    'grype-db',
    'cosign',
    'fulcio',
    'timestamp-server',
    'rekor-server',
  );
  const image = await startRealImage();
  const db = makeGrypeDb(bin);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-real-'));
  const grypeEnv = offlineGrype(db);
  const syftEnv = { SYFT_CHECK_FOR_APP_UPDATE: 'false', NO_COLOR: '1' };
  try {
    const amd64 = image.image('linux/amd64').reference;
    const workspace = path.join(scratch, 'sbom');
    const ours: number[] = [];
    const twoRuns: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      ours.push(
        passed(
          'sbom',
          await runBundle('sbom', { path: [bin], workspace, inputs: { image: amd64, 'output-dir': 'sbom' } }),
        ),
      );
      twoRuns.push(
        timed(
          path.join(bin, 'syft'),
          [`registry:${amd64}`, '-q', '-o', `spdx-json=${scratch}/a.json`],
          syftEnv,
        ) +
          timed(
            path.join(bin, 'syft'),
            [`registry:${amd64}`, '-q', '-o', `cyclonedx-json=${scratch}/b.json`],
            syftEnv,
          ),
      );
    }
    report.add({
      name: 'sbom: SPDX + CycloneDX, one image (syft)',
      ours: median(ours),
      reference: median(twoRuns),
      referenceName: 'two syft runs',
      unit: 'ms',
      maxRatio: 0.6,
    });

    const gate: number[] = [];
    const grypeImage: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      gate.push(
        passed(
          'scan',
          await runBundle('scan', {
            path: [bin],
            workspace,
            // The image carries a high finding on purpose: the gate's verdict is not what is timed.
            inputs: { sbom: 'sbom/sbom-spdx.json', 'fail-build': 'false' },
            env: grypeEnv,
          }),
        ),
      );
      grypeImage.push(timed(path.join(bin, 'grype'), [`registry:${amd64}`, '-q', '-o', 'json'], grypeEnv));
    }
    report.add({
      name: 'gate from the SBOM (grype)',
      ours: median(gate),
      reference: median(grypeImage),
      referenceName: 'grype on the image',
      unit: 'ms',
    });

    await wholeRelease(report, bin, image.reference, grypeEnv, path.join(scratch, 'release'));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(db.dir, { recursive: true, force: true });
    await image.stop();
  }
}

/** Our release workflow's steps, in its order, each one shipped bundle with the real tools. */
async function wholeRelease(
  report: BenchReport,
  bin: string,
  index: string,
  grypeEnv: Record<string, string>,
  workspace: string,
): Promise<void> {
  const stack = await startSigstoreStack();
  try {
    const run: WorkflowRun = {
      repository: 'aotanami/app',
      ref: 'refs/tags/v1.0.0',
      jobWorkflowRef: 'aotanami/release-actions/.github/workflows/release.yml@refs/tags/v1.0.0',
    };
    // Inputs name files inside the workspace, as on a runner.
    mkdirSync(workspace, { recursive: true });
    copyFileSync(stack.signingConfig, path.join(workspace, 'signing_config.json'));
    copyFileSync(stack.trustedRoot, path.join(workspace, 'trusted_root.json'));
    const sigstore = { 'signing-config': 'signing_config.json', 'trusted-root': 'trusted_root.json' };
    const steps: [string, () => Promise<BundleResult>][] = [
      [
        'sbom',
        () => runBundle('sbom', { path: [bin], workspace, inputs: { image: index, 'output-dir': 'sbom' } }),
      ],
      [
        'scan',
        () =>
          runBundle('scan', {
            path: [bin],
            workspace,
            inputs: { 'sbom-manifest': 'sbom/sbom-platforms.json', 'fail-build': 'false' },
            env: grypeEnv,
          }),
      ],
      [
        'sign',
        () =>
          runBundle('sign', {
            path: [bin],
            workspace,
            inputs: { images: index, 'require-signature': 'true', ...sigstore },
            env: stack.jobEnv(run),
          }),
      ],
      [
        'attest',
        () =>
          runBundle('attest', {
            path: [bin],
            workspace,
            inputs: {
              subject: index,
              'sbom-manifest': 'sbom/sbom-platforms.json',
              'require-signature': 'true',
              ...sigstore,
            },
            env: stack.jobEnv(run),
          }),
      ],
      [
        'verify',
        () =>
          runBundle('verify', {
            path: [bin],
            workspace,
            inputs: {
              image: index,
              repository: run.repository,
              checks: 'signature,sbom-spdx,sbom-cyclonedx',
              'trusted-root': 'trusted_root.json',
              'oidc-issuer': stack.issuerUrl,
              'source-ref': run.ref,
            },
          }),
      ],
    ];
    let total = 0;
    for (const [step, go] of steps) {
      const ms = passed(step, await go());
      total += ms;
      report.info(`release step: ${step}`, ms, 'ms');
    }
    report.info('whole release on loopback (5 steps)', total, 'ms');
    report.info('(starting the Sigstore stack, not counted)', stack.startupMs, 'ms');
  } finally {
    await stack.stop();
  }
}

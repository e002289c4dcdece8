import { describe, expect, it } from '@jest/globals';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BundleOptions, BundleResult } from '../../harness/run-bundle.js';
import { errors, fakesBin, repoRoot, runBundle } from '../../harness/run-bundle.js';
import { expectedFrom, grypeFixtures, grypeJsonReports } from '../../unit/vuln/expected.js';
import { emptyCycloneDx, emptySpdx, inDays, SYFT_SPDX, withExpiry } from '../../unit/vuln/policy-files.js';
import { rulesWithoutSecuritySeverity, sarifErrors } from '../../unit/vuln/sarif-validator.js';

/** The scan action's bundle, run as the runner runs it, with the fake grype first on PATH. */

interface GrypeCall {
  tool: string;
  argv: string[];
  env: Record<string, string>;
}

const vulnFixtures = path.join(repoRoot, 'test', 'fixtures', 'vuln');
const report = (name: string) => path.join(grypeFixtures, 'reports', name);
const CHECK_ALL = report('check-all-fields.grype-0.28.0.json');
const BUSYBOX = report('busybox-binary.grype-0.94.0.json');
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'];
/** Within the default cap on ignore-rule expiries (one year). */
const EXPIRES = inDays(90);

/**
 * A workspace holding an SBOM file (syft's upstream SPDX golden, two packages) and the policy
 * fixtures, as a checkout would. check-all-fields.yaml gets an expiry within the cap; the
 * fixture's own 2099 dates are kept in far-away.yaml.
 */
function workspace(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scan-ws-'));
  copyFileSync(SYFT_SPDX, path.join(dir, 'sbom.spdx.json'));
  writeFileSync(path.join(dir, 'empty.spdx.json'), emptySpdx());
  writeFileSync(path.join(dir, 'empty.cyclonedx.json'), emptyCycloneDx());
  mkdirSync(path.join(dir, 'policy'));
  for (const file of ['expired.yaml', 'no-reason.yaml', 'no-expires.yaml']) {
    copyFileSync(path.join(vulnFixtures, 'ignore', file), path.join(dir, 'policy', file));
  }
  const rules = readFileSync(path.join(vulnFixtures, 'ignore', 'check-all-fields.yaml'), 'utf8');
  writeFileSync(path.join(dir, 'policy', 'check-all-fields.yaml'), withExpiry(rules, EXPIRES));
  writeFileSync(path.join(dir, 'policy', 'far-away.yaml'), rules);
  writeFileSync(path.join(dir, 'policy', 'in-400-days.yaml'), withExpiry(rules, inDays(400)));
  for (const file of ['check-all-fields.openvex.json', 'legacy-v0.0.1.openvex.json']) {
    copyFileSync(path.join(vulnFixtures, 'vex', file), path.join(dir, 'policy', file));
  }
  return dir;
}

async function runScan(
  inputs: Record<string, string>,
  options: Omit<BundleOptions, 'inputs'> & { report?: string } = {},
): Promise<{ result: BundleResult; calls: GrypeCall[] }> {
  const log = path.join(mkdtempSync(path.join(os.tmpdir(), 'scan-e2e-')), 'fake.log');
  const result = await runBundle('scan', {
    workspace: options.workspace ?? workspace(),
    ...options,
    inputs,
    path: options.path ?? [fakesBin],
    env: {
      FAKE_LOG: log,
      FAKE_RECORD_ENV: 'GRYPE_CHECK_FOR_APP_UPDATE,GRYPE_DB_CACHE_DIR,GRYPE_DB_AUTO_UPDATE',
      ...(options.report ? { FAKE_GRYPE_REPORT: options.report } : {}),
      ...options.env,
    },
  });
  const calls = existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as GrypeCall)
    : [];
  return { result, calls };
}

function scanCall(calls: GrypeCall[]): GrypeCall {
  const scans = calls.filter((c) => c.argv[0] !== 'version');
  expect(scans).toHaveLength(1);
  return scans[0]!;
}

/** The one error line of a failed run (and that there is exactly one). */
function oneError(result: BundleResult): string {
  expect(result.exitCode).toBe(1);
  const lines = errors(result);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

describe('scan action over every grype JSON report in the fixtures', () => {
  for (const file of grypeJsonReports()) {
    const expected = expectedFrom(file);
    it(`${path.basename(file)}: ${expected.verdict} with the counts of the report`, async () => {
      // An image report is asked for by its own reference; the others through an SBOM (not target-checked).
      const inputs: Record<string, string> =
        expected.sourceType === 'image' && expected.userInput
          ? { image: expected.userInput }
          : { sbom: 'sbom.spdx.json' };
      const { result, calls } = await runScan(inputs, { report: file });

      const call = scanCall(calls);
      const outputDir = path.dirname(result.outputs.json!);
      const source = inputs.image ?? `sbom:${path.join(result.workspace, 'sbom.spdx.json')}`;
      expect(call.argv).toEqual([source, '-o', `json=${path.join(outputDir, 'grype.json')}`, '-o', 'table']);
      expect(call.argv).not.toContain('--fail-on');
      expect(call.env.GRYPE_CHECK_FOR_APP_UPDATE).toBe('false');
      expect(calls[0]!.argv).toEqual(['version']);

      expect(result.outputs.verdict).toBe(expected.verdict);
      for (const severity of SEVERITIES)
        expect(Number(result.outputs[severity])).toBe(expected.counts[severity]);
      expect(JSON.parse(result.outputs.counts!)).toEqual({ before: expected.counts, after: expected.counts });
      expect(Number(result.outputs.blocking)).toBe(expected.counts.critical! + expected.counts.high!);
      expect(readFileSync(result.outputs.json!, 'utf8')).toBe(readFileSync(file, 'utf8'));

      const sarif = readJson(result.outputs.sarif!) as Parameters<typeof rulesWithoutSecuritySeverity>[0] & {
        runs: { results: unknown[]; automationDetails: { id: string } }[];
      };
      expect(sarifErrors(sarif)).toEqual([]);
      expect(rulesWithoutSecuritySeverity(sarif)).toEqual([]);
      expect(sarif.runs).toHaveLength(1);
      expect(sarif.runs[0]!.results).toHaveLength(expected.matches);
      expect(sarif.runs[0]!.automationDetails.id).toBe(`${result.outputs.category}/`);

      // The summary: verdict first, then the counts table.
      const firstLine = result.summary.split('\n')[0];
      expect(firstLine).toBe(
        expected.verdict === 'pass'
          ? '## ✅ Vulnerability scan: passed'
          : '## ❌ Vulnerability scan: blocked',
      );
      expect(result.summary).toContain(
        `| 🟥 Critical | ${expected.counts.critical} | ${expected.counts.critical} |`,
      );
      expect(result.summary).toContain(`| **Total** | **${expected.matches}** |`);

      if (expected.verdict === 'fail') {
        const line = oneError(result);
        expect(line).toContain(`at or above high`);
        expect(result.annotations.find((a) => a.level === 'error')?.properties.title).toBe('SCAN_BLOCKED');
        expect(result.outputs.outcome).toBe('blocked');
      } else {
        expect(result.exitCode).toBe(0);
        expect(errors(result)).toEqual([]);
        expect(result.outputs.outcome).toBe('passed');
      }
    });
  }
});

describe('scan action: sources', () => {
  it('scans an SBOM file with the sbom: scheme and a directory with dir:', async () => {
    const sbom = await runScan({ sbom: 'sbom.spdx.json' }, { report: BUSYBOX });
    expect(scanCall(sbom.calls).argv[0]).toBe(`sbom:${path.join(sbom.result.workspace, 'sbom.spdx.json')}`);

    const ws = workspace();
    const dirReport = path.join(ws, 'dir-report.json');
    const golden = readJson(path.join(grypeFixtures, 'golden', 'json', 'TestJsonDirsPresenter.golden')) as {
      source: { target: string };
    };
    golden.source.target = path.join(ws, 'policy');
    writeFileSync(dirReport, JSON.stringify(golden));
    const dir = await runScan(
      { path: 'policy', 'severity-cutoff': 'CRITICAL' },
      { report: dirReport, workspace: ws },
    );
    expect(scanCall(dir.calls).argv[0]).toBe(`dir:${path.join(ws, 'policy')}`);
    expect(dir.result.outputs.verdict).toBe('fail');
    expect(dir.result.outputs.category).toBe('grype/dir/policy');
  });

  it('takes the source input in the syntax sbom shares: sbom:, dir:, image:, a bare reference, file:', async () => {
    const sbom = await runScan({ source: 'sbom:sbom.spdx.json' }, { report: BUSYBOX });
    expect(scanCall(sbom.calls).argv[0]).toBe(`sbom:${path.join(sbom.result.workspace, 'sbom.spdx.json')}`);
    expect(sbom.result.outputs.verdict).toBe('fail');

    const ws = workspace();
    const dirReport = path.join(ws, 'dir-report.json');
    const golden = readJson(path.join(grypeFixtures, 'golden', 'json', 'TestJsonDirsPresenter.golden')) as {
      source: { target: string };
    };
    golden.source.target = path.join(ws, 'policy');
    writeFileSync(dirReport, JSON.stringify(golden));
    const dir = await runScan({ source: 'dir:policy' }, { report: dirReport, workspace: ws });
    expect(scanCall(dir.calls).argv[0]).toBe(`dir:${path.join(ws, 'policy')}`);
    expect(dir.result.outputs.category).toBe('grype/dir/policy');

    for (const source of ['image:busybox:1.32.1', 'busybox:1.32.1']) {
      const image = await runScan({ source }, { report: BUSYBOX });
      expect(scanCall(image.calls).argv[0]).toBe('busybox:1.32.1');
      expect(image.result.outputs.category).toBe('grype/busybox');
      expect(image.result.outputs.verdict).toBe('fail');
    }

    // An image archive: grype gets its absolute path, and its report names that path as the image.
    const archive = workspace();
    writeFileSync(path.join(archive, 'image.tar'), 'tar');
    const report = readJson(BUSYBOX) as { source: { target: { userInput: string } } };
    report.source.target.userInput = path.join(archive, 'image.tar');
    writeFileSync(path.join(archive, 'report.json'), JSON.stringify(report));
    const file = await runScan(
      { source: 'file:image.tar' },
      { report: path.join(archive, 'report.json'), workspace: archive },
    );
    expect(scanCall(file.calls).argv[0]).toBe(path.join(archive, 'image.tar'));
    expect(file.result.outputs.category).toBe('grype/file/image.tar');
    expect(file.result.outputs.verdict).toBe('fail');
  });

  it('reads a source under RUNNER_TEMP, where the sbom step writes by default', async () => {
    const temp = mkdtempSync(path.join(os.tmpdir(), 'scan-runner-temp-'));
    copyFileSync(SYFT_SPDX, path.join(temp, 'sbom-spdx.json'));
    const { result, calls } = await runScan(
      { source: `sbom:${path.join(temp, 'sbom-spdx.json')}` },
      { report: BUSYBOX, env: { RUNNER_TEMP: temp } },
    );
    expect(scanCall(calls).argv[0]).toBe(`sbom:${path.join(temp, 'sbom-spdx.json')}`);
    expect(result.outputs.verdict).toBe('fail');
  });

  it('refuses a file source whose report is about something else', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws, 'image.tar'), 'tar');
    const { result } = await runScan({ source: 'file:image.tar' }, { report: BUSYBOX, workspace: ws });
    expect(oneError(result)).toBe(
      `grype's report is about "busybox:1.32.1" (image), not the file asked for ("${path.join(ws, 'image.tar')}"); refusing to judge it. (grype reads an SBOM given as a file as that SBOM: give it as sbom:<file>.)`,
    );
  });

  it('reads a bare source that is also a directory of the workspace as the image, with a warning', async () => {
    const ws = workspace();
    const report = readJson(BUSYBOX) as { source: { target: { userInput: string } } };
    report.source.target.userInput = 'policy';
    writeFileSync(path.join(ws, 'report.json'), JSON.stringify(report));
    const { result, calls } = await runScan(
      { source: 'policy' },
      { report: path.join(ws, 'report.json'), workspace: ws },
    );
    expect(scanCall(calls).argv[0]).toBe('policy');
    expect(result.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toContain(
      'source "policy" is read as the image policy; a directory of that name is here too: write dir:policy to use it, or image:policy to say you mean the image.',
    );
  });

  it('refuses a report about another image than the one asked for (operational error, not a verdict)', async () => {
    const { result } = await runScan({ image: 'alpine:3.19', 'fail-build': 'false' }, { report: BUSYBOX });
    expect(oneError(result)).toBe(
      'grype\'s report is about "busybox:1.32.1" (image), not the image asked for ("alpine:3.19"); refusing to judge it.',
    );
    expect(result.annotations.find((a) => a.level === 'error')?.properties.title).toBe(
      'REPORT_TARGET_MISMATCH',
    );
    expect(result.outputs.verdict).toBeUndefined();
  });

  it('accepts a digest reference when the report names that manifest digest', async () => {
    const digest = 'sha256:123b1fd3a44eaaf7322e08e9175d9ca57d49ebf2955d4fa1f5607e99dc31bcbb';
    const { result } = await runScan({ image: `docker.io/library/busybox@${digest}` }, { report: BUSYBOX });
    expect(result.outputs.verdict).toBe('fail');
    expect(result.outputs.category).toBe('grype/docker.io/library/busybox');
  });
});

describe('scan action: policy', () => {
  it('ignore rules and VEX suppress findings; the summary says which and why', async () => {
    const { result } = await runScan(
      {
        image: 'vulnerable-image:latest',
        'ignore-file': 'policy/check-all-fields.yaml',
        vex: 'policy/check-all-fields.openvex.json',
      },
      { report: CHECK_ALL },
    );
    expect(result.exitCode).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
    const counts = JSON.parse(result.outputs.counts!) as Record<string, Record<string, number>>;
    expect(counts.before).toEqual({ critical: 2, high: 3, medium: 0, low: 0, negligible: 1, unknown: 0 });
    expect(counts.after).toEqual({ critical: 0, high: 0, medium: 0, low: 0, negligible: 1, unknown: 0 });
    expect(result.summary).toContain('### Suppressed');
    expect(result.summary).toContain(`ignore rule 1 (until ${EXPIRES})`);
    expect(result.summary).toContain('The app is served behind a proxy');
    expect(result.summary).toContain(
      'not_affected: vulnerable_code_not_in_execute_path: mq_notify is never called',
    );
    expect(result.annotations.filter((a) => a.level === 'notice').map((a) => a.message)).toContain(
      `Ignore rule 3 (CVE-2000-0001) of ${path.join(result.workspace, 'policy', 'check-all-fields.yaml')} matched nothing; remove it if it is no longer needed.`,
    );
    // Suppressed findings stay in the SARIF, marked as such, so code scanning closes their alerts.
    const sarif = readJson(result.outputs.sarif!) as { runs: { results: { suppressions?: unknown[] }[] }[] };
    expect(sarifErrors(sarif)).toEqual([]);
    expect(sarif.runs[0]!.results.filter((r) => r.suppressions).length).toBe(5);
  });

  it('only-fixed leaves out findings without a fix', async () => {
    const { result } = await runScan({ image: 'busybox:1.32.1', 'only-fixed': 'true' }, { report: BUSYBOX });
    expect(result.outputs.verdict).toBe('pass');
    expect(JSON.parse(result.outputs.counts!).after).toEqual({
      critical: 0,
      high: 0,
      medium: 1,
      low: 0,
      negligible: 0,
      unknown: 0,
    });
    expect(result.summary).toContain('14 finding(s) without a fixed version were left out (only-fixed).');
  });

  it('unknown-fails makes findings of unknown severity count, and the summary says it either way', async () => {
    const nginx = report('nginx-debian10.grype.json');
    const off = await runScan({ image: 'nginx', 'severity-cutoff': 'critical' }, { report: nginx });
    expect(off.result.summary).toContain('unknown severity fails: no');
    expect(off.result.outputs.blocking).toBe('13');
    const on = await runScan(
      { image: 'nginx', 'severity-cutoff': 'critical', 'unknown-fails': 'true' },
      { report: nginx },
    );
    expect(on.result.summary).toContain('unknown severity fails: yes');
    expect(on.result.outputs.blocking).toBe('22');
  });

  it('an expired ignore rule fails the gate and names the rule', async () => {
    const { result } = await runScan(
      { sbom: 'sbom.spdx.json', 'ignore-file': 'policy/expired.yaml' },
      { report: path.join(grypeFixtures, 'golden', 'json', 'TestEmptyJsonPresenter.golden') },
    );
    expect(oneError(result)).toBe(
      `❌ Vulnerability gate blocked for unknown: ignore rule 1 (CVE-2021-32626 in redis) of ${path.join(result.workspace, 'policy', 'expired.yaml')} expired on 2024-01-31`,
    );
    expect(result.outputs.verdict).toBe('fail');
    expect(result.summary).toContain('### Expired ignore rules');
  });

  it('fail-build false turns a blocked gate into a warning', async () => {
    const { result } = await runScan({ image: 'busybox:1.32.1', 'fail-build': 'false' }, { report: BUSYBOX });
    expect(result.exitCode).toBe(0);
    expect(errors(result)).toEqual([]);
    expect(result.outputs.verdict).toBe('fail');
    // Blocked, not failed: a later step can still tell.
    expect(result.outputs.outcome).toBe('blocked');
    const warnings = result.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    expect(warnings).toEqual([
      '⚠️ Vulnerability gate failed (fail-build is off) for busybox:1.32.1: 11 findings at or above high (1 critical, 10 high)',
    ]);
    expect(result.summary.split('\n')[0]).toBe(
      '## ⚠️ Vulnerability scan: failed (not blocking: fail-build is off)',
    );
  });

  it('the category input overrides the derived one', async () => {
    const { result } = await runScan(
      { image: 'busybox:1.32.1', category: 'release/busybox-arm64' },
      { report: BUSYBOX },
    );
    const sarif = readJson(result.outputs.sarif!) as { runs: { automationDetails: { id: string } }[] };
    expect(sarif.runs[0]!.automationDetails.id).toBe('release/busybox-arm64/');
    expect(result.outputs.category).toBe('release/busybox-arm64');
  });
});

describe('scan action: fails closed', () => {
  it.each([
    [
      'grype exits non-zero',
      {
        FAKE_GRYPE_EXIT: '1',
        // grype 0.120's log on stderr when it cannot load an image (test/real/grype.test.ts).
        FAKE_GRYPE_STDERR: [
          "[0000] ERROR failed to catalog: errors occurred attempting to resolve 'busybox:1.32.1':",
          '  - oci-registry: failed to get image descriptor from registry: unauthorized',
          '  - additionally, the following providers failed with file does not exist: docker-archive, oci-archive',
        ].join('\n'),
      },
      "grype exited with code 1: failed to catalog: errors occurred attempting to resolve 'busybox:1.32.1': - oci-registry: failed to get image descriptor from registry: unauthorized - additionally,",
      'GRYPE_FAILED',
    ],
    [
      'grype writes no report',
      { FAKE_GRYPE_OUTPUT: 'missing' },
      'grype exited with 0 but wrote no report to ',
      'GRYPE_FAILED',
    ],
    ['the report is empty', { FAKE_GRYPE_OUTPUT: 'empty' }, 'is empty.', 'REPORT_INVALID'],
    ['the report is not JSON', { FAKE_GRYPE_OUTPUT: 'garbage' }, 'is not JSON: ', 'REPORT_INVALID'],
  ])('%s: the step fails with the reason, even with fail-build false', async (_name, env, message, code) => {
    const { result } = await runScan(
      { image: 'busybox:1.32.1', 'fail-build': 'false' },
      { report: BUSYBOX, env },
    );
    expect(oneError(result)).toContain(message);
    expect(result.annotations.find((a) => a.level === 'error')?.properties.title).toBe(code);
    expect(result.outputs.outcome).toBe('error');
    expect(result.outputs.verdict).toBeUndefined();
  });
});

describe('scan action: bad inputs give one clear line', () => {
  it.each([
    [
      { image: 'busybox:1.32.1', 'severity-cutoff': 'severe' },
      `Input 'severity-cutoff': "severe" is not accepted; use one of negligible, low, medium, high, critical.`,
    ],
    [
      { image: 'busybox:1.32.1', sbom: 'sbom.spdx.json' },
      `Give one thing to scan, not image and sbom: 'source' (image:<reference>, sbom:<file>, dir:<path>, file:<path> or a bare image reference).`,
    ],
    [
      {},
      `Give what to scan: 'source' (image:<reference>, sbom:<file>, dir:<path>, file:<path> or a bare image reference).`,
    ],
    [
      { source: 'sbom:sbom.spdx.json', image: 'busybox:1.32.1' },
      `Input 'source': cannot be combined with 'image'; give the source once, as source (image:<reference>, sbom:<file>, dir:<path>, file:<path> or a bare image reference).`,
    ],
    [{ source: 'sbom:missing.spdx.json' }, `Input 'source': "sbom:missing.spdx.json": `],
    [{ source: 'sbom:../outside.json' }, `Input 'source': "../outside.json" is outside the workspace`],
    [{ source: 'sbom:policy' }, `is not a file (for a directory write dir:policy).`],
    [{ source: 'dir:sbom.spdx.json' }, `Input 'source': "dir:sbom.spdx.json": `],
    [
      { source: './policy' },
      `Input 'source': "./policy" is a directory here, not an image reference; write dir:./policy to use it (a bare value is always an image).`,
    ],
    [{ source: 'Busybox:1.32.1' }, `Input 'source': invalid image reference "Busybox:1.32.1": `],
    [
      { source: 'docker-archive:image.tar' },
      `Input 'source': "docker-archive:image.tar": docker-archive: is syft's and grype's own scheme; write file:<path>`,
    ],
    [{ sbom: 'missing.spdx.json' }, `Input 'sbom': "missing.spdx.json" does not exist.`],
    [{ sbom: '../outside.json' }, `Input 'sbom': "../outside.json" is outside the workspace`],
    [
      { image: 'busybox:1.32.1', 'only-fixed': 'maybe' },
      `Input 'only-fixed': "maybe" is not a boolean; use true or false.`,
    ],
    [
      { image: 'busybox:1.32.1', 'ignore-file': 'policy/no-reason.yaml' },
      `policy/no-reason.yaml, rule 2 (CVE-2021-32626): "reason" is required; say why the finding is accepted.`,
    ],
    [
      { image: 'busybox:1.32.1', 'ignore-file': 'policy/no-expires.yaml' },
      `policy/no-expires.yaml, rule 1 (CVE-2021-32626): "expires" is required (a date, YYYY-MM-DD).`,
    ],
  ])('%j', async (inputs, message) => {
    const { result, calls } = await runScan(inputs, { report: BUSYBOX });
    expect(oneError(result)).toContain(message);
    // Nothing is scanned when the inputs are wrong.
    expect(calls.filter((c) => c.argv[0] !== 'version')).toEqual([]);
  });
});

describe("scan action: the gate's edges", () => {
  it.each([
    ['SPDX', 'empty.spdx.json'],
    ['CycloneDX', 'empty.cyclonedx.json'],
  ])('an %s SBOM that lists 0 packages fails the gate with the reason', async (_format, file) => {
    const { result, calls } = await runScan(
      { sbom: file },
      { report: path.join(grypeFixtures, 'golden', 'json', 'TestEmptyJsonPresenter.golden') },
    );
    // grype ran and found nothing, which is what it finds in nothing.
    expect(scanCall(calls).argv[0]).toBe(`sbom:${path.join(result.workspace, file)}`);
    expect(oneError(result)).toBe(
      '❌ Vulnerability gate blocked for unknown: the SBOM lists 0 packages: nothing was scanned; an empty catalogue is not a pass',
    );
    expect(result.outputs.verdict).toBe('fail');
    expect(result.outputs.blocking).toBe('0');
    expect(result.summary.split('\n')[0]).toBe('## ❌ Vulnerability scan: blocked');
    expect(result.summary).toContain('**the SBOM lists 0 packages: nothing was scanned');
  });

  it('allow-empty-sbom lets an empty catalogue pass (a chart directory), and only when given', async () => {
    const { result } = await runScan(
      { sbom: 'empty.spdx.json', 'allow-empty-sbom': 'true' },
      { report: path.join(grypeFixtures, 'golden', 'json', 'TestEmptyJsonPresenter.golden') },
    );
    expect(result.exitCode).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
  });

  it('the same SBOM with its packages passes (the count is what decides)', async () => {
    const { result } = await runScan(
      { sbom: 'sbom.spdx.json' },
      { report: path.join(grypeFixtures, 'golden', 'json', 'TestEmptyJsonPresenter.golden') },
    );
    expect(result.exitCode).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
  });

  it('an SBOM the gate cannot count is an error naming the input, before grype runs', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws, 'stub.json'), '{"spdxVersion":"SPDX-2.3"}\n');
    const { result, calls } = await runScan({ sbom: 'stub.json' }, { report: BUSYBOX, workspace: ws });
    expect(oneError(result)).toBe(
      `Input 'sbom': SBOM file ${path.join(ws, 'stub.json')} has no SPDXID "SPDXRef-DOCUMENT"; it is not an SPDX document. The gate reads the SBOM's packages itself; give SPDX JSON, CycloneDX JSON or syft JSON.`,
    );
    expect(calls.filter((c) => c.argv[0] !== 'version')).toEqual([]);
  });

  it('an ignore rule that expires beyond the cap (one year by default) fails closed, naming the rule and the cap', async () => {
    const { result, calls } = await runScan(
      { image: 'vulnerable-image:latest', 'ignore-file': 'policy/far-away.yaml' },
      { report: CHECK_ALL },
    );
    const today = inDays(0);
    expect(oneError(result)).toBe(
      `Input 'max-ignore-days': Ignore rule 1 (CVE-2021-44420 in Django) of ${path.join(result.workspace, 'policy', 'far-away.yaml')} expires on 2099-12-31, more than 365 days from today (${today}); the latest accepted expiry is ${inDays(365)}. Set an earlier date and review the exception then, or raise this cap (at most 3650).`,
    );
    expect(result.outputs.verdict).toBeUndefined();
    expect(calls.filter((c) => c.argv[0] !== 'version')).toEqual([]);
  });

  it('max-ignore-days moves the cap', async () => {
    const inputs = { image: 'vulnerable-image:latest', 'ignore-file': 'policy/in-400-days.yaml' };
    const capped = await runScan(inputs, { report: CHECK_ALL });
    expect(oneError(capped.result)).toContain(`expires on ${inDays(400)}, more than 365 days from today`);

    const raised = await runScan({ ...inputs, 'max-ignore-days': '400' }, { report: CHECK_ALL });
    expect(raised.result.outputs.verdict).toBe('fail'); // the VEX findings are not suppressed here
    expect(errors(raised.result)[0]).toContain('2 findings at or above high (2 critical)');

    const lowered = await runScan(
      { ...inputs, 'ignore-file': 'policy/check-all-fields.yaml', 'max-ignore-days': '30' },
      { report: CHECK_ALL },
    );
    expect(oneError(lowered.result)).toContain(`more than 30 days from today`);
    expect(oneError(lowered.result)).toMatch(/^Input 'max-ignore-days': .* raise this cap/);
  });

  it.each(['0', '3651', 'a year', '1.5'])('max-ignore-days "%s" is refused with the range', async (value) => {
    const { result, calls } = await runScan(
      { image: 'busybox:1.32.1', 'max-ignore-days': value },
      { report: BUSYBOX },
    );
    expect(oneError(result)).toBe(
      `Input 'max-ignore-days': "${value}" is not a whole number between 1 and 3650.`,
    );
    expect(calls).toEqual([]);
  });
});

describe('scan action: grype database', () => {
  it('outside a runner with the cache service, caching is skipped with a debug line and grype keeps its DB under RUNNER_TEMP', async () => {
    const { result, calls } = await runScan(
      { image: 'busybox:1.32.1', 'cache-db': 'true' },
      { report: BUSYBOX, env: { RUNNER_DEBUG: '1' } },
    );
    const call = scanCall(calls);
    expect(call.env.GRYPE_DB_CACHE_DIR).toBe(path.join(result.runnerTemp, 'grype-db'));
    expect(call.env.GRYPE_DB_AUTO_UPDATE).toBeUndefined();
    expect(result.annotations.filter((a) => a.level === 'debug').map((a) => a.message)).toContain(
      'grype DB cache skipped: not running on a GitHub runner with the cache service.',
    );
    expect(existsSync(path.join(result.runnerTemp, 'grype-db', '6', 'vulnerability.db'))).toBe(true);
  });
});

describe('scan action: grype database cache against a loopback cache service', () => {
  it('loads @actions/cache only on a runner, asks for the day key with the earlier days as prefix, saves after a miss', async () => {
    const { createServer } = await import('node:http');
    const requests: { method: string; url: string; body: string }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        requests.push({ method: request.method ?? '', url: request.url ?? '', body });
        // No entry for any key; reserving a key for the save is refused (a 4xx is not retried).
        if (request.method === 'GET') response.writeHead(204).end();
        else
          response
            .writeHead(400, { 'content-type': 'application/json' })
            .end('{"message":"refused by test"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const { result, calls } = await runScan(
        { image: 'busybox:1.32.1', 'cache-db': 'true' },
        {
          report: BUSYBOX,
          env: {
            ACTIONS_CACHE_URL: `http://127.0.0.1:${port}/`,
            ACTIONS_RUNTIME_TOKEN: 'cache-token-for-test',
          },
        },
      );
      expect(result.outputs.verdict).toBe('fail');
      expect(oneError(result)).toContain('11 findings at or above high');
      const day = new Date().toISOString().slice(0, 10);
      const prefix = `grype-db-${process.platform}-${process.arch}-schema6-grype0.91.2-`;
      const lookup = requests.find((r) => r.method === 'GET')!;
      expect(decodeURIComponent(new URL(lookup.url, 'http://x').searchParams.get('keys')!)).toBe(
        `${prefix}${day},${prefix}`,
      );
      // A miss: grype downloaded the database (auto-update stays on) and the action tried to save it.
      expect(scanCall(calls).env.GRYPE_DB_AUTO_UPDATE).toBeUndefined();
      const reserve = requests.find((r) => r.method === 'POST')!;
      expect(JSON.parse(reserve.body).key).toBe(`${prefix}${day}`);
      // A cache failure is a warning (here @actions/cache's own), never the step's error.
      expect(result.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
        'Failed to save: refused by test',
      ]);
      expect(result.stdout).toContain(`grype DB cache not saved under ${prefix}${day}.`);
      expect(result.stdout).not.toContain('grype DB saved to the cache');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('by default opens no cache at all, on a runner with the cache service too: a fresh database', async () => {
    const { createServer } = await import('node:http');
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const { result, calls } = await runScan(
        { image: 'busybox:1.32.1' },
        {
          report: BUSYBOX,
          env: {
            ACTIONS_CACHE_URL: `http://127.0.0.1:${port}/`,
            ACTIONS_RUNTIME_TOKEN: 'cache-token-for-test',
          },
        },
      );
      expect(result.outputs.verdict).toBe('fail');
      expect(requests).toEqual([]);
      expect(scanCall(calls).env.GRYPE_DB_AUTO_UPDATE).toBeUndefined();
      expect(result.stdout).not.toContain('grype DB cache');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

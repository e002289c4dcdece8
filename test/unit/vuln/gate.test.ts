import { describe, expect, it } from '@jest/globals';
import { Markdown, type Logger } from '@release-actions/core';
import {
  defaultPolicy,
  exportSarif,
  gate,
  judge,
  renderScanSummary,
  scanOutputs,
  type JudgedTarget,
  type ScanResult,
} from '@release-actions/vuln';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { grypeFixtures } from './expected.js';
import { fakesBin } from '../../harness/run-bundle.js';
import { BUSYBOX, CHECK_ALL, loadReport, reportOf, writePlatformsManifest } from './fixtures.js';

const NOW = new Date('2026-06-01T00:00:00Z');

function recordingLogger(): Logger & { notices: string[] } {
  const notices: string[] = [];
  const ignore = () => undefined;
  return { debug: ignore, info: ignore, warning: ignore, notice: (m) => notices.push(m), notices };
}

describe('gate over a report that was already made (no grype)', () => {
  it('judges it, writes the SARIF beside it and returns a SCAN_BLOCKED verdict with the headline', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gate-'));
    const report = path.join(grypeFixtures, CHECK_ALL);
    const rules = path.join(dir, 'ignore.yaml');
    writeFileSync(
      rules,
      'ignore:\n  - { id: CVE-2000-0001, reason: never seen, expires: 2026-12-31 }\n  - { id: CVE-2021-32626, reason: client only, expires: 2026-12-31 }\n',
    );
    const logger = recordingLogger();
    const result = await gate({ report, policy: { ignoreFile: rules }, outputDir: dir, now: NOW, logger });

    expect(result.verdict).toEqual({
      outcome: 'blocked',
      code: 'SCAN_BLOCKED',
      message:
        '❌ Vulnerability gate blocked for vulnerable-image:latest: 4 findings at or above high (2 critical, 2 high)',
    });
    expect(result.byPlatform).toBe(false);
    expect(result.json).toBe(report);
    expect(result.sarif).toBe(path.join(dir, 'grype.sarif'));
    expect(JSON.parse(readFileSync(result.sarif, 'utf8')).runs[0].automationDetails.id).toBe(
      'grype/vulnerable-image/',
    );
    // The rule that matched nothing, named once; the one in use is not.
    expect(logger.notices).toEqual([
      `Ignore rule 1 (CVE-2000-0001) of ${rules} matched nothing; remove it if it is no longer needed.`,
    ]);

    const outputs = scanOutputs(result);
    expect(outputs).toMatchObject({
      verdict: 'fail',
      blocking: 4,
      critical: 2,
      high: 2,
      category: 'grype/vulnerable-image',
    });
    expect(outputs).not.toHaveProperty('platforms');
  });

  it('with fail-build off the verdict is still blocked, and its line and the summary say it does not fail', async () => {
    const result = await gate({
      report: path.join(grypeFixtures, BUSYBOX),
      policy: {},
      failBuild: false,
      outputDir: mkdtempSync(path.join(os.tmpdir(), 'gate-')),
      logger: recordingLogger(),
    });
    expect(result.verdict.outcome).toBe('blocked');
    expect(result.verdict.message).toMatch(
      /^⚠️ Vulnerability gate failed \(fail-build is off\) for busybox:1\.32\.1: /,
    );
    expect(renderScanSummary(result, new Markdown()).toString().split('\n')[0]).toBe(
      '## ⚠️ Vulnerability scan: failed (not blocking: fail-build is off)',
    );
  });

  it('a passing report passes, and the policy is checked before the report is read', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gate-'));
    const empty = path.join(grypeFixtures, 'golden', 'json', 'TestEmptyJsonPresenter.golden');
    const passed = await gate({ report: empty, policy: {}, outputDir: dir, logger: recordingLogger() });
    expect(passed.verdict).toMatchObject({
      outcome: 'passed',
      message: '✅ Vulnerability gate passed for unknown',
    });

    await expect(
      gate({
        report: path.join(dir, 'missing.json'),
        policy: { severityCutoff: 'severe' },
        outputDir: dir,
        logger: recordingLogger(),
      }),
    ).rejects.toMatchObject({ input: 'severity-cutoff' });
  });
});

/** Two platforms judged by hand, as gate() returns them for a manifest: amd64 passes, arm64 blocks. */
function twoPlatforms(dir: string): ScanResult {
  const policy = defaultPolicy();
  const judged = (platform: string, digest: string, relative: string, category: string): JudgedTarget => {
    const report = relative === '' ? reportOf([]) : loadReport(relative);
    const { evaluation, sarif } = judge(report, policy, { category, now: NOW });
    const slug = platform.replace('/', '-');
    return {
      target: { platform, digest },
      evaluation,
      sarif,
      sarifFile: path.join(dir, 'sarif', `grype-${slug}.sarif`),
      jsonFile: path.join(dir, slug, 'grype.json'),
      report,
    };
  };
  return {
    subject: 'ghcr.io/o/app@sha256:00',
    byPlatform: true,
    results: [
      judged('linux/amd64', 'sha256:aa', '', 'grype/app/linux-amd64'),
      judged('linux/arm64', 'sha256:bb', BUSYBOX, 'grype/app/linux-arm64'),
    ],
    verdict: { outcome: 'blocked', code: 'SCAN_BLOCKED', message: 'blocked' },
    sarif: path.join(dir, 'sarif'),
    json: dir,
    failBuild: true,
  };
}

describe('a result of several platforms, as the action and the CLI show it', () => {
  it('outputs: summed counts, no single category, a platforms list with each one own', () => {
    const outputs = scanOutputs(twoPlatforms('/out'));
    expect(outputs).toMatchObject({
      verdict: 'fail',
      blocking: 11,
      critical: 1,
      high: 10,
      category: '',
      sarif: '/out/sarif',
      json: '/out',
    });
    const platforms = outputs.platforms as { platform: string; verdict: string; category: string }[];
    expect(platforms.map((p) => [p.platform, p.verdict, p.category])).toEqual([
      ['linux/amd64', 'pass', 'grype/app/linux-amd64'],
      ['linux/arm64', 'fail', 'grype/app/linux-arm64'],
    ]);
  });

  it('summary: the overall verdict, a row per platform, then each platform as a section', () => {
    const text = renderScanSummary(twoPlatforms('/out'), new Markdown()).toString();
    expect(text.split('\n')[0]).toBe('## ❌ Vulnerability scan: blocked');
    expect(text).toContain('1 of 2 platforms block (linux/arm64)');
    expect(text).toContain('| linux/amd64 | `sha256:aa` | ✅ pass | 0 |');
    expect(text).toContain('### ❌ linux/arm64 (`sha256:bb`): blocked');
  });

  it('--sarif: one file per platform in the directory given, under the names the gate chose', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gate-sarif-'));
    const files = await exportSarif(twoPlatforms('/out'), dir);
    expect(files).toEqual([
      path.join(dir, 'grype-linux-amd64.sarif'),
      path.join(dir, 'grype-linux-arm64.sarif'),
    ]);
    expect(readdirSync(dir).sort()).toEqual(['grype-linux-amd64.sarif', 'grype-linux-arm64.sarif']);

    const one = { ...twoPlatforms('/out'), results: twoPlatforms('/out').results.slice(1) };
    const file = path.join(dir, 'only.sarif');
    expect(await exportSarif(one, file)).toEqual([file]);
    expect(existsSync(file)).toBe(true);
  });
});

describe('gate over the platforms of a manifest (the fake grype)', () => {
  it('a directory, a category and a verdict per platform; a rule used on one platform is not unused', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gate-platforms-'));
    const rules = path.join(dir, 'ignore.yaml');
    writeFileSync(rules, 'ignore:\n  - { id: CVE-2021-32626, reason: client only, expires: 2026-12-31 }\n');
    const saved = process.env.FAKE_GRYPE_REPORTS;
    process.env.FAKE_GRYPE_REPORTS = JSON.stringify({
      'linux-amd64': path.join(grypeFixtures, 'golden', 'json', 'TestEmptyJsonPresenter.golden'),
      'linux-arm-v7': path.join(grypeFixtures, CHECK_ALL),
    });
    try {
      const logger = recordingLogger();
      const result = await gate({
        sbomManifest: writePlatformsManifest(dir),
        policy: { ignoreFile: rules },
        category: 'grype/app',
        tempDir: dir,
        command: path.join(fakesBin, 'grype'),
        now: NOW,
        logger,
      });
      const out = path.join(
        dir,
        readdirSync(dir).find((name) => name.startsWith('scan-'))!,
      );
      expect(result.json).toBe(out);
      expect(
        result.results.map((r) => [r.target.platform, r.evaluation.verdict, r.sarif.category, r.jsonFile]),
      ).toEqual([
        ['linux/amd64', 'pass', 'grype/app/linux-amd64', path.join(out, 'linux-amd64', 'grype.json')],
        ['linux/arm/v7', 'fail', 'grype/app/linux-arm-v7', path.join(out, 'linux-arm-v7', 'grype.json')],
      ]);
      expect(readdirSync(result.sarif).sort()).toEqual([
        'grype-linux-amd64.sarif',
        'grype-linux-arm-v7.sarif',
      ]);
      expect(result.verdict.message).toMatch(/: 1 of 2 platforms block \(linux\/arm\/v7\)/);
      // Unused on amd64 (nothing found there) but used on arm/v7: no notice.
      expect(logger.notices).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.FAKE_GRYPE_REPORTS;
      else process.env.FAKE_GRYPE_REPORTS = saved;
    }
  });
});

import { describe, expect, it } from '@jest/globals';
import { ansiStyle, type Logger } from '@release-actions/core';
import {
  defaultPolicy,
  evaluate,
  gate,
  judge,
  loadIgnoreFile,
  loadVex,
  renderScanText,
  renderText,
  scanJson,
  toJson,
  type ScanResult,
} from '@release-actions/vuln';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';
import { grypeFixtures } from './expected.js';
import { CHECK_ALL, NGINX, loadReport } from './fixtures.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const vulnFixtures = path.join(repoRoot, 'test', 'fixtures', 'vuln');
const ESC = '\u001b[';

const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined,
  notice: () => undefined,
};

/** The check-all-fields report with its ignore rules (one unused) and VEX document, under `dir`. */
async function checkAllPolicy(dir: string) {
  const ignoreFile = path.join(dir, 'policy', 'ignore.yaml');
  mkdirSync(path.dirname(ignoreFile), { recursive: true });
  copyFileSync(path.join(vulnFixtures, 'ignore', 'check-all-fields.yaml'), ignoreFile);
  const vexFile = path.join(dir, 'policy', 'app.openvex.json');
  copyFileSync(path.join(vulnFixtures, 'vex', 'check-all-fields.openvex.json'), vexFile);
  return defaultPolicy({ ignoreRules: await loadIgnoreFile(ignoreFile), vex: await loadVex(vexFile) });
}

describe('the scan text for a terminal', () => {
  const nginx = () => renderText(evaluate(loadReport(NGINX), defaultPolicy(), NOW));

  it('keeps the verdict as its first line, then the counts, the legend, and findings by package', () => {
    const lines = nginx().split('\n');
    expect(lines[0]).toBe(
      '❌ Vulnerability gate blocked for nginx: 45 findings at or above high (13 critical, 32 high)',
    );
    expect(lines.slice(1, 3)).toEqual(['severity       found   after', 'critical          13      13']);
    expect(lines).toContain('! = blocking (at or above high)');
    // The report has 197 findings; the list is cut at 20 and says so.
    expect(lines).toContain('findings by package, most blocking first (20 of 197 shown):');
    const start = lines.indexOf('findings by package, most blocking first (20 of 197 shown):');
    expect(lines.slice(start + 1, start + 6)).toEqual([
      '  libexpat1 2.2.6-2+deb10u1 (deb): 11 findings, 10 blocking, no fixed version',
      '    ! CVE-2022-22822  critical    no fix',
      '    ! CVE-2022-22823  critical    no fix',
      '    ! CVE-2022-22824  critical    no fix',
      '      … 8 more in libexpat1',
    ]);
    const findingLines = lines.filter((l) => /^ {4}(! | {2})[A-Z]+-\d/.test(l));
    expect(findingLines).toHaveLength(20);
    expect(lines).toContain('  … 54 more packages with 119 findings (13 blocking)');
  });

  it('names, per package, the upgrade that clears the most, also for packages cut from the list', () => {
    const lines = nginx().split('\n');
    const upgrades = lines.indexOf('upgrades for packages not listed above:');
    expect(lines.slice(upgrades, upgrades + 3)).toEqual([
      'upgrades for packages not listed above:',
      '  upgrade libtiff5 to 4.1.0+git191117-2~deb10u3: clears 1 (0 blocking)',
      '  upgrade libicu63 to 63.1-6+deb10u2: clears 1 (0 blocking)',
    ]);
    // With room for every finding, the upgrade sits under its package and nothing says "shown".
    const all = renderText(evaluate(loadReport(NGINX), defaultPolicy(), NOW), { top: 500, perPackage: 500 });
    const allLines = all.split('\n');
    expect(allLines).toContain('findings by package, most blocking first:');
    expect(all).not.toContain(' shown');
    expect(allLines.filter((l) => /^ {4}(! | {2})[A-Z]+-\d/.test(l))).toHaveLength(197);
    const tiff = allLines.indexOf('  libtiff5 4.1.0+git191117-2~deb10u2 (deb): 10 findings');
    expect(allLines[tiff + 1]).toBe(
      '    upgrade libtiff5 to 4.1.0+git191117-2~deb10u3: clears 1 (0 blocking)',
    );
    expect(allLines.find((l) => l.includes('CVE-2020-19143'))).toMatch(
      /^ {6}CVE-2020-19143 +medium +fixed in 4\.1\.0\+git191117-2~deb10u3$/,
    );
    expect(allLines).not.toContain('upgrades for packages not listed above:');
  });

  it('marks blocking findings with ! always, and with bold only in the terminal style', () => {
    const evaluation = evaluate(loadReport(NGINX), defaultPolicy(), NOW);
    const plain = renderText(evaluation);
    expect(plain).not.toContain(ESC);
    const styled = renderText(evaluation, { style: ansiStyle });
    expect(styled).toContain(`    ${ESC}1m! CVE-2022-22822  ${ESC}31mcritical  ${ESC}39m  no fix${ESC}22m`);
    // Without the escapes it is the plain text.
    expect(styled.replaceAll(new RegExp(`${ESC.replace('[', '\\[')}\\d+m`, 'g'), '')).toBe(plain);
    const nonBlocking = styled.split('\n').find((l) => l.includes('CVE-2013-4392'))!;
    expect(nonBlocking.startsWith(`      CVE-2013-4392`)).toBe(true);
  });

  it('says unknown severities block when the policy says so', () => {
    const evaluation = evaluate(
      loadReport(NGINX),
      defaultPolicy({ cutoff: 'critical', unknownFails: true }),
      NOW,
    );
    expect(renderText(evaluation).split('\n')).toContain(
      '! = blocking (at or above critical, or of unknown severity)',
    );
  });

  it('lists suppressed findings with their rule and reason, and ignore rules that matched nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'text-'));
    const evaluation = evaluate(loadReport(CHECK_ALL), await checkAllPolicy(dir), NOW);
    const lines = renderText(evaluation, { cwd: dir }).split('\n');
    const at = lines.indexOf('suppressed by ignore rules or VEX (5):');
    expect(lines.slice(at + 1, at + 6)).toEqual([
      '  CVE-2021-33574       critical    libc-bin 2.28-10: VEX policy/app.openvex.json #1: not_affected: vulnerable_code_not_in_execute_path: mq_notify is never called by the application.',
      '  CVE-2021-33574       critical    libc6 2.28-10: VEX policy/app.openvex.json #1: not_affected: vulnerable_code_not_in_execute_path: mq_notify is never called by the application.',
      '  CVE-2021-32626       high        redis 4.0.2: ignore rule 2 of policy/ignore.yaml (until 2099-12-31): Only the client library is present; the Lua scripting server is not.',
      '  GHSA-v6rh-hp5x-86rv  high        Django 3.2.9: ignore rule 1 of policy/ignore.yaml (until 2099-12-31): The app is served behind a proxy that normalises URL paths; no upstream fix is deployable this sprint.',
      '  GHSA-v6rh-hp5x-86rv  high        Django 3.2.9: ignore rule 1 of policy/ignore.yaml (until 2099-12-31): The app is served behind a proxy that normalises URL paths; no upstream fix is deployable this sprint.',
    ]);
    expect(lines).toContain(
      'ignore rules that matched nothing (remove them?): rule 3 (CVE-2000-0001) of policy/ignore.yaml',
    );
    // Outside the current directory a path stays absolute, so it can be found.
    const elsewhere = renderText(evaluation, { cwd: path.join(dir, 'sub') });
    expect(elsewhere).toContain(`of ${path.join(dir, 'policy', 'ignore.yaml')} (until`);
    // The cut is said as for findings.
    expect(renderText(evaluation, { suppressedTop: 2 }).split('\n')).toContain(
      'suppressed by ignore rules or VEX (2 of 5 shown):',
    );
  });

  it('counts what only-fixed left out', () => {
    const evaluation = evaluate(loadReport(NGINX), defaultPolicy({ onlyFixed: true }), NOW);
    const lines = renderText(evaluation).split('\n');
    expect(lines[0]).toBe('✅ Vulnerability gate passed for nginx');
    expect(lines).toContain('left out by only-fixed (no fixed version yet): 195 findings');
    expect(lines).toContain('  libtiff5 4.1.0+git191117-2~deb10u2 (deb): 1 finding');
  });
});

describe('renderScanText', () => {
  it('shows the report, SARIF and policy files relative to the current directory when under it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scan-text-'));
    const report = path.join(dir, 'reports', 'grype.json');
    mkdirSync(path.dirname(report));
    copyFileSync(path.join(grypeFixtures, NGINX), report);
    const result = await gate({
      report,
      policy: {},
      outputDir: path.join(dir, 'out'),
      now: NOW,
      logger: quiet,
    });
    const sarif = path.join(dir, 'out', 'scan.sarif');
    const text = renderScanText(result, sarif, undefined, dir);
    expect(text.split('\n')[0]).toBe(
      '❌ Vulnerability gate blocked for nginx: 45 findings at or above high (13 critical, 32 high)',
    );
    expect(text.split('\n').slice(-2)).toEqual([
      'report: reports/grype.json',
      'SARIF: out/scan.sarif (category grype/nginx)',
    ]);
    // From elsewhere the absolute paths are kept.
    const other = renderScanText(result, sarif, undefined, path.join(dir, 'x'));
    expect(other.split('\n').slice(-2)).toEqual([
      `report: ${report}`,
      `SARIF: ${sarif} (category grype/nginx)`,
    ]);
    // The JSON keeps absolute paths: it is read by programs.
    expect(scanJson(result, sarif)).toMatchObject({ report, sarif });
  });

  it('several platforms: the overall verdict first, then each platform with its report', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scan-text-'));
    const platform = (name: string, file: string) => {
      const { evaluation, sarif } = judge(loadReport(file), defaultPolicy(), {
        category: `grype/app/${name}`,
        now: NOW,
      });
      return {
        target: { platform: name, digest: `sha256:${name.length}` },
        evaluation,
        sarif,
        sarifFile: path.join(dir, `${name}.sarif`),
        jsonFile: path.join(dir, name.replace('/', '-'), 'grype.json'),
        report: loadReport(file),
      };
    };
    const empty = 'golden/json/TestEmptyJsonPresenter.golden';
    const result: ScanResult = {
      subject: 'ghcr.io/o/app:1',
      byPlatform: true,
      results: [platform('linux/amd64', empty), platform('linux/arm64', CHECK_ALL)],
      verdict: { outcome: 'blocked', code: 'SCAN_BLOCKED', message: '' },
      sarif: path.join(dir, 'sarif'),
      json: dir,
      failBuild: true,
    };
    const lines = renderScanText(result, undefined, undefined, dir).split('\n');
    expect(lines[0]).toMatch(
      /^❌ Vulnerability gate blocked for ghcr.io\/o\/app:1: 1 of 2 platforms block \(linux\/arm64\)/,
    );
    expect(lines).toContain('== linux/amd64 sha256:11: pass');
    expect(lines).toContain('report: linux-amd64/grype.json');
    expect(lines).toContain('report: linux-arm64/grype.json');
  });
});

describe('the scan JSON', () => {
  it('lists blocking findings most severe first, then by id and package, the same on every run', () => {
    const result = toJson(evaluate(loadReport(NGINX), defaultPolicy(), NOW));
    const blocking = result.blockingFindings as { id: string; severity: string; package: string }[];
    expect(blocking).toHaveLength(45);
    expect(blocking.slice(0, 4).map((f) => `${f.severity} ${f.id} ${f.package}`)).toEqual([
      'critical CVE-2021-33574 libc-bin',
      'critical CVE-2021-33574 libc6',
      'critical CVE-2021-35942 libc-bin',
      'critical CVE-2021-35942 libc6',
    ]);
    expect(blocking.filter((f) => f.severity === 'critical')).toHaveLength(13);
    expect(blocking.slice(13).every((f) => f.severity === 'high')).toBe(true);
    const keys = blocking.map((f) => `${f.severity === 'critical' ? 0 : 1} ${f.id} ${f.package}`);
    expect(keys).toEqual([...keys].sort());
    // The report's own order is another: blocking findings are not in it as they are listed.
    const reportOrder = loadReport(NGINX)
      .matches.filter((m) => ['Critical', 'High'].includes(m.vulnerability.severity ?? ''))
      .map((m) => m.vulnerability.id);
    expect(reportOrder).not.toEqual(blocking.map((f) => f.id));
  });

  it('has the upgrades, each suppression with its rule, and unused rules', async () => {
    const nginx = toJson(evaluate(loadReport(NGINX), defaultPolicy(), NOW));
    expect(nginx.upgrades).toEqual([
      {
        package: 'libicu63',
        version: '63.1-6+deb10u1',
        type: 'deb',
        to: '63.1-6+deb10u2',
        clears: 1,
        blocking: 0,
      },
      {
        package: 'libtiff5',
        version: '4.1.0+git191117-2~deb10u2',
        type: 'deb',
        to: '4.1.0+git191117-2~deb10u3',
        clears: 1,
        blocking: 0,
      },
    ]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'json-'));
    const result = toJson(evaluate(loadReport(CHECK_ALL), await checkAllPolicy(dir), NOW));
    const suppressed = result.suppressed as { id: string; package: string; by: string; rule?: unknown }[];
    expect(suppressed.find((s) => s.package === 'redis')).toMatchObject({
      by: 'ignore',
      rule: { file: path.join(dir, 'policy', 'ignore.yaml'), index: 2, expires: '2099-12-31' },
    });
    expect(suppressed.find((s) => s.package === 'libc6')).toMatchObject({
      by: 'vex',
      rule: { file: path.join(dir, 'policy', 'app.openvex.json'), index: 1 },
    });
    expect(result.unusedRules).toEqual([
      { index: 3, id: 'CVE-2000-0001', file: path.join(dir, 'policy', 'ignore.yaml') },
    ]);
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  categoryFor,
  defaultCategory,
  defaultPolicy,
  evaluate,
  parseIgnoreRules,
  securitySeverity,
  toSarif,
} from '@release-actions/vuln';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Log } from 'sarif';
import { gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { grypeFixtures } from './expected.js';
import { BUSYBOX, CHECK_ALL, IMGS, loadReport, match, NGINX, reportOf } from './fixtures.js';
import { rulesWithoutSecuritySeverity, sarifErrors } from './sarif-validator.js';

const NOW = new Date('2026-06-01T00:00:00Z');

function sarifOf(relative: string, options: Parameters<typeof toSarif>[2] = {}) {
  const report = loadReport(relative);
  return toSarif(evaluate(report, defaultPolicy(), NOW), report, options);
}

describe('SARIF', () => {
  it('the validator itself rejects what the schema forbids', () => {
    expect(sarifErrors({ version: '2.1.0' })).not.toEqual([]);
    expect(sarifErrors({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).not.toEqual([]);
    expect(
      sarifErrors({
        version: '2.1.0',
        runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: {} }] }],
      }),
    ).not.toEqual([]);
    // grype's own golden SARIF is valid: the validator does accept real logs.
    const golden = JSON.parse(
      readFileSync(path.join(grypeFixtures, 'golden', 'sarif', 'TestSarifPresenter_image.golden'), 'utf8'),
    ) as unknown;
    expect(sarifErrors(golden)).toEqual([]);
  });

  it.each([CHECK_ALL, BUSYBOX, NGINX, IMGS])(
    '%s: schema-valid, one run, security-severity on every rule',
    (file) => {
      const out = sarifOf(file);
      expect(sarifErrors(out.log)).toEqual([]);
      expect(
        rulesWithoutSecuritySeverity(out.log as Parameters<typeof rulesWithoutSecuritySeverity>[0]),
      ).toEqual([]);
      expect(out.log.runs).toHaveLength(1);
      expect(out.log.runs[0]!.results).toHaveLength(loadReport(file).matches.length);
      expect(JSON.parse(out.text)).toEqual(out.log);
      expect(out.trimmed).toBeUndefined();
    },
  );

  it('one rule per vulnerability id; results point at the package with a logical location and a fingerprint', () => {
    const out = sarifOf(CHECK_ALL);
    const run = out.log.runs[0]!;
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual([
      'CVE-2004-0971',
      'CVE-2021-32626',
      'CVE-2021-33574',
      'GHSA-v6rh-hp5x-86rv',
    ]);
    const libc = run.results!.find((r) => r.message.text!.includes('libc6'))!;
    expect(libc).toMatchObject({
      ruleId: 'CVE-2021-33574',
      ruleIndex: 2,
      level: 'error',
      message: {
        text: 'CVE-2021-33574 (critical) in deb package libc6 2.28-10 of vulnerable-image:latest: will not be fixed.',
      },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: 'var/lib/dpkg/status' }, region: { startLine: 1 } },
          logicalLocations: [
            { name: 'libc6', fullyQualifiedName: 'pkg:deb/debian/libc6@2.28-10?arch=amd64', kind: 'package' },
          ],
        },
      ],
    });
    expect(libc.partialFingerprints!.primaryLocationLineHash).toMatch(/^[0-9a-f]{64}:1$/);
    const fingerprints = new Set(run.results!.map((r) => r.partialFingerprints!.primaryLocationLineHash));
    // The two identical Django matches collapse; every other finding is told apart.
    expect(fingerprints.size).toBe(5);
    expect(run.tool.driver.rules![3]).toMatchObject({
      helpUri: 'https://github.com/advisories/GHSA-v6rh-hp5x-86rv',
      properties: { 'security-severity': '7.3', tags: ['security', 'vulnerability', 'high'] },
    });
  });

  it('security-severity is the best CVSS score inside the band of the severity, else a score in that band', () => {
    const critical = match('CVE-1', 'Critical');
    critical.vulnerability.cvss = [
      { version: '2.0', metrics: { baseScore: 10 } },
      { version: '3.1', metrics: { baseScore: 9.8 } },
    ];
    expect(securitySeverity('critical', critical)).toBe('9.8');
    const low = match('CVE-2', 'Low');
    low.vulnerability.cvss = [{ version: '3.1', metrics: { baseScore: 8.2 } }];
    expect(securitySeverity('low', low)).toBe('2.0');
    const related = match('CVE-3', 'Medium');
    related.relatedVulnerabilities = [
      { id: 'CVE-3', cvss: [{ version: '3.0', metrics: { baseScore: 5.3 } }] },
    ];
    expect(securitySeverity('medium', related)).toBe('5.3');
    expect(securitySeverity('high', match('CVE-4', 'High'))).toBe('8.0');
    expect(securitySeverity('negligible', match('CVE-5', 'Negligible'))).toBe('0.5');
    expect(securitySeverity('unknown', match('CVE-6', 'Unknown'))).toBe('0.0');
  });

  it('the category comes from the image name (no tag, no digest), the directory, or the SBOM target', () => {
    expect(categoryFor(loadReport(BUSYBOX))).toBe('grype/busybox');
    expect(categoryFor(loadReport('golden/json/TestJsonDirsPresenter.golden'))).toBe('grype/dir/some/path');
    const report = loadReport(IMGS);
    expect(
      defaultCategory({ kind: 'image', value: 'ghcr.io/Org/App:1.2@sha256:' + 'a'.repeat(64) }, report),
    ).toBe('grype/ghcr.io/org/app');
    expect(defaultCategory({ kind: 'image', value: 'localhost:5000/app' }, report)).toBe(
      'grype/localhost-5000/app',
    );
    expect(defaultCategory({ kind: 'image', value: 'registry:ghcr.io/org/app:1' }, report)).toBe(
      'grype/ghcr.io/org/app',
    );
    expect(defaultCategory({ kind: 'path', value: 'services/api' }, report)).toBe('grype/dir/services/api');
    expect(defaultCategory({ kind: 'path', value: '' }, report)).toBe('grype/dir/root');
    expect(defaultCategory({ kind: 'sbom', value: '/tmp/sbom.json' }, report)).toBe('grype/user-input');
    const out = sarifOf(BUSYBOX, { category: 'release/arm64' });
    expect(out.log.runs[0]!.automationDetails).toEqual({ id: 'release/arm64/' });
  });

  it('suppressed findings are kept and marked, so code scanning closes their alerts', () => {
    const report = loadReport(CHECK_ALL);
    const ignoreRules = parseIgnoreRules(
      parse('ignore:\n  - { id: CVE-2021-32626, reason: client only, expires: 2099-01-01 }'),
      'i.yaml',
    );
    const out = toSarif(evaluate(report, defaultPolicy({ ignoreRules }), NOW), report);
    const suppressed = out.log.runs[0]!.results!.filter((r) => r.suppressions);
    expect(suppressed.map((r) => [r.ruleId, r.suppressions])).toEqual([
      ['CVE-2021-32626', [{ kind: 'external', status: 'accepted', justification: 'client only' }]],
    ]);
    expect(sarifErrors(out.log)).toEqual([]);
  });

  it('trims to the results limit, most severe and unsuppressed first, and says so', () => {
    const matches = [
      ...Array.from({ length: 30 }, (_, i) => match(`CVE-L-${i}`, 'Low')),
      ...Array.from({ length: 5 }, (_, i) => match(`CVE-C-${i}`, 'Critical')),
      match('CVE-H-0', 'High'),
    ];
    const report = reportOf(matches);
    const ignoreRules = parseIgnoreRules(
      parse('ignore:\n  - { id: CVE-C-0, reason: r, expires: 2099-01-01 }'),
      'i.yaml',
    );
    const out = toSarif(evaluate(report, defaultPolicy({ ignoreRules }), NOW), report, {
      limits: { results: 10, gzippedBytes: 10_000_000 },
    });
    const ids = out.log.runs[0]!.results!.map((r) => r.ruleId);
    expect(ids.slice(0, 5)).toEqual(['CVE-C-1', 'CVE-C-2', 'CVE-C-3', 'CVE-C-4', 'CVE-H-0']);
    expect(ids).toHaveLength(10);
    expect(ids).not.toContain('CVE-C-0');
    expect(out.written).toBe(10);
    expect(out.total).toBe(36);
    expect(out.trimmed).toBe(
      "SARIF trimmed to the 10 most severe of 36 findings to stay within GitHub's limit of 10 results per run; the JSON report has them all.",
    );
    // Only the rules still referenced remain, and the indexes point at them.
    const rules = out.log.runs[0]!.tool.driver.rules!;
    expect(rules).toHaveLength(10);
    for (const result of out.log.runs[0]!.results!) expect(rules[result.ruleIndex!]!.id).toBe(result.ruleId);
    expect(sarifErrors(out.log)).toEqual([]);
  });

  it('trims to the gzipped size limit', () => {
    const matches = Array.from({ length: 400 }, (_, i) => {
      const m = match(`CVE-2026-${i}`, i % 2 ? 'High' : 'Medium', { name: `pkg-${i}` });
      // Text that compresses badly, as real descriptions of distinct CVEs do.
      m.vulnerability.description = Array.from({ length: 40 }, (_, j) =>
        ((i * 7919 + j * 104729) % 1e9).toString(36),
      ).join(' ');
      return m;
    });
    const report = reportOf(matches);
    const evaluation = evaluate(report, defaultPolicy(), NOW);
    const full = toSarif(evaluation, report);
    const limit = Math.floor(gzipSync(full.text).length / 2);
    const out = toSarif(evaluation, report, { limits: { results: 25_000, gzippedBytes: limit } });
    expect(gzipSync(out.text, { level: 1 }).length).toBeLessThanOrEqual(limit);
    expect(out.written).toBeLessThan(400);
    expect(out.written).toBeGreaterThan(100);
    expect(out.trimmed).toContain('MB gzipped per file');
    expect(out.log.runs[0]!.results!.every((r) => r.level === 'error')).toBe(out.written <= 200);
    expect(sarifErrors(out.log as Log)).toEqual([]);
  });
});

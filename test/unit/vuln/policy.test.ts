import { describe, expect, it } from '@jest/globals';
import { defaultPolicy, evaluate, parseIgnoreRules, parseVex, type Evaluation } from '@release-actions/vuln';
import { parse } from 'yaml';
import { CHECK_ALL, loadReport, match, NGINX, reportOf } from './fixtures.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const rules = (yaml: string) => parseIgnoreRules(parse(yaml), 'ignore.yaml');
const reasons = (e: Evaluation) => e.reasons;

describe('evaluate', () => {
  it('passes a report without matches', () => {
    const result = evaluate(reportOf([]), defaultPolicy(), NOW);
    expect(result.verdict).toBe('pass');
    expect(result.blocking).toBe(0);
    expect(result.reasons).toEqual([]);
  });

  it('blocks at or above the cutoff and counts every severity', () => {
    const report = reportOf([
      match('CVE-1', 'Critical'),
      match('CVE-2', 'High'),
      match('CVE-3', 'Medium'),
      match('CVE-4', 'Low'),
      match('CVE-5', 'Negligible'),
      match('CVE-6', 'Unknown'),
    ]);
    const high = evaluate(report, defaultPolicy(), NOW);
    expect(high.verdict).toBe('fail');
    expect(high.before).toEqual({ critical: 1, high: 1, medium: 1, low: 1, negligible: 1, unknown: 1 });
    expect(high.after).toEqual(high.before);
    expect(reasons(high)).toEqual(['2 findings at or above high (1 critical, 1 high)']);
    expect(high.findings.map((f) => f.blocking)).toEqual([true, true, false, false, false, false]);

    const critical = evaluate(report, defaultPolicy({ cutoff: 'critical' }), NOW);
    expect(reasons(critical)).toEqual(['1 finding at or above critical (1 critical)']);
    const unknown = evaluate(report, defaultPolicy({ cutoff: 'critical', unknownFails: true }), NOW);
    expect(reasons(unknown)).toEqual(['2 findings at or above critical (1 critical, 1 unknown)']);
    const negligible = evaluate(report, defaultPolicy({ cutoff: 'negligible' }), NOW);
    expect(negligible.blocking).toBe(5);
  });

  it('only-fixed leaves out findings whose fix state is not "fixed" (including the empty state)', () => {
    const report = reportOf([match('CVE-1', 'Critical'), match('CVE-2', 'High', { fix: '3.0.2' })]);
    report.matches[0]!.vulnerability.fix = { versions: [], state: '' };
    const result = evaluate(report, defaultPolicy({ onlyFixed: true }), NOW);
    expect(result.after).toMatchObject({ critical: 0, high: 1 });
    expect(result.findings[0]!.suppressed).toEqual({
      by: 'only-fixed',
      reason: 'no fixed version yet (only-fixed)',
    });
    expect(reasons(result)).toEqual(['1 finding at or above high (1 high)']);
  });

  it('ignore rules in force suppress; an expired one does not, and fails the gate by name', () => {
    const report = reportOf([match('CVE-1', 'Critical'), match('CVE-2', 'High')]);
    const policy = defaultPolicy({
      ignoreRules: rules(`
ignore:
  - { id: CVE-1, reason: not reachable, expires: 2026-06-01 }
  - { id: CVE-2, package: openssl, reason: was accepted, expires: 2026-05-31 }
  - { id: CVE-3, reason: stale, expires: 2027-01-01 }
`),
    });
    const result = evaluate(report, policy, NOW);
    expect(result.findings[0]!.suppressed).toMatchObject({ by: 'ignore', reason: 'not reachable' });
    expect(result.findings[1]!.suppressed).toBeUndefined();
    expect(result.verdict).toBe('fail');
    expect(reasons(result)).toEqual([
      '1 finding at or above high (1 high)',
      'ignore rule 2 (CVE-2 in openssl) of ignore.yaml expired on 2026-05-31',
    ]);
    expect(result.expiredRules.map((r) => r.index)).toEqual([2]);
    expect(result.unusedRules.map((r) => r.index)).toEqual([3]);
  });

  it('an expired rule fails the gate even when nothing else would', () => {
    const policy = defaultPolicy({
      ignoreRules: rules('ignore:\n  - { id: CVE-9, reason: r, expires: 2020-01-01 }'),
    });
    const result = evaluate(reportOf([match('CVE-1', 'Low')]), policy, NOW);
    expect(result.verdict).toBe('fail');
    expect(result.blocking).toBe(0);
  });

  it('VEX not_affected and fixed suppress; affected and under_investigation do not', () => {
    const vex = parseVex(
      {
        '@context': 'https://openvex.dev/ns/v0.2.0',
        statements: [
          {
            vulnerability: { name: 'CVE-1' },
            products: ['pkg:deb/debian/openssl@3.0.1'],
            status: 'not_affected',
            justification: 'inline_mitigations_already_exist',
          },
          { vulnerability: { name: 'CVE-2' }, products: ['pkg:deb/debian/openssl@3.0.1'], status: 'fixed' },
          {
            vulnerability: { name: 'CVE-3' },
            products: ['pkg:deb/debian/openssl@3.0.1'],
            status: 'affected',
          },
          {
            vulnerability: { name: 'CVE-4' },
            products: ['pkg:deb/debian/openssl@3.0.1'],
            status: 'under_investigation',
          },
        ],
      },
      'app.vex.json',
    );
    const report = reportOf(['CVE-1', 'CVE-2', 'CVE-3', 'CVE-4'].map((id) => match(id, 'Critical')));
    const result = evaluate(report, defaultPolicy({ vex }), NOW);
    expect(result.findings.map((f) => f.suppressed?.by ?? '-')).toEqual(['vex', 'vex', '-', '-']);
    expect(result.findings[0]!.suppressed!.reason).toBe('not_affected: inline_mitigations_already_exist');
    expect(result.after.critical).toBe(2);
  });

  it('on a real report: before counts are the report, after counts drop what the policy suppressed', () => {
    const report = loadReport(CHECK_ALL);
    const policy = defaultPolicy({
      ignoreRules: rules('ignore:\n  - { id: CVE-2021-44420, reason: proxy, expires: 2099-01-01 }'),
    });
    const result = evaluate(report, policy, NOW);
    expect(result.before).toEqual({ critical: 2, high: 3, medium: 0, low: 0, negligible: 1, unknown: 0 });
    expect(result.after).toEqual({ critical: 2, high: 1, medium: 0, low: 0, negligible: 1, unknown: 0 });
    expect(result.target).toBe('vulnerable-image:latest');
  });

  it('nginx: 9 findings of unknown severity count only with unknown-fails', () => {
    const report = loadReport(NGINX);
    expect(evaluate(report, defaultPolicy({ cutoff: 'critical' }), NOW).blocking).toBe(13);
    expect(evaluate(report, defaultPolicy({ cutoff: 'critical', unknownFails: true }), NOW).blocking).toBe(
      22,
    );
  });
});

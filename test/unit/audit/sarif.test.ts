import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  auditSources,
  formatJson,
  formatText,
  RULES,
  selectFindings,
  toSarif,
  verdict,
  type AuditResult,
  type InputFile,
  type Severity,
} from '@release-actions/audit';
import { repoRoot } from '../../harness/run-bundle.js';

const corpus = path.join(repoRoot, 'test', 'fixtures', 'audit', 'corpus');
const read = (name: string): InputFile => ({
  file: name,
  text: readFileSync(path.join(corpus, name), 'utf8'),
});

describe('audit reports', () => {
  const result = auditSources([read('trig001-head.yml'), read('pin002.yml'), read('pin003.yml')]);

  it('writes one SARIF run describing every rule, with security-severity and the fix as help', () => {
    const log = toSarif(result, result.findings);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.automationDetails?.id).toBe('release-actions-audit/');
    const rules = run.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual([...RULES.keys()]);
    for (const r of rules) {
      const rule = RULES.get(r.id as never)!;
      expect(Number(r.properties!['security-severity'])).toBeGreaterThan(0);
      expect(r.help!.text).toContain(`Fix: ${rule.fix.replace(/`/g, '')}`);
      expect(r.help!.markdown).toContain(rule.fix);
    }
    expect(rules.find((r) => r.id === 'PIN001')!.properties!['security-severity']).toBe('8.0');
    expect(rules.find((r) => r.id === 'PIN003')!.defaultConfiguration!.level).toBe('note');
  });

  it('places each result at its file, line and column, with its level', () => {
    const run = toSarif(result, result.findings).runs[0]!;
    expect(run.results).toHaveLength(result.findings.length);
    const trig = run.results!.find((r) => r.ruleId === 'TRIG001')!;
    expect(trig.level).toBe('error');
    expect(run.tool.driver.rules![trig.ruleIndex!]!.id).toBe('TRIG001');
    expect(trig.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'trig001-head.yml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2, startColumn: 12 },
    });
    expect(trig.properties).toEqual({ severity: 'critical', 'security-severity': '9.5' });
    expect(run.results!.filter((r) => r.ruleId === 'PIN003').every((r) => r.level === 'note')).toBe(true);
    expect(run.invocations![0]!.executionSuccessful).toBe(true);
  });

  it('names a file outside the working directory by a file: URI', () => {
    const outside = auditSources([{ file: '/srv/ci/build.yml', text: read('pin002.yml').text }]);
    const location = toSarif(outside, outside.findings).runs[0]!.results![0]!.locations![0]!
      .physicalLocation!;
    expect(location.artifactLocation).toEqual({ uri: 'file:///srv/ci/build.yml' });
  });

  it('uses the configured severity for a rule in SARIF', () => {
    const run = toSarif(result, result.findings, { severities: { PIN003: 'high' } }).runs[0]!;
    expect(run.tool.driver.rules!.find((r) => r.id === 'PIN003')!.properties!['security-severity']).toBe(
      '8.0',
    );
  });

  it('prints text as file:line:col severity RULE message, then the fix', () => {
    const text = formatText(result, result.findings);
    expect(text.split('\n')[0]).toBe(
      'pin002.yml:16:15 medium PIN002 actions/setup-node@333333333333… has no version comment (# vX.Y.Z).',
    );
    expect(text.split('\n')[1]).toBe(`  fix: ${RULES.get('PIN002')!.fix}`);
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      '6 findings (1 critical, 2 medium, 3 low), 3 files audited',
    );
  });

  it('filters by minimum severity and judges by fail-on', () => {
    expect(selectFindings(result, 'medium').map((f) => f.rule)).toEqual(['PIN002', 'PIN002', 'TRIG001']);
    const judge = (judged: AuditResult, failOn: Severity | 'none', minSeverity: Severity = 'low') =>
      verdict({ result: judged, findings: selectFindings(judged, minSeverity), failOn });
    expect(judge(result, 'high')).toEqual({
      outcome: 'blocked',
      code: 'AUDIT_FINDINGS',
      message: '1 finding(s) at or above high.',
    });
    expect(judge(result, 'critical').outcome).toBe('blocked');
    const low = auditSources([read('pin003.yml')]);
    expect(judge(low, 'high').outcome).toBe('passed');
    expect(judge(low, 'low').message).toBe('3 finding(s) at or above low.');
    expect(judge(result, 'none').outcome).toBe('passed');
    // Hidden findings (below --min-severity) never fail the run.
    expect(judge(low, 'low', 'medium')).toEqual({
      outcome: 'passed',
      code: 'AUDIT_PASSED',
      message: '0 finding(s), none at or above low.',
    });
    // A file that could not be audited is an error, whatever the findings: nothing was decided about it.
    const broken = auditSources([{ file: 'x.yml', text: 'a: [' }, read('trig001-head.yml')]);
    expect(judge(broken, 'none')).toEqual({
      outcome: 'error',
      code: 'AUDIT_INCOMPLETE',
      message: expect.stringMatching(/^1 file\(s\) could not be audited; first: x\.yml: not valid YAML: /),
    });
    expect(judge(broken, 'high').code).toBe('AUDIT_INCOMPLETE');
  });

  it('writes JSON with findings, errors and skipped files', () => {
    const json = JSON.parse(formatJson(result, result.findings)) as { findings: unknown[]; files: number };
    expect(json.files).toBe(3);
    expect(json.findings).toHaveLength(6);
    expect(json.findings[0]).toEqual({
      rule: 'PIN002',
      severity: 'medium',
      file: 'pin002.yml',
      line: 16,
      column: 15,
      message: 'actions/setup-node@333333333333… has no version comment (# vX.Y.Z).',
      fix: RULES.get('PIN002')!.fix,
    });
  });
});

import { afterAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError, Markdown, type Logger } from '@release-actions/core';
import {
  auditAnnotations,
  auditOutputs,
  auditSources,
  auditWorkflows,
  formatJson,
  formatSarif,
  formatText,
  parseSource,
  previewFixes,
  renderAuditReport,
  renderAuditSummary,
  SARIF_FILE_NAME,
  selectFindings,
  verdict,
  YamlSyntaxError,
  type AuditReport,
  type Finding,
} from '@release-actions/audit';
import { repoRoot } from '../../harness/run-bundle.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'audit');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'audit-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of a fixture folder, so a run may write into it. */
function copy(name: string): string {
  const dir = mkdtempSync(path.join(scratch, `${name}-`));
  cpSync(path.join(fixtures, name), dir, { recursive: true });
  return dir;
}

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return {
    lines,
    debug: () => undefined,
    info: record('info'),
    notice: record('notice'),
    warning: record('warning'),
  };
}

function reportOf(files: Record<string, string>, minSeverity: 'low' | 'medium' = 'low'): AuditReport {
  const result = auditSources(Object.entries(files).map(([file, text]) => ({ file, text })));
  return { result, findings: selectFindings(result, minSeverity), failOn: 'high', severities: {} };
}

const corpus = (name: string) => readFileSync(path.join(fixtures, 'corpus', name), 'utf8');

describe('auditWorkflows', () => {
  it('writes SARIF to the default folder unless a file is given, and the verdict points to it', async () => {
    const cwd = copy('corpus');
    const temp = mkdtempSync(path.join(scratch, 'temp-'));
    const inTemp = await auditWorkflows({
      cwd,
      paths: ['trig001.yml'],
      minSeverity: 'low',
      failOn: 'high',
      sarif: { defaultDir: temp },
    });
    const sarifFile = path.join(temp, SARIF_FILE_NAME);
    expect(inTemp.sarifFile).toBe(sarifFile);
    expect(readFileSync(sarifFile, 'utf8')).toBe(renderAuditReport(inTemp, 'sarif'));
    expect(auditOutputs(inTemp)).toEqual({ sarif: sarifFile, findings: 1 });
    expect(verdict(inTemp).message).toBe(
      `1 finding(s) at or above high; see the annotations and ${sarifFile}.`,
    );

    const given = await auditWorkflows({
      cwd,
      paths: ['trig001.yml'],
      minSeverity: 'low',
      failOn: 'high',
      sarif: { file: 'reports/audit.sarif', defaultDir: temp },
    });
    expect(given.sarifFile).toBe(path.join(cwd, 'reports', 'audit.sarif'));
    expect(JSON.parse(readFileSync(given.sarifFile!, 'utf8'))).toMatchObject({ version: '2.1.0' });
  });

  it('writes no SARIF file unless asked', async () => {
    const cwd = copy('corpus');
    const report = await auditWorkflows({ cwd, paths: ['pin003.yml'], minSeverity: 'low', failOn: 'none' });
    expect(report.sarifFile).toBeUndefined();
    expect(auditOutputs(report)).toEqual({ findings: 3 });
    expect(verdict(report).outcome).toBe('passed');
  });

  it('applies the fixes, logs them, and audits the files as they now are', async () => {
    const cwd = copy('fix');
    const before = readFileSync(path.join(cwd, 'unhardened.yml'), 'utf8');
    const diff = previewFixes(cwd, ['unhardened.yml']);
    expect(diff).toContain('+permissions: {}\n');
    expect(readFileSync(path.join(cwd, 'unhardened.yml'), 'utf8')).toBe(before);

    const logger = recorder();
    const report = await auditWorkflows({
      cwd,
      paths: ['unhardened.yml'],
      minSeverity: 'low',
      failOn: 'low',
      fix: true,
      logger,
    });
    expect(logger.lines).toContain('info: unhardened.yml: fixed PERM001, CRED001, CRED003, CRED001, CRED003');
    expect(readFileSync(path.join(cwd, 'unhardened.yml'), 'utf8')).not.toBe(before);
    expect(report.findings).toEqual([]);
  });

  it('fails before auditing on a config file that cannot be used', async () => {
    const cwd = copy('corpus');
    await expect(
      auditWorkflows({ cwd, paths: [], config: 'nope.yml', minSeverity: 'low', failOn: 'high' }),
    ).rejects.toThrow(InputError);
  });

  it('reports an empty workspace as having nothing audited, and still writes its SARIF', async () => {
    const cwd = mkdtempSync(path.join(scratch, 'empty-'));
    const logger = recorder();
    const report = await auditWorkflows({
      cwd,
      paths: [],
      minSeverity: 'low',
      failOn: 'high',
      sarif: { defaultDir: cwd },
      logger,
    });
    expect(report.result).toEqual({ files: [], findings: [], errors: [], skipped: [], suppressed: 0 });
    expect(report.severities).toEqual({});
    expect(readFileSync(report.sarifFile!, 'utf8')).toBe(renderAuditReport(report, 'sarif'));
    expect(verdict(report).outcome).toBe('passed');
  });

  it('reads the default config of a workspace that has no file to audit', async () => {
    const cwd = mkdtempSync(path.join(scratch, 'config-only-'));
    mkdirSync(path.join(cwd, '.github'));
    writeFileSync(path.join(cwd, '.github', 'release-actions-audit.yml'), 'rules: [unclosed\n');
    await expect(auditWorkflows({ cwd, paths: [], minSeverity: 'low', failOn: 'high' })).rejects.toThrow(
      /Audit config/,
    );
  });
});

describe('the report, shown', () => {
  const report = reportOf({
    'trig001-head.yml': corpus('trig001-head.yml'),
    'pin002.yml': corpus('pin002.yml'),
  });

  it('renders each format as the formatter of that format does', () => {
    const { result, findings } = report;
    expect(renderAuditReport(report, 'text')).toBe(formatText(result, findings));
    expect(renderAuditReport(report, 'json')).toBe(formatJson(result, findings));
    const overridden = { ...report, severities: { PIN002: 'low' as const } };
    expect(renderAuditReport(overridden, 'sarif')).toBe(
      formatSarif(result, findings, { severities: { PIN002: 'low' } }),
    );
  });

  it('annotates findings by severity with their fix, and files that could not be audited as errors', () => {
    const mixed = reportOf({
      'trig001-head.yml': corpus('trig001-head.yml'),
      'pin002.yml': corpus('pin002.yml'),
      'pin003.yml': corpus('pin003.yml'),
      'broken.yml': 'a: [\n',
    });
    const annotations = auditAnnotations(mixed);
    const levelOf = (rule: string) => annotations.find((a) => a.title?.startsWith(rule))!.level;
    expect([levelOf('TRIG001'), levelOf('PIN002'), levelOf('PIN003')]).toEqual([
      'error',
      'warning',
      'notice',
    ]);
    const trig = mixed.findings.find((f) => f.rule === 'TRIG001')!;
    expect(annotations.find((a) => a.title === 'TRIG001 (critical)')).toEqual({
      level: 'error',
      message: `${trig.message} Fix: ${trig.fix}`,
      title: 'TRIG001 (critical)',
      file: 'trig001-head.yml',
      startLine: trig.line,
      startColumn: trig.column,
    });
    expect(annotations.at(-1)).toMatchObject({
      level: 'error',
      file: 'broken.yml',
      startLine: 2,
      startColumn: 1,
    });
    expect(annotations).toHaveLength(mixed.findings.length + 1);
  });

  it('summarises by rule, most severe first, then lists the findings', () => {
    const summary = renderAuditSummary(report, new Markdown()).toString();
    expect(summary).toContain('## Workflow audit');
    expect(summary).toContain('| `TRIG001` | critical | 1 |');
    expect(summary).toContain('| `PIN002` | medium | 2 |');
    expect(summary.indexOf('`TRIG001`')).toBeLessThan(summary.indexOf('`PIN002`'));
    expect(summary).toContain('**PIN002** medium: actions/setup-node@333333333333…');
    expect(summary).not.toContain('could not be audited');
  });

  it('lists at most 100 findings and the files that could not be audited', () => {
    const finding = report.findings[0]!;
    const many: Finding[] = Array.from({ length: 105 }, (_, i) => ({ ...finding, line: i + 1 }));
    const result = {
      ...report.result,
      errors: [{ file: 'broken.yml', line: 2, column: 1, message: 'not valid YAML' }],
    };
    const summary = renderAuditSummary({ ...report, result, findings: many }, new Markdown()).toString();
    expect(summary).toContain('… and 5 more in the SARIF report.');
    expect(summary).toContain('### Files that could not be audited');
    expect(summary).toContain('`broken.yml:2` not valid YAML');
  });
});

describe('YamlSyntaxError', () => {
  it('is an input error with the YAML_SYNTAX code and the position of the problem', () => {
    let thrown: unknown;
    try {
      parseSource('two.yml', 'a: 1\n---\nb: 2\n');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(YamlSyntaxError);
    expect(thrown).toBeInstanceOf(InputError);
    expect(thrown).toMatchObject({ code: 'YAML_SYNTAX', line: 2, column: 1 });
  });
});

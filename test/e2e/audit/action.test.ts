import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errors, repoRoot, runBundle } from '../../harness/run-bundle.js';

const corpus = path.join(repoRoot, 'test', 'fixtures', 'audit', 'corpus');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'audit-action-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function workspace(name: string, files: Record<string, string>): string {
  const dir = path.join(scratch, name);
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), readFileSync(path.join(corpus, source), 'utf8'));
  }
  return dir;
}

describe('audit action bundle', () => {
  it('annotates findings on their lines, writes SARIF and a summary by rule, and fails at fail-on', async () => {
    const dir = workspace('findings', {
      '.github/workflows/release.yml': 'trig001-head.yml',
      '.github/workflows/build.yml': 'pin003.yml',
      'sign/action.yml': 'composite-action.yml',
    });
    // A checkout: every action.yml of the repository is in the default scope.
    mkdirSync(path.join(dir, '.git'));
    const result = await runBundle('audit', { workspace: dir });
    expect(result.exitCode).toBe(1);
    expect(errors(result).at(-1)).toBe(
      `4 finding(s) at or above high; see the annotations and ${path.join(result.runnerTemp, 'release-actions-audit.sarif')}.`,
    );
    const failure = result.annotations.find((a) => a.level === 'error' && !a.properties.file)!;
    expect(failure.properties.title).toBe('AUDIT_FINDINGS');
    expect(result.outputs.outcome).toBe('blocked');
    expect(result.outputs.findings).toBe('8');
    expect(result.outputs.sarif).toBe(path.join(result.runnerTemp, 'release-actions-audit.sarif'));

    const trig = result.annotations.find((a) => a.properties.title === 'TRIG001 (critical)')!;
    expect(trig.level).toBe('error');
    expect(trig.properties).toEqual({
      title: 'TRIG001 (critical)',
      file: '.github/workflows/release.yml',
      line: '2',
      col: '12',
    });
    expect(trig.message).toContain('Fix: Use `pull_request`');
    const pin003 = result.annotations.filter((a) => a.properties.title === 'PIN003 (low)');
    expect(pin003.map((a) => [a.level, a.properties.file, a.properties.line, a.properties.col])).toEqual([
      ['notice', '.github/workflows/build.yml', '16', '15'],
      ['notice', '.github/workflows/build.yml', '17', '15'],
      ['notice', '.github/workflows/build.yml', '18', '15'],
    ]);

    const sarif = JSON.parse(readFileSync(result.outputs.sarif!, 'utf8')) as {
      runs: {
        results: {
          ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
        }[];
      }[];
    };
    expect(sarif.runs[0]!.results).toHaveLength(8);
    expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(
      '.github/workflows/build.yml',
    );

    expect(result.summary).toContain('## Workflow audit');
    expect(result.summary).toContain('8 findings (1 critical, 3 high, 1 medium, 3 low), 3 files audited');
    expect(result.summary).toContain('| `TRIG001` | critical | 1 |');
    expect(result.summary).toContain('| `PIN003` | low | 3 |');
    expect(result.summary.indexOf('`TRIG001`')).toBeLessThan(result.summary.indexOf('`PIN003`'));
  });

  it('succeeds on clean files and honours paths, min-severity, fail-on and sarif-file', async () => {
    const dir = workspace('inputs', {
      'wf/clean.yml': 'hr002.ok.yml',
      'wf/low.yml': 'pin003.yml',
      '.github/workflows/ignored.yml': 'pin001.yml',
    });
    const result = await runBundle('audit', {
      workspace: dir,
      inputs: {
        paths: 'wf',
        'min-severity': 'medium',
        'fail-on': 'low',
        'sarif-file': 'reports/audit.sarif',
      },
    });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual({
      sarif: path.join(dir, 'reports', 'audit.sarif'),
      findings: '0',
      outcome: 'passed',
    });
    expect(JSON.parse(readFileSync(result.outputs.sarif!, 'utf8'))).toMatchObject({ version: '2.1.0' });
    expect(result.annotations.filter((a) => a.level !== 'debug')).toEqual([]);
    expect(result.summary).toContain('0 findings, 2 files audited');
  });

  it('fails with one clear line for a bad input or a file that is not YAML', async () => {
    const dir = workspace('bad', { '.github/workflows/ok.yml': 'hr002.ok.yml' });
    const format = await runBundle('audit', { workspace: dir, inputs: { format: 'xml' } });
    expect(format.exitCode).toBe(1);
    expect(errors(format)).toEqual([`Input 'format': "xml" is not accepted; use one of text, json, sarif.`]);

    const outside = await runBundle('audit', { workspace: dir, inputs: { paths: '../elsewhere' } });
    expect(errors(outside)[0]).toMatch(/^Input 'paths': "\.\.\/elsewhere" is outside the workspace/);

    writeFileSync(path.join(dir, '.github', 'workflows', 'broken.yml'), 'jobs: [\n');
    const broken = await runBundle('audit', { workspace: dir });
    expect(broken.exitCode).toBe(1);
    const annotation = broken.annotations.find((a) => a.level === 'error' && a.properties.file)!;
    expect(annotation.properties).toEqual({ file: '.github/workflows/broken.yml', line: '2', col: '1' });
    expect(errors(broken).at(-1)).toMatch(
      /^1 file\(s\) could not be audited; first: \.github\/workflows\/broken\.yml: not valid YAML/,
    );
    expect(broken.annotations.find((a) => a.level === 'error' && !a.properties.file)!.properties.title).toBe(
      'AUDIT_INCOMPLETE',
    );
    expect(broken.outputs.outcome).toBe('error');
  });
});

import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { auditSources, MAX_FILE_BYTES } from '@release-actions/audit';
import { repoRoot } from '../../harness/run-bundle.js';

const dir = path.join(repoRoot, 'test', 'fixtures', 'audit', 'robust');
const audit = (name: string) =>
  auditSources([{ file: name, text: readFileSync(path.join(dir, name), 'utf8') }]);

function job(index: number): string {
  return [
    `  job${index}:`,
    '    runs-on: ubuntu-latest',
    '    permissions:',
    '      contents: read',
    '    steps:',
    '      - uses: step-security/harden-runner@1111111111111111111111111111111111111111 # v2.13.1',
    '        with:',
    '          egress-policy: block',
    '      - uses: actions/checkout@2222222222222222222222222222222222222222 # v4.2.2',
    '        with:',
    '          persist-credentials: false',
    `      - run: echo "step ${index}" && make -C part${index} all test`,
    `      - uses: actions/setup-node@v4`,
    '',
  ].join('\n');
}

describe('audit robustness', () => {
  it('names the file, line and column of malformed YAML', () => {
    const result = audit('malformed.yml');
    expect(result.findings).toEqual([]);
    expect(result.errors).toEqual([
      {
        file: 'malformed.yml',
        line: 9,
        column: 7,
        message: expect.stringMatching(/^not valid YAML: Flow sequence/),
      },
    ]);
  });

  it('refuses duplicate keys and several documents, as GitHub does', () => {
    expect(audit('duplicate-key.yml').errors).toEqual([
      { file: 'duplicate-key.yml', line: 3, column: 1, message: 'not valid YAML: Map keys must be unique' },
    ]);
    expect(audit('two-docs.yml').errors).toEqual([
      {
        file: 'two-docs.yml',
        line: 3,
        column: 1,
        message: 'not valid YAML: holds 2 YAML documents; a workflow or action file has one',
      },
    ]);
  });

  it('follows anchors and aliases and reports the anchored node once', () => {
    const result = audit('anchors.yml');
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => [f.rule, f.line, f.column])).toEqual([
      ['CRED001', 9, 9],
      ['PIN001', 9, 9],
    ]);
  });

  it('survives an alias that refers to its own ancestor', () => {
    const result = audit('recursive-alias.yml');
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => f.rule)).toEqual(['HR001']);
  });

  it('does not expand an alias bomb', () => {
    const bomb = [
      'name: bomb',
      'on: push',
      'permissions: {}',
      'x: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `x${i}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
      'jobs:',
      '  j:',
      '    runs-on: *i',
      '    permissions: {}',
      '    steps: [{ run: echo }]',
    ].join('\n');
    const started = performance.now();
    const result = auditSources([{ file: 'bomb.yml', text: bomb }]);
    // Expanded, it would be 9^9 nodes; walked once per anchor it is instant (the bound allows a loaded machine).
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => f.rule)).toEqual(['HR001']);
  });

  it('skips empty files, comment-only files, scalars and YAML that is not a workflow, saying why', () => {
    const result = auditSources(
      ['empty.yml', 'comment-only.yml', 'scalar.yml', 'not-a-workflow.yml'].map((name) => ({
        file: name,
        text: readFileSync(path.join(dir, name), 'utf8'),
      })),
    );
    expect(result.errors).toEqual([]);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      { file: 'empty.yml', reason: 'empty file' },
      { file: 'comment-only.yml', reason: 'empty file' },
      { file: 'scalar.yml', reason: 'not a mapping at the top level' },
      { file: 'not-a-workflow.yml', reason: 'neither a workflow (no jobs:) nor an action (no runs:)' },
    ]);
  });

  it('audits a 5 MB workflow with a finding per job, in seconds', () => {
    const parts = ['name: big', 'on: push', 'permissions: {}', 'jobs:'];
    let size = 0;
    let jobs = 0;
    while (size < 5 * 1024 * 1024) {
      const text = job(jobs++);
      parts.push(text);
      size += text.length;
    }
    const text = parts.join('\n');
    expect(text.length).toBeLessThan(MAX_FILE_BYTES);
    const started = performance.now();
    const result = auditSources([{ file: 'big.yml', text }]);
    const elapsed = performance.now() - started;
    expect(result.errors).toEqual([]);
    expect(result.findings).toHaveLength(jobs);
    expect(result.findings.every((f) => f.rule === 'PIN001')).toBe(true);
    expect(result.findings.at(-1)!.line).toBe(4 + (jobs - 1) * 14 + 13);
    // Linear work: a few seconds here; the bound leaves room for a loaded machine.
    expect(elapsed).toBeLessThan(60_000);
  }, 120_000);

  it('reports binary garbage as an error, not a crash', () => {
    const result = auditSources([{ file: 'garbage.yml', text: '\u0000\u0001\u0002: [\u00ff' }]);
    expect(result.findings).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.file).toBe('garbage.yml');
  });
});

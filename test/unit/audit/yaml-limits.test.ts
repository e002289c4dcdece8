import { describe, expect, it } from '@jest/globals';
import { auditSources, parseConfig } from '@release-actions/audit';
import { MAX_NESTING } from '@release-actions/core/yaml-document';

const audit = (text: string) => auditSources([{ file: 'ci.yml', text }]);

const HEAD = ['name: ci', 'on: push', 'permissions: {}'];
const JOBS = ['jobs:', '  build:', '    runs-on: ubuntu-latest', '    permissions: {}', '    steps:'];

describe('duplicate keys in a workflow', () => {
  it.each([
    ['at the top level', [...HEAD, 'on: pull_request', ...JOBS, '      - run: make'], 4, 1],
    ['in a job', [...HEAD, ...JOBS, '      - run: make', '    runs-on: macos-latest'], 10, 5],
    ['in a flow map', [...HEAD, ...JOBS, '      - { run: make, name: a, run: test }'], 9, 31],
    ['quoted and plain', [...HEAD, ...JOBS, '      - run: make', '        "run": test'], 10, 9],
  ])('is an error at the repeated key: %s', (_where, lines, line, column) => {
    const result = audit(lines.join('\n'));
    expect(result.findings).toEqual([]);
    expect(result.errors).toEqual([
      { file: 'ci.yml', line, column, message: 'not valid YAML: Map keys must be unique' },
    ]);
  });

  it('is not found among keys that only look alike', () => {
    const result = audit(
      [
        ...HEAD,
        'env:',
        '  1: number',
        '  "1": text',
        '  true: boolean',
        '  "TRUE": text',
        ...JOBS,
        '      - run: make',
      ].join('\n'),
    );
    expect(result.errors).toEqual([]);
  });

  it('audits a 1 MB workflow of 100,000 keys in seconds', () => {
    const env = Array.from({ length: 100_000 }, (_, i) => `  K${i}: v`);
    const text = [...HEAD, 'env:', ...env, ...JOBS, '      - run: make'].join('\n');
    expect(text.length).toBeGreaterThan(1_000_000);
    const started = performance.now();
    const result = audit(text);
    const elapsed = performance.now() - started;
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => [f.rule, f.line])).toEqual([['HR001', 100_006]]);
    // Linear: about 2 s on an idle 2-core machine. The library's own duplicate-key check alone
    // takes 2 minutes on these keys (10 s at 40,000); the bound leaves room for a loaded machine.
    expect(elapsed).toBeLessThan(20_000);
  }, 60_000);

  it('names a duplicate among 100,000 keys at its line', () => {
    const env = Array.from({ length: 100_000 }, (_, i) => `  K${i}: v`);
    const text = [...HEAD, 'env:', ...env, '  K0: again', ...JOBS, '      - run: make'].join('\n');
    expect(audit(text).errors).toEqual([
      { file: 'ci.yml', line: 100_005, column: 3, message: 'not valid YAML: Map keys must be unique' },
    ]);
  }, 60_000);
});

describe('aliases in a workflow', () => {
  it('are followed in time linear in their number: 50,000 in seconds', () => {
    const steps = Array.from({ length: 50_000 }, () => '      - *checkout');
    const text = [...HEAD, 'x: &checkout { uses: actions/checkout@v4 }', ...JOBS, ...steps].join('\n');
    const started = performance.now();
    const result = audit(text);
    const elapsed = performance.now() - started;
    expect(result.errors).toEqual([]);
    // The anchored step is reported once, where it is written.
    expect(result.findings.map((f) => [f.rule, f.line, f.column])).toEqual([
      ['CRED001', 4, 22],
      ['PIN001', 4, 22],
      ['HR001', 6, 3],
    ]);
    // About 1 s here; resolved one by one through the library (a visit of the whole document per
    // alias) the same file takes minutes (8,000 aliases: 11 s). The bound leaves room for a loaded machine.
    expect(elapsed).toBeLessThan(20_000);
  }, 60_000);
});

describe('nesting in a workflow', () => {
  it(`refuses collections nested deeper than ${MAX_NESTING}, file by file, without crashing`, () => {
    const deep = [...HEAD, `env: ${'['.repeat(10_000)}`].join('\n');
    const files = ['a.yml', 'b.yml', 'c.yml'].map((file) => ({ file, text: deep }));
    const result = auditSources([
      ...files,
      { file: 'ok.yml', text: [...HEAD, ...JOBS, '      - run: make'].join('\n') },
    ]);
    const message = `not valid YAML: Mappings and sequences nest deeper than ${MAX_NESTING} levels, the most accepted`;
    expect(result.errors).toEqual(
      ['a.yml', 'b.yml', 'c.yml'].map((file) => ({ file, line: 4, column: 5 + MAX_NESTING, message })),
    );
    expect(result.findings.map((f) => [f.file, f.rule])).toEqual([['ok.yml', 'HR001']]);
  });
});

describe('duplicate keys in the audit config', () => {
  it('are an error naming the file, line and column', () => {
    const text = [
      'rules:',
      '  PIN001:',
      '    severity: low',
      '    reason: internal actions',
      '    "severity": high',
    ].join('\n');
    expect(() => parseConfig('audit.yml', text)).toThrow(
      'Audit config audit.yml: not valid YAML: Map keys must be unique at line 5, column 5',
    );
  });
});

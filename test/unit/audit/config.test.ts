import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@release-actions/core';
import { auditSources, EMPTY_CONFIG, loadConfig, parseConfig } from '@release-actions/audit';

const workflow = {
  file: '.github/workflows/ci.yml',
  text: [
    'name: ci',
    'on: push',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '        with:',
    '          persist-credentials: false',
    '',
  ].join('\n'),
};
const rules = (config = EMPTY_CONFIG) =>
  auditSources([workflow], { config }).findings.map((f) => `${f.rule}:${f.severity}`);

describe('audit config file', () => {
  it('disables rules and changes severities, each with a reason', () => {
    expect(rules()).toEqual(['PERM001:high', 'HR001:high', 'PIN001:high']);
    const config = parseConfig(
      'audit.yml',
      [
        'rules:',
        '  HR001:',
        '    disabled: true',
        '    reason: harden-runner is rolled out next quarter',
        '  PIN001:',
        '    severity: low',
        '    reason: only first-party actions here, reviewed on update',
      ].join('\n'),
    );
    expect(rules(config)).toEqual(['PERM001:high', 'PIN001:low']);
    const result = auditSources([workflow], { config });
    expect(result.suppressed).toBe(1);
  });

  it('ignores paths (globs), for all rules or for the listed ones', () => {
    const all = parseConfig(
      'audit.yml',
      'ignore:\n  - path: .github/workflows/*.yml\n    reason: generated files\n',
    );
    expect(rules(all)).toEqual([]);
    const some = parseConfig(
      'audit.yml',
      'ignore:\n  - path: .github/**\n    rules: [PIN001, HR001]\n    reason: vendored workflows\n',
    );
    expect(rules(some)).toEqual(['PERM001:high']);
    const other = parseConfig('audit.yml', 'ignore:\n  - path: docs/**\n    reason: examples\n');
    expect(rules(other)).toHaveLength(3);
  });

  it('refuses an entry without a reason, naming the entry', () => {
    expect(() => parseConfig('audit.yml', 'rules:\n  PIN002:\n    disabled: true\n')).toThrow(
      new InputError(
        'Audit config audit.yml: rules.PIN002 has no reason; every entry must say why (reason: ...).',
      ),
    );
    expect(() =>
      parseConfig('audit.yml', 'ignore:\n  - path: a.yml\n  - path: b.yml\n    reason: ""\n'),
    ).toThrow('Audit config audit.yml: ignore[0] (a.yml) has no reason');
    expect(() => parseConfig('audit.yml', 'ignore: {}\n')).toThrow(
      expect.objectContaining({ name: 'InputError', code: 'AUDIT_CONFIG_INVALID' }),
    );
  });

  it('refuses unknown rules, keys, severities and entries that change nothing', () => {
    expect(() => parseConfig('c.yml', 'rules:\n  NOPE1:\n    disabled: true\n    reason: x\n')).toThrow(
      'rules.NOPE1: unknown rule',
    );
    expect(() => parseConfig('c.yml', 'rule:\n  PIN001: {}\n')).toThrow('top level: unknown key "rule"');
    expect(() => parseConfig('c.yml', 'rules:\n  PIN001:\n    severity: huge\n    reason: x\n')).toThrow(
      'rules.PIN001.severity "huge" is not one of low, medium, high, critical.',
    );
    expect(() => parseConfig('c.yml', 'rules:\n  PIN001:\n    reason: x\n')).toThrow(
      'rules.PIN001 changes nothing',
    );
    expect(() =>
      parseConfig('c.yml', 'ignore:\n  - path: a\n    rules: [PIN001, X]\n    reason: r\n'),
    ).toThrow('ignore[0].rules must be a list of rule ids');
    expect(() => parseConfig('c.yml', 'rules: [\n')).toThrow('Audit config c.yml: not valid YAML');
  });

  it('reads .github/release-actions-audit.yml by default and fails on a missing explicit file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'audit-config-'));
    expect(loadConfig(dir)).toEqual(EMPTY_CONFIG);
    mkdirSync(path.join(dir, '.github'));
    writeFileSync(
      path.join(dir, '.github', 'release-actions-audit.yml'),
      'rules:\n  PIN002:\n    disabled: true\n    reason: comments come with the next update\n',
    );
    expect(loadConfig(dir).rules.PIN002).toEqual({
      disabled: true,
      severity: undefined,
      reason: 'comments come with the next update',
    });
    // The message names the input; each front end renders it (Input 'config' / --config).
    expect(() => loadConfig(dir, 'missing.yml')).toThrow(
      expect.objectContaining({
        input: 'config',
        detail: '"missing.yml" does not exist.',
        code: 'INPUT_INVALID',
      }),
    );
  });
});

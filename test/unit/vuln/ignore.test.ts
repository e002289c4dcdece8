import { describe, expect, it } from '@jest/globals';
import { InputError } from '@release-actions/core';
import { isExpired, loadIgnoreFile, parseIgnoreRules, ruleMatches } from '@release-actions/vuln';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { match } from './fixtures.js';

const FILE = '.grype-ignore.yaml';
const rules = (yaml: string) => parseIgnoreRules(parse(yaml), FILE);

describe('ignore file', () => {
  it('reads rules with their position, package and version', () => {
    const parsed = rules(`
ignore:
  - id: CVE-2023-0464
    package: openssl
    version: 3.0.1
    reason: policy constraints unused
    expires: 2026-12-31
  - id: GHSA-xxxx-yyyy-zzzz
    reason: dev dependency
    expires: "2027-01-01"
`);
    expect(parsed).toEqual([
      {
        index: 1,
        id: 'CVE-2023-0464',
        package: 'openssl',
        version: '3.0.1',
        reason: 'policy constraints unused',
        expires: '2026-12-31',
        file: FILE,
      },
      {
        index: 2,
        id: 'GHSA-xxxx-yyyy-zzzz',
        package: undefined,
        version: undefined,
        reason: 'dev dependency',
        expires: '2027-01-01',
        file: FILE,
      },
    ]);
  });

  it('an empty file has no rules', () => {
    expect(rules('')).toEqual([]);
  });

  it.each([
    ['rules: []', 'Ignore file .grype-ignore.yaml: expected a top-level "ignore:" list of rules.'],
    ['- id: CVE-1', 'Ignore file .grype-ignore.yaml: expected a top-level "ignore:" list of rules.'],
    [
      'ignore:\n  - CVE-1',
      'Ignore file .grype-ignore.yaml, rule 1: expected a mapping with id, reason and expires.',
    ],
    [
      'ignore:\n  - reason: x\n    expires: 2026-01-01',
      'Ignore file .grype-ignore.yaml, rule 1: "id" (the vulnerability id) is required.',
    ],
    [
      'ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-01-01\n  - id: CVE-2\n    expires: 2026-01-01',
      'Ignore file .grype-ignore.yaml, rule 2 (CVE-2): "reason" is required; say why the finding is accepted.',
    ],
    [
      'ignore:\n  - id: CVE-1\n    reason: "  "\n    expires: 2026-01-01',
      'Ignore file .grype-ignore.yaml, rule 1 (CVE-1): "reason" is required; say why the finding is accepted.',
    ],
    [
      'ignore:\n  - id: CVE-1\n    reason: x',
      'Ignore file .grype-ignore.yaml, rule 1 (CVE-1): "expires" is required (a date, YYYY-MM-DD).',
    ],
    [
      'ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-02-30',
      'Ignore file .grype-ignore.yaml, rule 1 (CVE-1): expires "2026-02-30" is not a date; use YYYY-MM-DD.',
    ],
    [
      'ignore:\n  - id: CVE-1\n    reason: x\n    expires: next year',
      'Ignore file .grype-ignore.yaml, rule 1 (CVE-1): expires "next year" is not a date; use YYYY-MM-DD.',
    ],
    [
      'ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-01-01\n    vulnerability: CVE-1',
      'Ignore file .grype-ignore.yaml, rule 1: unknown key "vulnerability"; use id: instead of vulnerability:; the keys are id, package, version, reason, expires.',
    ],
    [
      // A rule as grype's own .grype.yaml writes it.
      'ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-01-01\n  - vulnerability: CVE-2008-4318\n    fix-state: unknown\n    reason: x\n    expires: 2026-01-01',
      'Ignore file .grype-ignore.yaml, rule 2: unknown keys "vulnerability", "fix-state"; use id: instead of vulnerability:; grype\'s fix-state has no counterpart here; the keys are id, package, version, reason, expires.',
    ],
    [
      'ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-01-01\n    expiry: 2026-01-01',
      'Ignore file .grype-ignore.yaml, rule 1: unknown key "expiry"; the keys are id, package, version, reason, expires.',
    ],
    [
      'ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-01-01\n    package:\n      name: libcurl\n      version: 1.5.1\n      type: npm',
      'Ignore file .grype-ignore.yaml, rule 1: "package" is a mapping (grype\'s form); write the name as text: package: libcurl and version: 1.5.1.',
    ],
    [
      'ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-01-01\n    version: [1, 2]',
      'Ignore file .grype-ignore.yaml, rule 1: "version" must be text (the package version).',
    ],
  ])('%j is refused: %s', (yaml, message) => {
    expect(() => rules(yaml)).toThrow(new InputError(message));
  });

  it('accepts a YAML 1.1 timestamp as the date', () => {
    const parsed = parseIgnoreRules(
      parse('%YAML 1.1\n---\nignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-05-01\n', {
        version: '1.1',
      }),
      FILE,
    );
    expect(parsed[0]!.expires).toBe('2026-05-01');
  });

  it('a rule applies through its expiry day (UTC) and expires the day after', () => {
    const [rule] = rules('ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-03-10');
    expect(isExpired(rule!, new Date('2026-03-10T23:59:59Z'))).toBe(false);
    expect(isExpired(rule!, new Date('2026-03-11T00:00:00Z'))).toBe(true);
  });

  it('matches by id or a related id, narrowed by package and version', () => {
    const [byId, byRelated, byPackage, byVersion] = rules(`
ignore:
  - { id: CVE-2021-44420, reason: r, expires: 2099-01-01 }
  - { id: CVE-2021-9999, reason: r, expires: 2099-01-01 }
  - { id: CVE-2021-44420, package: django, reason: r, expires: 2099-01-01 }
  - { id: CVE-2021-44420, package: openssl, version: 1.0.0, reason: r, expires: 2099-01-01 }
`);
    const m = match('GHSA-v6rh', 'High', { related: ['CVE-2021-44420'] });
    expect(ruleMatches(byId!, match('CVE-2021-44420', 'High'))).toBe(true);
    expect(ruleMatches(byId!, m)).toBe(true);
    expect(ruleMatches(byRelated!, m)).toBe(false);
    expect(ruleMatches(byPackage!, m)).toBe(false);
    expect(ruleMatches(byVersion!, m)).toBe(false);
    expect(ruleMatches(byVersion!, match('CVE-2021-44420', 'High', { version: '1.0.0' }))).toBe(true);
  });

  it('loads a file; invalid YAML and a missing file are input errors naming the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ignore-'));
    const good = path.join(dir, 'good.yaml');
    writeFileSync(good, 'ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-01-01\n');
    expect((await loadIgnoreFile(good))[0]!.id).toBe('CVE-1');
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'ignore: [\n');
    await expect(loadIgnoreFile(bad)).rejects.toThrow(`Ignore file ${bad} is not valid YAML: `);
    await expect(loadIgnoreFile(path.join(dir, 'none.yaml'))).rejects.toThrow(
      `Input 'ignore-file': "${path.join(dir, 'none.yaml')}" does not exist; give a YAML file of ignore rules`,
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import { Markdown, SUMMARY_LIMIT_BYTES } from '@release-actions/core';
import {
  defaultPolicy,
  evaluate,
  parseIgnoreRules,
  parseVex,
  renderSummary,
  renderText,
  toJson,
} from '@release-actions/vuln';
import { parse } from 'yaml';
import { CHECK_ALL, loadReport, match, reportOf } from './fixtures.js';

const NOW = new Date('2026-06-01T00:00:00Z');

function summaryOf(...args: Parameters<typeof evaluate>) {
  const md = new Markdown();
  renderSummary(md, evaluate(...args), { grypeVersion: '0.28.0', dbBuilt: '2022-02-06T08:16:56Z' });
  return md.toString();
}

describe('job summary', () => {
  it('verdict first, then the facts, the counts table, the top findings', () => {
    const text = summaryOf(loadReport(CHECK_ALL), defaultPolicy(), NOW);
    const lines = text.split('\n');
    expect(lines[0]).toBe('## ❌ Vulnerability scan: blocked');
    expect(lines[2]).toBe(
      'Target: `vulnerable-image:latest` · cutoff: **high** · only fixed: no · unknown severity fails: no · ignore rules: 0 · VEX statements: 0 · grype 0.28.0 · database built 2022-02-06T08:16:56Z',
    );
    expect(text).toContain('- **5 findings at or above high \\(2 critical, 3 high\\)**');
    expect(text).toContain(
      '| Severity | Found | After ignores and VEX | At or above cutoff |\n| --- | --- | --- | --- |\n| 🟥 Critical | 2 | 2 | 2 |\n| 🟧 High | 3 | 3 | 3 |',
    );
    expect(text).toContain('| **Total** | **6** | **6** | **5** |');
    expect(text).toContain('### Top findings (6 of 6)');
    expect(text).toContain(
      '| **[GHSA-v6rh-hp5x-86rv](https://github.com/advisories/GHSA-v6rh-hp5x-86rv)** | Django (python) | 3.2.9 → 3.2.10 | 🟧 High |',
    );
    expect(text).toContain("| libc6 (deb) | 2.28-10 → won't fix | 🟥 Critical |");
    // Blocking findings come before the rest.
    expect(text.indexOf('CVE-2004-0971')).toBeGreaterThan(text.indexOf('GHSA-v6rh-hp5x-86rv'));
  });

  it('lists what ignore rules and VEX suppressed, and why', () => {
    const report = loadReport(CHECK_ALL);
    const ignoreRules = parseIgnoreRules(
      parse(
        'ignore:\n  - { id: CVE-2021-32626, package: redis, reason: "client only | no server", expires: 2099-01-01 }',
      ),
      '/ws/policy/ignore.yaml',
    );
    const vex = parseVex(
      {
        '@context': 'https://openvex.dev/ns/v0.2.0',
        statements: [
          {
            vulnerability: { name: 'CVE-2021-33574' },
            products: ['pkg:deb/debian/libc6@2.28-10'],
            status: 'not_affected',
            justification: 'vulnerable_code_not_in_execute_path',
          },
        ],
      },
      '/ws/app.vex.json',
    );
    const text = summaryOf(report, defaultPolicy({ ignoreRules, vex }), NOW);
    expect(text).toContain('### Suppressed');
    expect(text).toContain(
      '| [CVE-2021-32626](https://nvd.nist.gov/vuln/detail/CVE-2021-32626) | redis 4.0.2 | High | ignore rule 1 (until 2099-01-01) | client only \\| no server |',
    );
    expect(text).toContain(
      '| [CVE-2021-33574](https://security-tracker.debian.org/tracker/CVE-2021-33574) | libc6 2.28-10 | Critical | VEX app.vex.json #1 | not_affected: vulnerable_code_not_in_execute_path |',
    );
  });

  it('a passing scan without findings says so', () => {
    const text = summaryOf(reportOf([]), defaultPolicy(), NOW);
    expect(text.split('\n')[0]).toBe('## ✅ Vulnerability scan: passed');
    expect(text).toContain('No findings remain after the policy was applied.');
  });

  it('stays under the summary limit with 50,000 findings', () => {
    const matches = Array.from({ length: 50_000 }, (_, i) => match(`CVE-2026-${i}`, i % 3 ? 'High' : 'Low'));
    const text = summaryOf(reportOf(matches), defaultPolicy(), NOW);
    expect(Buffer.byteLength(text)).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(text).toContain('### Top findings (50 of 50000)');
  });

  it('escapes Markdown in ids, and links only http(s) URLs', () => {
    const odd = match('CVE-[1](x)', 'High');
    odd.vulnerability.dataSource = 'javascript:alert(1)';
    odd.vulnerability.urls = [];
    const text = summaryOf(reportOf([odd]), defaultPolicy(), NOW);
    expect(text).toContain('| **CVE-1x** |');
    expect(text).not.toContain('javascript:');
  });
});

describe('text and JSON results', () => {
  it('text: the verdict line, the counts per severity, then the findings by package with what to upgrade', () => {
    const text = renderText(evaluate(loadReport(CHECK_ALL), defaultPolicy({ cutoff: 'critical' }), NOW));
    expect(text.split('\n')).toEqual([
      '❌ Vulnerability gate blocked for vulnerable-image:latest: 2 findings at or above critical (2 critical)',
      'severity       found   after',
      'critical           2       2',
      'high               3       3',
      'medium             0       0',
      'low                0       0',
      'negligible         1       1',
      'unknown            0       0',
      'total              6       6',
      '',
      '! = blocking (at or above critical)',
      'findings by package, most blocking first:',
      '  libc-bin 2.28-10 (deb): 1 finding, 1 blocking, no fixed version',
      "    ! CVE-2021-33574       critical    won't fix",
      '  libc6 2.28-10 (deb): 1 finding, 1 blocking, no fixed version',
      "    ! CVE-2021-33574       critical    won't fix",
      '  Django 3.2.9 (python): 2 findings',
      '    upgrade Django to 3.2.10: clears 2 (0 blocking)',
      '      GHSA-v6rh-hp5x-86rv  high        fixed in 3.2.10',
      '      GHSA-v6rh-hp5x-86rv  high        fixed in 3.2.10',
      '  redis 4.0.2 (python): 1 finding, no fixed version',
      "      CVE-2021-32626       high        won't fix",
      '  libgssapi-krb5-2 1.17-3+deb10u3 (deb): 1 finding, no fixed version',
      '      CVE-2004-0971        negligible  no fix',
    ]);
  });

  it('JSON: verdict, policy, counts, blocking findings, suppressed ones', () => {
    const result = toJson(evaluate(loadReport(CHECK_ALL), defaultPolicy({ onlyFixed: true }), NOW));
    expect(result).toMatchObject({
      verdict: 'fail',
      target: 'vulnerable-image:latest',
      policy: {
        severityCutoff: 'high',
        onlyFixed: true,
        unknownFails: false,
        ignoreRules: 0,
        vexStatements: 0,
      },
      counts: {
        before: { critical: 2, high: 3, medium: 0, low: 0, negligible: 1, unknown: 0 },
        after: { critical: 0, high: 2, medium: 0, low: 0, negligible: 0, unknown: 0 },
      },
      blocking: 2,
    });
    expect(result.blockingFindings).toEqual([
      {
        id: 'GHSA-v6rh-hp5x-86rv',
        severity: 'high',
        package: 'Django',
        version: '3.2.9',
        type: 'python',
        fixState: 'fixed',
        fixedIn: ['3.2.10'],
      },
      {
        id: 'GHSA-v6rh-hp5x-86rv',
        severity: 'high',
        package: 'Django',
        version: '3.2.9',
        type: 'python',
        fixState: 'fixed',
        fixedIn: ['3.2.10'],
      },
    ]);
    expect((result.suppressed as unknown[]).length).toBe(4);
  });
});

import { describe, expect, it } from '@jest/globals';
import { Markdown } from '@release-actions/core';
import { defaultPolicy, evaluate, parseIgnoreRules, type Evaluation } from '@release-actions/vuln';
import {
  countsTable,
  expiredRules,
  policyFacts,
  reasons,
  suppressedFindings,
  topFindings,
  unusedRules,
  verdictHeading,
  type SummaryBuilder,
} from '../../../packages/vuln/src/summary.js';
import { match, reportOf } from './fixtures.js';

/** Each section of the job summary on its own: what it writes, and that it writes nothing when it has nothing to say. */

const NOW = new Date('2026-06-01T00:00:00Z');

function section(write: (md: SummaryBuilder) => void): string {
  const md = new Markdown();
  write(md);
  return md.toString().trimEnd();
}

const rules = parseIgnoreRules(
  {
    ignore: [
      { id: 'CVE-2026-0002', reason: 'not reachable', expires: '2026-12-31' },
      { id: 'CVE-2026-0009', reason: 'old', expires: '2026-01-31' },
      { id: 'CVE-2026-0404', reason: 'gone', expires: '2026-12-31' },
    ],
  },
  '/ws/policy/ignore.yaml',
);

/** One critical in force, one high ignored, one medium without a fix left out, one expired rule, one unused. */
function judged(): Evaluation {
  return evaluate(
    reportOf([
      match('CVE-2026-0001', 'Critical', { fix: '3.0.2' }),
      match('CVE-2026-0002', 'High', { name: 'zlib', fix: '1.3' }),
      match('CVE-2026-0003', 'Medium'),
    ]),
    defaultPolicy({ onlyFixed: true, ignoreRules: rules }),
    NOW,
  );
}

const passed = (): Evaluation => evaluate(reportOf([]), defaultPolicy(), NOW);

describe('summary sections', () => {
  it('verdictHeading: level 2 for the scan, level 3 for a platform, a warning when fail-build is off', () => {
    expect(section((md) => verdictHeading(md, passed(), {}))).toBe('## ✅ Vulnerability scan: passed');
    expect(section((md) => verdictHeading(md, judged(), { section: 'linux/arm64' }))).toBe(
      '### ❌ linux/arm64: blocked',
    );
    expect(section((md) => verdictHeading(md, judged(), { failBuild: false }))).toBe(
      '## ⚠️ Vulnerability scan: failed (not blocking: fail-build is off)',
    );
  });

  it('policyFacts: the target and the policy, grype and its database only when known', () => {
    expect(section((md) => policyFacts(md, judged(), {}))).toBe(
      'Target: `ghcr.io/aotanami/app:1.0` · cutoff: **high** · only fixed: yes · unknown severity fails: no · ignore rules: 3 · VEX statements: 0',
    );
    expect(
      section((md) => policyFacts(md, passed(), { grypeVersion: '0.94.0', dbBuilt: '2026-05-31' })),
    ).toMatch(/ · grype 0\.94\.0 · database built 2026-05-31$/);
  });

  it('reasons: one bold item each, Markdown escaped; nothing when the gate passed', () => {
    expect(section((md) => reasons(md, judged()))).toBe(
      [
        '- **1 finding at or above high \\(1 critical\\)**',
        '- **ignore rule 2 \\(CVE-2026-0009\\) of /ws/policy/ignore.yaml expired on 2026-01-31**',
      ].join('\n'),
    );
    expect(section((md) => reasons(md, passed()))).toBe('');
  });

  it('countsTable: found, after the policy and blocking per severity, and the totals', () => {
    const text = section((md) => countsTable(md, judged()));
    expect(text).toContain('| 🟥 Critical | 1 | 1 | 1 |');
    expect(text).toContain('| 🟧 High | 1 | 0 | 0 |');
    expect(text).toContain('| 🟨 Medium | 1 | 0 | 0 |');
    expect(text).toContain('| **Total** | **3** | **1** | **1** |');
  });

  it('topFindings: at most `top`, blocking ones first; a sentence when none remain', () => {
    const many = evaluate(
      reportOf([
        match('CVE-2026-0100', 'Low'),
        match('CVE-2026-0101', 'Critical'),
        match('CVE-2026-0102', 'High'),
      ]),
      defaultPolicy(),
      NOW,
    );
    const text = section((md) => topFindings(md, many, 2));
    expect(text.split('\n')[0]).toBe('### Top findings (2 of 3)');
    expect(text).toContain('CVE-2026-0101');
    expect(text).toContain('CVE-2026-0102');
    expect(text).not.toContain('CVE-2026-0100');
    expect(section((md) => topFindings(md, passed()))).toBe(
      'No findings remain after the policy was applied.',
    );
  });

  it('suppressedFindings: how many only-fixed left out, and each ignored finding with its rule and reason', () => {
    const text = section((md) => suppressedFindings(md, judged()));
    expect(text.split('\n').slice(0, 3)).toEqual([
      '### Suppressed',
      '',
      '1 finding(s) without a fixed version were left out (only-fixed).',
    ]);
    expect(text).toContain('| zlib 3.0.1 | High | ignore rule 1 (until 2026-12-31) | not reachable |');
    expect(section((md) => suppressedFindings(md, passed()))).toBe('');
  });

  it('expiredRules and unusedRules: named by rule and file; nothing when there are none', () => {
    expect(section((md) => expiredRules(md, judged()))).toBe(
      '### Expired ignore rules\n\n- rule 2 of `ignore.yaml`: CVE-2026-0009 expired on 2026-01-31 — old',
    );
    expect(section((md) => unusedRules(md, judged()))).toBe(
      'Ignore rules that matched nothing (remove them?): 3 (CVE-2026-0404).',
    );
    expect(section((md) => expiredRules(md, passed()))).toBe('');
    expect(section((md) => unusedRules(md, passed()))).toBe('');
  });
});

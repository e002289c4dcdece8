import { describe, expect, it } from '@jest/globals';
import {
  bestUpgrade,
  byPackage,
  compareDebian,
  compareGeneric,
  compareRpm,
  defaultPolicy,
  evaluate,
  type Finding,
  type GrypeMatch,
} from '@release-actions/vuln';
import { grypeJsonReports } from './expected.js';
import { BUSYBOX, IMGS, NGINX, loadReport, match, reportOf } from './fixtures.js';
import { readFileSync } from 'node:fs';

const NOW = new Date('2026-06-01T00:00:00Z');

/** Sorts with the comparator and checks it is antisymmetric on every pair. */
function sorted(compare: (a: string, b: string) => number, versions: string[]): string[] {
  for (const a of versions) {
    for (const b of versions) expect(Math.sign(compare(a, b)) + Math.sign(compare(b, a))).toBe(0);
  }
  return [...versions].sort(compare);
}

describe('version order per ecosystem', () => {
  it('Debian: epoch, then upstream, then revision; ~ before the end, letters before other characters', () => {
    expect(
      sorted(compareDebian, [
        '1:1.0-1',
        '2.28-10+deb10u1',
        '2.28-10',
        '2.28-10~bpo1',
        '2.28-9',
        '4.1.0+git191117-2~deb10u3',
        '4.1.0+git191117-2~deb10u2',
        '4.1.0+git191117-2',
        '1.0a-1',
        '1.0+-1',
        '1.0~rc1-1',
      ]),
    ).toEqual([
      '1.0~rc1-1',
      '1.0a-1',
      '1.0+-1',
      '2.28-9',
      '2.28-10~bpo1',
      '2.28-10',
      '2.28-10+deb10u1',
      '4.1.0+git191117-2~deb10u2',
      '4.1.0+git191117-2~deb10u3',
      '4.1.0+git191117-2',
      '1:1.0-1',
    ]);
    expect(compareDebian('1.02-1', '1.2-1')).toBe(0);
  });

  it('RPM: epoch, then version and release by rpmvercmp; ~ before and ^ after the end', () => {
    expect(
      sorted(compareRpm, [
        '2:1.0-1.el9',
        '1.10-1.el9',
        '1.9-1.el9',
        '1.9-2.el9',
        '1.9~rc1-1.el9',
        '1.9^git1-1.el9',
        '1.9a-1.el9',
      ]),
    ).toEqual([
      '1.9~rc1-1.el9',
      '1.9-1.el9',
      '1.9-2.el9',
      '1.9^git1-1.el9',
      '1.9a-1.el9',
      '1.10-1.el9',
      '2:1.0-1.el9',
    ]);
    // A version without a release matches every release of that version.
    expect(compareRpm('3.0.7', '3.0.7-16.el9_2')).toBe(0);
  });

  it('others (semver, PEP 440, Go, apk): numbers by value, pre-release words before the release', () => {
    expect(
      sorted(compareGeneric, [
        '1.10.0',
        '1.9.9',
        'v1.2.3',
        '1.2.3-rc.1',
        '1.2.3-beta.2',
        '1.2.3-alpha',
        '1.2.3.post1',
        '1.2.3-r1',
        '1.2.4_rc1',
        '1.2.4',
      ]),
    ).toEqual([
      '1.2.3-alpha',
      '1.2.3-beta.2',
      '1.2.3-rc.1',
      'v1.2.3',
      '1.2.3.post1',
      '1.2.3-r1',
      '1.2.4_rc1',
      '1.2.4',
      '1.9.9',
      '1.10.0',
    ]);
    expect(compareGeneric('v1.2.3', '1.2.3')).toBe(0);
    expect(compareGeneric('20231231123456789012', '20231231123456789011')).toBe(1);
  });
});

const finding = (m: GrypeMatch, blocking = true): Finding => ({
  match: m,
  severity: 'high',
  fixed: m.vulnerability.fix?.state === 'fixed',
  blocking,
});

function fixedIn(id: string, versions: string[], options: { name?: string; version?: string } = {}) {
  const m = match(id, 'High', options);
  m.vulnerability.fix = { versions, state: 'fixed' };
  return m;
}

describe('the upgrade that clears the most findings of a package', () => {
  it('agrees with the version grype suggests for every finding of the real reports that has one', () => {
    let checked = 0;
    for (const file of grypeJsonReports()) {
      type Detail = { type?: string; fix?: { suggestedVersion?: string } };
      const report = JSON.parse(readFileSync(file, 'utf8')) as {
        matches: (Omit<GrypeMatch, 'matchDetails'> & { matchDetails?: Detail[] })[];
      };
      for (const m of report.matches) {
        const suggested = m.matchDetails?.find((d) => d.fix?.suggestedVersion)?.fix?.suggestedVersion;
        if (suggested === undefined) continue;
        expect(bestUpgrade([finding(m)], m.artifact.type)?.to).toBe(suggested);
        checked++;
      }
    }
    // busybox 1.32.1 (one fix, 1.34.0) and the golden package-1 1.1.1 fixed in 1.2.1, 2.1.3, 3.4.0.
    expect(checked).toBeGreaterThanOrEqual(3);
    const golden = loadReport(IMGS).matches[0]!;
    expect(golden.vulnerability.fix?.versions).toEqual(['1.2.1', '2.1.3', '3.4.0']);
    expect(bestUpgrade([finding(golden)], 'rpm')).toEqual({ to: '1.2.1', clears: 1, blocking: 1 });
  });

  it('the real nginx report: the two packages with a fixed version, each cleared by it', () => {
    const evaluation = evaluate(loadReport(NGINX), defaultPolicy(), NOW);
    const upgrades = byPackage(evaluation.findings)
      .filter((p) => p.upgrade)
      .map((p) => [p.name, p.version, p.findings.length, p.upgrade]);
    expect(upgrades).toEqual([
      [
        'libtiff5',
        '4.1.0+git191117-2~deb10u2',
        10,
        { to: '4.1.0+git191117-2~deb10u3', clears: 1, blocking: 0 },
      ],
      ['libicu63', '63.1-6+deb10u1', 1, { to: '63.1-6+deb10u2', clears: 1, blocking: 0 }],
    ]);
    // Every package of the report is there once, with all its findings.
    const packages = byPackage(evaluation.findings);
    expect(packages.reduce((sum, p) => sum + p.findings.length, 0)).toBe(197);
    expect(packages).toHaveLength(61);
    expect(packages[0]).toMatchObject({ name: 'libexpat1', blocking: 10 });
  });

  it('the real busybox report: one fixed finding (medium) among fifteen, upgrade to 1.34.0', () => {
    const evaluation = evaluate(loadReport(BUSYBOX), defaultPolicy(), NOW);
    const [busybox] = byPackage(evaluation.findings);
    expect(busybox!.findings).toHaveLength(15);
    expect(busybox!.upgrade).toEqual({ to: '1.34.0', clears: 1, blocking: 0 });
  });

  it('picks the smallest version that clears the most, by Debian order', () => {
    const on = { name: 'libc6', version: '2.28-10' };
    const findings = [
      finding(fixedIn('CVE-1', ['2.28-10+deb10u1'], on)),
      finding(fixedIn('CVE-2', ['2.28-10+deb10u1'], on), false),
      finding(fixedIn('CVE-3', ['2.28-10+deb10u2'], on)),
      finding(fixedIn('CVE-4', ['2.28-10+deb10u2'], on)),
      finding(fixedIn('CVE-5', ['2.28-10+deb10u3'], on), false),
      finding(match('CVE-6', 'High', on)),
      // A fix of an older line does not count: it is below what is installed.
      finding(fixedIn('CVE-7', ['2.28-9'], on)),
    ];
    expect(bestUpgrade(findings, 'deb')).toEqual({ to: '2.28-10+deb10u3', clears: 5, blocking: 3 });
    // Without CVE-5, deb10u2 clears all four.
    expect(bestUpgrade(findings.slice(0, 4), 'deb')).toEqual({
      to: '2.28-10+deb10u2',
      clears: 4,
      blocking: 3,
    });
    // The string order would put 2.28-10+deb10u10 before +deb10u9.
    expect(
      bestUpgrade(
        [
          finding(fixedIn('CVE-8', ['2.28-10+deb10u10'], on)),
          finding(fixedIn('CVE-9', ['2.28-10+deb10u9'], on)),
        ],
        'deb',
      ),
    ).toEqual({ to: '2.28-10+deb10u10', clears: 2, blocking: 2 });
    expect(bestUpgrade([finding(match('CVE-6', 'High', on))], 'deb')).toBeUndefined();
  });

  it('with a fixed version per release line, a version between lines clears only what it is listed for', () => {
    const on = { name: 'django', version: '1.1.1' };
    const perLine = finding(fixedIn('GHSA-1', ['1.2.1', '2.1.3'], on));
    const second = finding(fixedIn('GHSA-2', ['2.0.5'], on));
    // 2.0.5 is in the 2.x line, which GHSA-1 fixes only in 2.1.3; 2.1.3 clears both.
    expect(bestUpgrade([perLine, second], 'python')).toEqual({ to: '2.1.3', clears: 2, blocking: 2 });
    // 1.2.1 and 2.1.3 each clear it: the smaller is the upgrade.
    expect(bestUpgrade([perLine], 'python')).toEqual({ to: '1.2.1', clears: 1, blocking: 1 });
  });

  it('groups by package name, version and type; suppressed findings are not in force', () => {
    const report = reportOf([
      match('CVE-1', 'Critical', { name: 'openssl', version: '3.0.1' }),
      match('CVE-2', 'Low', { name: 'openssl', version: '3.0.1' }),
      match('CVE-3', 'Low', { name: 'openssl', version: '1.1.1' }),
      match('CVE-4', 'High', { name: 'zlib', version: '1.2.11' }),
    ]);
    const evaluation = evaluate(report, defaultPolicy({ onlyFixed: true }), NOW);
    expect(byPackage(evaluation.findings)).toEqual([]);
    const all = byPackage(evaluate(report, defaultPolicy(), NOW).findings);
    expect(
      all.map((p) => `${p.name} ${p.version}: ${p.findings.map((f) => f.match.vulnerability.id)}`),
    ).toEqual(['openssl 3.0.1: CVE-1,CVE-2', 'zlib 1.2.11: CVE-4', 'openssl 1.1.1: CVE-3']);
  });

  it('counts as one pass over every candidate would, on random packages', () => {
    // A seeded generator: the same cases on every run.
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const version = () => `${next(4)}.${next(4)}.${next(3)}`;
    /** The rule written out directly: every candidate against every finding. */
    const naive = (findings: Finding[]) => {
      const installed = findings[0]!.match.artifact.version;
      const above = (f: Finding) =>
        (f.match.vulnerability.fix?.versions ?? []).filter((v) => compareGeneric(v, installed) > 0);
      const candidates = [...new Set(findings.flatMap(above))].sort(compareGeneric);
      let best: { to: string; clears: number; blocking: number } | undefined;
      for (const to of candidates) {
        const cleared = findings.filter((f) => {
          const fixes = above(f);
          return fixes.length > 0 && (fixes.includes(to) || fixes.every((v) => compareGeneric(to, v) >= 0));
        });
        if (cleared.length > (best?.clears ?? 0)) {
          best = { to, clears: cleared.length, blocking: cleared.filter((f) => f.blocking).length };
        }
      }
      return best;
    };
    for (let round = 0; round < 300; round++) {
      const on = { name: 'pkg', version: version() };
      const findings = Array.from({ length: 1 + next(8) }, (_, i) =>
        finding(fixedIn(`CVE-${i}`, Array.from({ length: next(4) }, version), on), next(2) === 0),
      );
      expect(bestUpgrade(findings, 'npm')).toEqual(naive(findings));
    }
  });

  it('stays fast for a package with 20,000 findings, each fixed in another version', () => {
    const on = { name: 'linux-image-amd64', version: '6.1.0-1' };
    const findings = Array.from({ length: 20_000 }, (_, i) =>
      finding(fixedIn(`CVE-2026-${i}`, [`6.1.${i + 1}-1`], on), i % 2 === 0),
    );
    const started = Date.now();
    expect(bestUpgrade(findings, 'deb')).toEqual({ to: '6.1.20000-1', clears: 20_000, blocking: 10_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

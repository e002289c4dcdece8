import { describe, expect, it } from '@jest/globals';
import {
  defaultPolicy,
  evaluate,
  exportOpenVex,
  openVexText,
  parseIgnoreRules,
  parseVex,
  type GrypeReport,
  type IgnoreRule,
  type OpenVexExport,
} from '@release-actions/vuln';
import { digest, match, reportOf } from './fixtures.js';

const NOW = new Date('2026-06-01T10:20:30.456Z');
const INDEX = digest('c');
const SUBJECT = `ghcr.io/aotanami/app@${INDEX}`;

const rules = parseIgnoreRules(
  {
    ignore: [
      {
        id: 'CVE-2023-0464',
        package: 'openssl',
        reason: 'X.509 policies are not used',
        expires: '2026-12-31',
      },
      { id: 'CVE-2024-0001', reason: 'not reachable from the entry point', expires: '2026-07-01' },
      { id: 'CVE-2020-9999', reason: 'expired exception', expires: '2026-05-31' },
      { id: 'CVE-2025-7777', package: 'zlib', reason: 'matches nothing', expires: '2026-12-31' },
      { id: 'GHSA-aaaa-bbbb-cccc', reason: 'no package URL', expires: '2026-12-31' },
    ],
  },
  '/work/repo/.grype-ignore.yaml',
);

/** One platform's judged target: its report evaluated against the rules, as the gate does. */
function judged(platformDigest: string, arch: string, report: GrypeReport) {
  const evaluation = evaluate(report, defaultPolicy({ ignoreRules: rules }), NOW);
  return {
    target: { platform: `linux/${arch}`, digest: platformDigest },
    evaluation,
    sarif: {} as never,
    sarifFile: '',
    jsonFile: '',
    report,
  };
}

function reports(arch: string) {
  const noPurl = match('GHSA-aaaa-bbbb-cccc', 'High', { name: 'bin' });
  delete noPurl.artifact.purl;
  return reportOf([
    match('CVE-2023-0464', 'High', { purl: `pkg:deb/debian/openssl@3.0.1?arch=${arch}&distro=debian-12` }),
    // grype names the GHSA; the rule the CVE it is related to.
    match('GHSA-xxxx-yyyy-zzzz', 'Critical', {
      name: 'libfoo',
      version: '1.2',
      purl: `pkg:deb/debian/libfoo@1.2?arch=${arch}`,
      related: ['CVE-2024-0001'],
    }),
    match('CVE-2024-0001', 'High', {
      name: 'libbar',
      version: '2.0',
      purl: `pkg:deb/debian/libbar@2.0?arch=${arch}`,
    }),
    match('CVE-2020-9999', 'Low'),
    noPurl,
  ]);
}

const results = [
  judged(digest('a'), 'amd64', reports('amd64')),
  judged(digest('b'), 'arm64', reports('arm64')),
];

function exported(overrides: Partial<Parameters<typeof exportOpenVex>[0]> = {}): OpenVexExport {
  const out = exportOpenVex({
    subject: SUBJECT,
    results,
    rules,
    author: 'aotanami/app',
    now: NOW,
    ...overrides,
  });
  if ('problem' in out) throw new Error(out.problem);
  return out;
}

const hex = (c: string) => c.repeat(64);

describe('OpenVEX export of the ignore rules', () => {
  it('writes one not_affected statement per rule that applied, with its reason and expiry', () => {
    const { document } = exported();
    expect(document).toMatchObject({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      author: 'aotanami/app',
      timestamp: '2026-06-01T10:20:30Z',
      version: 1,
    });
    expect(document['@id']).toMatch(/^https:\/\/openvex\.dev\/docs\/public\/vex-[0-9a-f]{64}$/);
    expect(document.statements.map((s) => s.vulnerability)).toEqual([
      { name: 'CVE-2023-0464' },
      { name: 'CVE-2024-0001', aliases: ['GHSA-xxxx-yyyy-zzzz'] },
    ]);
    const [first] = document.statements;
    expect(first).toMatchObject({
      status: 'not_affected',
      impact_statement: 'X.509 policies are not used',
      status_notes:
        'Accepted until 2026-12-31 (UTC) by ignore rule 1 of .grype-ignore.yaml; the exception is reviewed by then.',
    });
    expect(first).not.toHaveProperty('justification');
  });

  it('names the index and each platform as grype names a scanned image, with the packages the rule matched', () => {
    const [first, second] = exported().document.statements;
    expect(first!.products.map((p) => p['@id'])).toEqual([
      `pkg:oci/app@sha256%3A${hex('c')}?repository_url=ghcr.io/aotanami/app`,
      `pkg:oci/app@sha256%3A${hex('a')}?repository_url=ghcr.io/aotanami/app`,
      `pkg:oci/app@sha256%3A${hex('b')}?repository_url=ghcr.io/aotanami/app`,
    ]);
    expect(first!.products.map((p) => p.hashes)).toEqual([
      { 'sha-256': hex('c') },
      { 'sha-256': hex('a') },
      { 'sha-256': hex('b') },
    ]);
    // Qualifiers (arch, distro) are dropped: one package URL covers every platform.
    expect(first!.products[0]!.subcomponents).toEqual([{ '@id': 'pkg:deb/debian/openssl@3.0.1' }]);
    expect(second!.products[2]!.subcomponents).toEqual([
      { '@id': 'pkg:deb/debian/libbar@2.0' },
      { '@id': 'pkg:deb/debian/libfoo@1.2' },
    ]);
  });

  it('leaves out (and reports) expired rules, rules that matched nothing and findings without a package URL', () => {
    const { skipped, document } = exported();
    expect(skipped.map(({ rule, reason }) => [rule.id, reason])).toEqual([
      ['CVE-2020-9999', 'it expired on 2026-05-31'],
      ['CVE-2025-7777', 'it matched no finding'],
      ['GHSA-aaaa-bbbb-cccc', 'the packages it matched have no package URL to name'],
    ]);
    expect(JSON.stringify(document)).not.toContain('CVE-2020-9999');
  });

  it('never emits a rule that expired, even one the findings were judged with earlier', () => {
    const later = new Date('2026-07-02T00:00:00Z');
    const { document, skipped } = exported({ now: later });
    expect(document.statements.map((s) => s.vulnerability.name)).toEqual(['CVE-2023-0464']);
    expect(skipped.find((s) => s.rule.id === 'CVE-2024-0001')!.reason).toBe('it expired on 2026-07-01');
  });

  it('is the same bytes for the same input and time, and another document for another time or author', () => {
    const text = openVexText(exported().document);
    expect(openVexText(exported().document)).toBe(text);
    // The rules in another order in memory: still sorted by their place in the file.
    expect(openVexText(exported({ rules: [...rules].reverse() }).document)).toBe(text);
    expect(exported({ now: new Date('2026-06-01T10:20:31Z') }).document['@id']).not.toBe(
      exported().document['@id'],
    );
    expect(exported({ author: 'someone' }).document['@id']).not.toBe(exported().document['@id']);
  });

  it('names Docker Hub images as grype does (docker.io/library/…) and takes digests from grype report of an image', () => {
    const report = reportOf([match('CVE-2023-0464', 'High')]);
    report.source = {
      type: 'image',
      target: {
        userInput: 'alpine:3',
        manifestDigest: digest('d'),
        repoDigests: [`index.docker.io/library/alpine@${digest('e')}`],
      },
    };
    const single = [
      {
        ...judged('', '', report),
        target: { platform: '', digest: '', source: { kind: 'image' as const, value: 'x' } },
      },
    ];
    const { document } = exported({ subject: 'alpine:3', results: single });
    expect(document.statements[0]!.products.map((p) => p['@id'])).toEqual([
      `pkg:oci/alpine@sha256%3A${hex('d')}?repository_url=docker.io/library/alpine`,
      `pkg:oci/alpine@sha256%3A${hex('e')}?repository_url=docker.io/library/alpine`,
    ]);
  });

  it('says why when no digest of the image is known', () => {
    const single = [
      {
        ...judged('', '', reportOf([])),
        target: { platform: '', digest: '', source: { kind: 'image' as const, value: 'x' } },
      },
    ];
    expect(exportOpenVex({ subject: 'app:1.0', results: single, rules, author: 'a', now: NOW })).toEqual({
      problem: 'no sha256 image digest of app:1.0 is known, so no product can be named',
    });
  });

  it('round trip: our own gate applies the document to the same findings, and to nothing else', () => {
    const text = openVexText(exported().document);
    const statements = parseVex(JSON.parse(text), 'openvex.json');
    const noRules: IgnoreRule[] = [];
    const evaluation = evaluate(
      reports('amd64'),
      defaultPolicy({ ignoreRules: noRules, vex: statements }),
      NOW,
    );
    const by = evaluation.findings.map((f) => [f.match.vulnerability.id, f.suppressed?.by ?? 'none']);
    expect(by).toEqual([
      ['CVE-2023-0464', 'vex'],
      ['GHSA-xxxx-yyyy-zzzz', 'vex'],
      ['CVE-2024-0001', 'vex'],
      ['CVE-2020-9999', 'none'],
      ['GHSA-aaaa-bbbb-cccc', 'none'],
    ]);
    expect(evaluation.findings[0]!.suppressed!.reason).toBe('not_affected: X.509 policies are not used');
    // The same vulnerability in another package is not covered.
    const other = evaluate(
      reportOf([match('CVE-2023-0464', 'High', { name: 'libssl3', purl: 'pkg:deb/debian/libssl3@3.0.1' })]),
      defaultPolicy({ vex: statements }),
      NOW,
    );
    expect(other.findings[0]!.suppressed).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveOciArchive } from '../harness/images.js';
import { runCli } from '../harness/run-cli.js';
import { errors, runBundle, type BundleResult } from '../harness/run-bundle.js';
import { inDays } from '../unit/vuln/policy-files.js';
import { rulesWithoutSecuritySeverity, sarifErrors } from '../unit/vuln/sarif-validator.js';
import { ADVISORIES, makeGrypeDb, offlineGrype, type GrypeDb } from './harness/grype-db.js';
import { startRealImage, type RealImage } from './harness/image.js';
import { requireRealTools } from './harness/tools.js';

/**
 * The release's gate with the real syft and grype: the sbom bundle makes one SBOM per platform of
 * the real two-platform image, and the scan bundle judges each with grype, fully offline, against
 * the tiny database grype's own writer made (test/real/programs/grype-db). Only arm64 carries the
 * critical openssl and the high lodash finding; both platforms carry the unfixed high zlib one and
 * the low minimist one.
 */

interface PlatformEntry {
  platform: string;
  digest: string;
  verdict: 'pass' | 'fail';
  blocking: number;
  counts: { before: Record<string, number>; after: Record<string, number> };
  category: string;
  sarif: string;
  json: string;
}

interface GrypeJson {
  matches: {
    vulnerability: { id: string; severity: string; fix: { state: string; versions: string[] } };
    artifact: { name: string; version: string; type: string; purl: string };
  }[];
}

let bin: string;
let image: RealImage & { stop(): Promise<void> };
let db: GrypeDb;
let workspace: string;
let sbomRun: BundleResult;
const timings: Record<string, number> = {};

beforeAll(async () => {
  bin = requireRealTools('grype', 'syft', 'grype-db');
  image = await startRealImage('scan', 'v1');
  db = makeGrypeDb(bin);
  timings['grype-db'] = db.ms;
  workspace = mkdtempSync(path.join(os.tmpdir(), 'real-scan-ws-'));
  sbomRun = await runBundle('sbom', {
    path: [bin],
    workspace,
    inputs: { image: image.reference, platforms: 'all', 'output-prefix': 'sbom', 'output-dir': 'sbom' },
    env: { SYFT_CHECK_FOR_APP_UPDATE: 'false' },
  });
  timings['sbom bundle (2 platforms)'] = sbomRun.durationMs;
  writePolicies();
}, 180_000);

afterAll(async () => {
  await image?.stop();
  // The measured times, for the record of what the real tier costs.
  process.stdout.write(`real scan timings (ms): ${JSON.stringify(timings)}\n`);
});

/** Reasoned, dated exceptions and a VEX statement, as a publisher commits them. */
function writePolicies(): void {
  const dir = path.join(workspace, 'policy');
  mkdirSync(dir, { recursive: true });
  const expires = inDays(30);
  writeFileSync(
    path.join(dir, 'arm64.yaml'),
    [
      'ignore:',
      `  - id: ${ADVISORIES.openssl.id}`,
      `    package: ${ADVISORIES.openssl.package}`,
      '    version: 3.0.9-1',
      '    reason: the arm64 image ships only the static site; libssl3 is never loaded (rebuild pending)',
      `    expires: ${expires}`,
      `  - id: ${ADVISORIES.lodash.id}`,
      `    package: ${ADVISORIES.lodash.package}`,
      '    reason: lodash 4.17.20 is a build-time dependency of the arm64 app; the template function is not used',
      `    expires: ${expires}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'openssl.yaml'),
    [
      'ignore:',
      `  - id: ${ADVISORIES.openssl.id}`,
      `    package: ${ADVISORIES.openssl.package}`,
      '    reason: the arm64 image ships only the static site; libssl3 is never loaded (rebuild pending)',
      `    expires: ${expires}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'lodash.openvex.json'),
    JSON.stringify(
      {
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://example.invalid/vex/release-actions-real-scan',
        author: 'release-actions tests',
        timestamp: '2026-01-01T00:00:00Z',
        version: 1,
        statements: [
          {
            vulnerability: { name: ADVISORIES.lodash.id },
            products: [{ '@id': 'pkg:npm/lodash@4.17.20' }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_in_execute_path',
            impact_statement: 'the app never calls _.template',
          },
        ],
      },
      null,
      2,
    ),
  );
}

async function scan(inputs: Record<string, string>, label: string): Promise<BundleResult> {
  const result = await runBundle('scan', {
    path: [bin],
    workspace,
    inputs: { 'sbom-manifest': 'sbom/sbom-platforms.json', ...inputs },
    env: offlineGrype(db),
  });
  timings[`scan bundle: ${label}`] = result.durationMs;
  return result;
}

function platforms(result: BundleResult): Record<string, PlatformEntry> {
  const list = JSON.parse(result.outputs.platforms ?? '[]') as PlatformEntry[];
  return Object.fromEntries(list.map((p) => [p.platform, p]));
}

function findings(entry: PlatformEntry): string[] {
  const report = JSON.parse(readFileSync(entry.json, 'utf8')) as GrypeJson;
  return report.matches.map((m) => `${m.vulnerability.id} ${m.artifact.name}@${m.artifact.version}`).sort();
}

describe('the sbom bundle with the real syft', () => {
  it('writes one SBOM pair per platform digest and the platforms manifest the scan reads', () => {
    expect(errors(sbomRun)).toEqual([]);
    expect(sbomRun.exitCode).toBe(0);
    const manifest = JSON.parse(
      readFileSync(path.join(workspace, 'sbom', 'sbom-platforms.json'), 'utf8'),
    ) as {
      platforms: { platform: string; digest: string; packages: number }[];
    };
    expect(manifest.platforms.map((p) => [p.platform, p.digest])).toEqual(
      image.images.map((i) => [i.platform, i.digest]),
    );
    for (const entry of manifest.platforms) expect(entry.packages).toBeGreaterThanOrEqual(5);
  });
});

describe('the scan bundle with the real grype, per platform', () => {
  it('finds exactly the advisories written for each platform, nothing else', async () => {
    const result = await scan({ 'severity-cutoff': 'critical' }, 'cutoff critical');
    const byPlatform = platforms(result);
    expect(findings(byPlatform['linux/amd64']!)).toEqual(
      [`${ADVISORIES.zlib.id} zlib1g@1:1.2.13.dfsg-1`, `${ADVISORIES.minimist.id} minimist@1.2.8`].sort(),
    );
    expect(findings(byPlatform['linux/arm64']!)).toEqual(
      [
        `${ADVISORIES.openssl.id} libssl3@3.0.9-1`,
        `${ADVISORIES.lodash.id} lodash@4.17.20`,
        `${ADVISORIES.zlib.id} zlib1g@1:1.2.13.dfsg-1`,
        `${ADVISORIES.minimist.id} minimist@1.2.8`,
      ].sort(),
    );
  });

  it('blocks the release on the arm64-only critical while amd64 passes (cutoff critical)', async () => {
    const result = await scan({ 'severity-cutoff': 'critical' }, 'cutoff critical');
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toEqual([
      expect.stringMatching(/^❌ Vulnerability gate blocked for .*: 1 of 2 platforms block \(linux\/arm64\)/),
    ]);
    expect(result.outputs.verdict).toBe('fail');
    expect(result.outputs.blocking).toBe('1');
    expect(result.outputs.critical).toBe('1');
    const byPlatform = platforms(result);
    const amd64 = byPlatform['linux/amd64']!;
    const arm64 = byPlatform['linux/arm64']!;
    expect([amd64.verdict, amd64.blocking, amd64.digest]).toEqual([
      'pass',
      0,
      image.image('linux/amd64').digest,
    ]);
    expect([arm64.verdict, arm64.blocking, arm64.digest]).toEqual([
      'fail',
      1,
      image.image('linux/arm64').digest,
    ]);
    expect(amd64.counts.after).toEqual({
      critical: 0,
      high: 1,
      medium: 0,
      low: 1,
      negligible: 0,
      unknown: 0,
    });
    expect(arm64.counts.after).toEqual({
      critical: 1,
      high: 2,
      medium: 0,
      low: 1,
      negligible: 0,
      unknown: 0,
    });

    // The summary: the platform table, then a section per platform.
    expect(result.summary.split('\n')[0]).toBe('## ❌ Vulnerability scan: blocked');
    expect(result.summary).toContain(
      `| linux/amd64 | \`${amd64.digest}\` | ✅ pass | 0 | 0 | 1 | 0 | 1 | 0 | 0 |`,
    );
    expect(result.summary).toContain(
      `| linux/arm64 | \`${arm64.digest}\` | ❌ fail | 1 | 1 | 2 | 0 | 1 | 0 | 0 |`,
    );
    expect(result.summary).toContain(ADVISORIES.openssl.id);
  });

  it('writes a SARIF file per platform, each valid SARIF 2.1.0 with its own category', async () => {
    const result = await scan({ 'severity-cutoff': 'critical', category: 'grype/app' }, 'sarif');
    const dir = result.outputs.sarif!;
    expect(readdirSync(dir).sort()).toEqual(['grype-linux-amd64.sarif', 'grype-linux-arm64.sarif']);
    const results: Record<string, string[]> = {};
    for (const [file, platform] of [
      ['grype-linux-amd64.sarif', 'linux-amd64'],
      ['grype-linux-arm64.sarif', 'linux-arm64'],
    ] as const) {
      const sarif = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Parameters<
        typeof rulesWithoutSecuritySeverity
      >[0] & { runs: { results: { ruleId: string }[]; automationDetails: { id: string } }[] };
      expect(sarifErrors(sarif)).toEqual([]);
      expect(rulesWithoutSecuritySeverity(sarif)).toEqual([]);
      expect(sarif.runs[0]!.automationDetails.id).toBe(`grype/app/${platform}/`);
      results[platform] = sarif.runs[0]!.results.map((r) => r.ruleId);
    }
    expect(results['linux-arm64']!.join(' ')).toContain(ADVISORIES.openssl.id);
    expect(results['linux-amd64']!.join(' ')).not.toContain(ADVISORIES.openssl.id);
    expect(result.outputs.category).toBe('');
  });

  it('with the default cutoff (high) the unfixed zlib finding blocks both platforms', async () => {
    const result = await scan({}, 'cutoff high');
    expect(result.exitCode).toBe(1);
    const byPlatform = platforms(result);
    expect([byPlatform['linux/amd64']!.verdict, byPlatform['linux/amd64']!.blocking]).toEqual(['fail', 1]);
    expect([byPlatform['linux/arm64']!.verdict, byPlatform['linux/arm64']!.blocking]).toEqual(['fail', 3]);
  });

  it('only-fixed leaves out the zlib finding (Debian will not fix it): amd64 passes, arm64 still blocks', async () => {
    const result = await scan({ 'only-fixed': 'true' }, 'only-fixed');
    expect(result.exitCode).toBe(1);
    const byPlatform = platforms(result);
    expect([byPlatform['linux/amd64']!.verdict, byPlatform['linux/amd64']!.blocking]).toEqual(['pass', 0]);
    expect([byPlatform['linux/arm64']!.verdict, byPlatform['linux/arm64']!.blocking]).toEqual(['fail', 2]);
    expect(byPlatform['linux/amd64']!.counts.before.high).toBe(1);
    expect(byPlatform['linux/amd64']!.counts.after.high).toBe(0);
    expect(result.summary).toContain('finding(s) without a fixed version were left out (only-fixed)');
  });

  it('passes with reasoned, dated ignore rules for the arm64 findings, and says why in the summary', async () => {
    const result = await scan({ 'only-fixed': 'true', 'ignore-file': 'policy/arm64.yaml' }, 'ignore rules');
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
    const arm64 = platforms(result)['linux/arm64']!;
    expect([arm64.verdict, arm64.counts.before.critical, arm64.counts.after.critical]).toEqual([
      'pass',
      1,
      0,
    ]);
    expect(result.summary).toContain('libssl3 is never loaded');
  });

  it('an OpenVEX not_affected statement suppresses the lodash finding', async () => {
    const withoutVex = await scan(
      { 'only-fixed': 'true', 'ignore-file': 'policy/openssl.yaml' },
      'ignore openssl only',
    );
    expect(platforms(withoutVex)['linux/arm64']!.blocking).toBe(1);
    const result = await scan(
      { 'only-fixed': 'true', 'ignore-file': 'policy/openssl.yaml', vex: 'policy/lodash.openvex.json' },
      'ignore openssl + VEX lodash',
    );
    expect(errors(result)).toEqual([]);
    expect(result.outputs.verdict).toBe('pass');
    const arm64 = platforms(result)['linux/arm64']!;
    expect([arm64.counts.before.high, arm64.counts.after.high]).toEqual([2, 0]);
    expect(result.summary).toContain('VEX lodash.openvex.json #1');
  });
});

describe('the scan bundle with the real grype pulling the image itself', () => {
  it("scans each platform of the index by its digest (platforms: all) and accepts grype's report about that digest", async () => {
    const result = await runBundle('scan', {
      path: [bin],
      workspace,
      inputs: { image: image.reference, platforms: 'all', 'severity-cutoff': 'critical' },
      env: offlineGrype(db),
    });
    timings['scan bundle: image, platforms all (grype pulls)'] = result.durationMs;
    expect(errors(result)).toEqual([
      expect.stringMatching(/^❌ Vulnerability gate blocked for .*: 1 of 2 platforms block \(linux\/arm64\)/),
    ]);
    const byPlatform = platforms(result);
    expect(findings(byPlatform['linux/arm64']!)).toContain(`${ADVISORIES.openssl.id} libssl3@3.0.9-1`);
    expect([byPlatform['linux/amd64']!.verdict, byPlatform['linux/arm64']!.verdict]).toEqual([
      'pass',
      'fail',
    ]);
    const report = JSON.parse(readFileSync(byPlatform['linux/arm64']!.json, 'utf8')) as {
      source: { type: string; target: { userInput: string; manifestDigest: string } };
    };
    expect(report.source.type).toBe('image');
    expect(report.source.target.userInput).toBe(image.image('linux/arm64').reference);
  });
});

describe('the scan bundle with the real grype reading an image archive (fake: file:<path>)', () => {
  it("scans file:<archive> as the image it holds, and accepts grype's report about that file", async () => {
    const archive = path.join(workspace, 'arm64.tar');
    expect(saveOciArchive(image.image('linux/arm64').reference, archive)).toBe('');
    const result = await runBundle('scan', {
      path: [bin],
      workspace,
      inputs: { source: 'file:arm64.tar', 'severity-cutoff': 'critical' },
      env: offlineGrype(db),
    });
    timings['scan bundle: file:<oci archive>'] = result.durationMs;
    expect(errors(result)).toEqual([
      expect.stringMatching(
        /^❌ Vulnerability gate blocked for .*arm64\.tar: 1 finding at or above critical/,
      ),
    ]);
    expect(result.outputs.category).toBe('grype/file/arm64.tar');
    const report = JSON.parse(readFileSync(result.outputs.json!, 'utf8')) as {
      source: { type: string; target: { userInput: string } };
    };
    expect(report.source.type).toBe('image');
    expect(report.source.target.userInput).toBe(archive);
  });
});

describe('the CLI scan with the real grype', () => {
  it('judges each platform of the manifest: exit 1 on the arm64 critical, JSON per platform, SARIF per platform', async () => {
    const sarifDir = path.join(workspace, 'cli-sarif');
    const started = Date.now();
    const result = await runCli(
      [
        'scan',
        '--sbom-manifest',
        path.join(workspace, 'sbom', 'sbom-platforms.json'),
        '--severity-cutoff',
        'critical',
        '--format',
        'json',
        '--sarif',
        sarifDir,
        '--output-dir',
        path.join(workspace, 'cli-out'),
      ],
      { env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, ...offlineGrype(db) } },
    );
    timings['CLI scan (2 platforms)'] = Date.now() - started;
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout) as { verdict: string; platforms: PlatformEntry[] };
    expect(out.verdict).toBe('fail');
    expect(out.platforms.map((p) => [p.platform, p.verdict, p.blocking])).toEqual([
      ['linux/amd64', 'pass', 0],
      ['linux/arm64', 'fail', 1],
    ]);
    for (const file of readdirSync(sarifDir)) {
      expect(sarifErrors(JSON.parse(readFileSync(path.join(sarifDir, file), 'utf8')))).toEqual([]);
    }
    expect(readdirSync(sarifDir).sort()).toEqual(['grype-linux-amd64.sarif', 'grype-linux-arm64.sarif']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBundle, type BundleResult } from '../harness/run-bundle.js';
import { inDays } from '../unit/vuln/policy-files.js';
import { ADVISORIES, makeGrypeDb, offlineGrype, type GrypeDb } from './harness/grype-db.js';
import { startRealImage, type RealImage } from './harness/image.js';
import { requireRealTools } from './harness/tools.js';

/**
 * openvex.json as a consumer uses it: the scan bundle writes it from the ignore rules while the
 * real grype judges each platform of the real two-platform image, then the real grype, given the
 * document with --vex, leaves out exactly the findings the rules covered, whether the consumer
 * names a platform digest or the index, and keeps the others.
 */
interface GrypeJson {
  matches: { vulnerability: { id: string }; artifact: { name: string } }[];
  ignoredMatches?: { vulnerability: { id: string }; appliedIgnoreRules: { namespace?: string }[] }[];
}

let bin: string;
let image: RealImage & { stop(): Promise<void> };
let db: GrypeDb;
let workspace: string;
let scanRun: BundleResult;

beforeAll(async () => {
  bin = requireRealTools('grype', 'grype-db');
  image = await startRealImage('vex', 'v1');
  db = makeGrypeDb(bin);
  workspace = mkdtempSync(path.join(os.tmpdir(), 'real-openvex-ws-'));
  mkdirSync(path.join(workspace, 'policy'));
  const expires = inDays(30);
  writeFileSync(
    path.join(workspace, 'policy', 'ignore.yaml'),
    [
      'ignore:',
      `  - id: ${ADVISORIES.openssl.id}`,
      `    package: ${ADVISORIES.openssl.package}`,
      '    reason: libssl3 is never loaded by the static site',
      `    expires: ${expires}`,
      `  - id: ${ADVISORIES.lodash.id}`,
      '    reason: the template function of lodash is not used',
      `    expires: ${expires}`,
      '',
    ].join('\n'),
  );
  scanRun = await runBundle('scan', {
    path: [bin],
    workspace,
    inputs: {
      image: image.reference,
      platforms: 'all',
      'ignore-file': 'policy/ignore.yaml',
      'output-dir': 'scan',
      'vex-author': 'aotanami/vex',
      // zlib's high finding has no fix and no rule: only the critical would block.
      'severity-cutoff': 'critical',
    },
    env: offlineGrype(db),
  });
}, 240_000);

afterAll(async () => {
  await image?.stop();
});

function grype(target: string, vex?: string, platform?: string): GrypeJson {
  const args = [target, '-o', 'json'];
  if (vex) args.push('--vex', vex);
  if (platform) args.push('--platform', platform);
  const result = spawnSync(path.join(bin, 'grype'), args, {
    encoding: 'utf8',
    timeout: 170_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir(), ...offlineGrype(db) },
  });
  expect([result.status, result.stderr.split('\n').filter((l) => /ERROR/.test(l))]).toEqual([0, []]);
  return JSON.parse(result.stdout) as GrypeJson;
}

const ids = (report: GrypeJson) => report.matches.map((m) => m.vulnerability.id).sort();

describe('openvex.json with the real grype', () => {
  it('is written by the scan bundle: one statement per rule that applied, about the index and both platforms', () => {
    expect(scanRun.exitCode).toBe(0);
    const file = path.join(workspace, 'scan', 'openvex.json');
    expect(scanRun.outputs.openvex).toBe(file);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.statements.map((s: { vulnerability: { name: string } }) => s.vulnerability.name)).toEqual([
      ADVISORIES.openssl.id,
      ADVISORIES.lodash.id,
    ]);
    expect(
      doc.statements[0].products.map((p: { hashes: Record<string, string> }) => p.hashes['sha-256']),
    ).toEqual(
      [image.indexDigest, ...image.images.map((i) => i.digest)].map((d) => d.slice('sha256:'.length)),
    );
  });

  it('makes grype leave out the covered findings on the platform digest, and keep the rest', () => {
    const arm64 = image.image('linux/arm64').reference;
    const without = grype(arm64);
    expect(ids(without)).toEqual(
      [ADVISORIES.openssl.id, ADVISORIES.lodash.id, ADVISORIES.zlib.id, ADVISORIES.minimist.id].sort(),
    );
    const withVex = grype(arm64, path.join(workspace, 'scan', 'openvex.json'));
    expect(ids(withVex)).toEqual([ADVISORIES.zlib.id, ADVISORIES.minimist.id].sort());
    expect(
      (withVex.ignoredMatches ?? [])
        .filter((m) => m.appliedIgnoreRules.some((r) => r.namespace === 'vex'))
        .map((m) => m.vulnerability.id)
        .sort(),
    ).toEqual([ADVISORIES.openssl.id, ADVISORIES.lodash.id].sort());
  }, 180_000);

  it('applies to the index a consumer pulls by tag, for the platform grype picks', () => {
    const withVex = grype(image.tagged, path.join(workspace, 'scan', 'openvex.json'), 'linux/arm64');
    expect(ids(withVex)).toEqual([ADVISORIES.zlib.id, ADVISORIES.minimist.id].sort());
  }, 180_000);

  it('does not apply to another image whose findings are the same', () => {
    const other = JSON.parse(readFileSync(path.join(workspace, 'scan', 'openvex.json'), 'utf8'));
    for (const statement of other.statements) {
      for (const product of statement.products) {
        product['@id'] = product['@id'].replace(/sha256%3A[0-9a-f]{64}/, `sha256%3A${'0'.repeat(64)}`);
        product.hashes['sha-256'] = '0'.repeat(64);
      }
    }
    const file = path.join(workspace, 'other.openvex.json');
    writeFileSync(file, JSON.stringify(other));
    expect(ids(grype(image.image('linux/arm64').reference, file))).toContain(ADVISORIES.openssl.id);
  }, 180_000);
});

import { describe, expect, it } from '@jest/globals';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseVex } from '@release-actions/vuln';
import { fakesBin, repoRoot, runBundle } from '../../harness/run-bundle.js';
import { runCli } from '../../harness/run-cli.js';
import { grypeFixtures } from '../../unit/vuln/expected.js';
import { digest, writePlatformsManifest } from '../../unit/vuln/fixtures.js';
import { inDays, SYFT_SPDX, withExpiry } from '../../unit/vuln/policy-files.js';

/**
 * openvex.json: the ignore rules that applied, as an OpenVEX document beside the reports, from the
 * scan action's bundle and from the built CLI, with the fake grype answering check-all-fields
 * (rule 1 matches Django's GHSA through its related CVE, rule 2 redis, rule 3 nothing).
 */
const CHECK_ALL = path.join(grypeFixtures, 'reports', 'check-all-fields.grype-0.28.0.json');
/** The manifest digest grype names in check-all-fields. */
const MANIFEST = 'sha256:9d8825ab20ac86b40eb71495bece1608a302fb180384740697a28c2b0a5a0fc6';
const EXPIRES = inDays(90);

interface Doc {
  author: string;
  '@id': string;
  statements: {
    vulnerability: { name: string; aliases?: string[] };
    products: { '@id': string; hashes: Record<string, string>; subcomponents: { '@id': string }[] }[];
    status: string;
    impact_statement: string;
    status_notes: string;
  }[];
}

function workspace(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scan-openvex-'));
  copyFileSync(SYFT_SPDX, path.join(dir, 'sbom.spdx.json'));
  mkdirSync(path.join(dir, 'policy'));
  const rules = readFileSync(
    path.join(repoRoot, 'test', 'fixtures', 'vuln', 'ignore', 'check-all-fields.yaml'),
    'utf8',
  );
  writeFileSync(path.join(dir, 'policy', 'ignore.yaml'), withExpiry(rules, EXPIRES));
  return dir;
}

async function scanAction(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const ws = workspace();
  return runBundle('scan', {
    workspace: ws,
    // check-all-fields keeps two critical findings no rule covers: the gate blocks, as a warning.
    inputs: { 'fail-build': 'false', ...inputs },
    path: [fakesBin],
    env: { FAKE_LOG: path.join(ws, 'fake.log'), FAKE_GRYPE_REPORT: CHECK_ALL, ...env },
  });
}

describe('scan action: openvex.json', () => {
  it('writes the rules that applied as not_affected statements about the image, and names the rule left out', async () => {
    const result = await scanAction({
      image: `docker.io/library/vulnerable-image@${MANIFEST}`,
      'ignore-file': 'policy/ignore.yaml',
      'output-dir': 'out',
    });
    expect(result.exitCode).toBe(0);
    const file = path.join(result.workspace, 'out', 'openvex.json');
    expect(result.outputs.openvex).toBe(file);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Doc;
    // The runner's repository, as the input's default says.
    expect(doc.author).toBe('aotanami/aotanami');
    expect(doc.statements.map((s) => [s.vulnerability, s.status, s.impact_statement])).toEqual([
      [
        { name: 'CVE-2021-44420', aliases: ['GHSA-v6rh-hp5x-86rv'] },
        'not_affected',
        'The app is served behind a proxy that normalises URL paths; no upstream fix is deployable this sprint.',
      ],
      [
        { name: 'CVE-2021-32626' },
        'not_affected',
        'Only the client library is present; the Lua scripting server is not.',
      ],
    ]);
    expect(doc.statements[0]!.status_notes).toBe(
      `Accepted until ${EXPIRES} (UTC) by ignore rule 1 of policy/ignore.yaml; the exception is reviewed by then.`,
    );
    expect(doc.statements[0]!.products).toEqual([
      {
        '@id': `pkg:oci/vulnerable-image@sha256%3A${MANIFEST.slice(7)}?repository_url=docker.io/library/vulnerable-image`,
        hashes: { 'sha-256': MANIFEST.slice(7) },
        subcomponents: [{ '@id': 'pkg:pypi/Django@3.2.9' }],
      },
    ]);
    expect(result.annotations.filter((a) => a.level === 'notice').map((a) => a.message)).toContain(
      `Ignore rule 3 (CVE-2000-0001) of ${path.join(result.workspace, 'policy', 'ignore.yaml')} is not in openvex.json: it matched no finding.`,
    );
    // What we publish, our own gate reads.
    expect(parseVex(doc, file).map((s) => s.vulnerabilities[0])).toEqual([
      'CVE-2021-44420',
      'CVE-2021-32626',
    ]);
  });

  it('takes vex-author, and writes the same document for the same rules, findings and time', async () => {
    const inputs = {
      image: `docker.io/library/vulnerable-image@${MANIFEST}`,
      'ignore-file': 'policy/ignore.yaml',
      'output-dir': 'out',
      'vex-author': 'Aotanami security <security@example.com>',
    };
    const first = await scanAction(inputs);
    const doc = JSON.parse(readFileSync(first.outputs.openvex!, 'utf8')) as Doc;
    expect(doc.author).toBe('Aotanami security <security@example.com>');
    expect(doc['@id']).toMatch(/^https:\/\/openvex\.dev\/docs\/public\/vex-[0-9a-f]{64}$/);
  });

  it('writes nothing and sets openvex empty for an SBOM source, or without ignore rules', async () => {
    const sbom = await scanAction({
      sbom: 'sbom.spdx.json',
      'ignore-file': 'policy/ignore.yaml',
      'output-dir': 'out',
    });
    expect(sbom.exitCode).toBe(0);
    expect(sbom.outputs.openvex).toBe('');
    expect(existsSync(path.join(sbom.workspace, 'out', 'openvex.json'))).toBe(false);
    const none = await scanAction({
      image: `docker.io/library/vulnerable-image@${MANIFEST}`,
      'output-dir': 'out',
    });
    expect(none.outputs.openvex).toBe('');
    expect(existsSync(path.join(none.workspace, 'out', 'openvex.json'))).toBe(false);
  });
});

describe('release-actions scan: openvex.json', () => {
  it("names the manifest's image and every platform digest with --sbom-manifest, into --output-dir", async () => {
    const dir = workspace();
    const manifest = writePlatformsManifest(dir);
    const run = await runCli(
      [
        'scan',
        '--sbom-manifest',
        manifest,
        '--ignore-file',
        'policy/ignore.yaml',
        '--output-dir',
        'out',
        '--format',
        'json',
      ],
      {
        cwd: dir,
        env: {
          PATH: `${fakesBin}${path.delimiter}${process.env.PATH ?? ''}`,
          FAKE_LOG: path.join(dir, 'fake.log'),
          FAKE_GRYPE_REPORTS: JSON.stringify({ 'linux-amd64': CHECK_ALL, 'linux-arm-v7': CHECK_ALL }),
          GITHUB_REPOSITORY: 'o/app',
        },
      },
    );
    // Blocked by the findings no rule covers; the document is written all the same.
    expect(run.stderr).toContain('release-actions: ❌ Vulnerability gate blocked');
    expect(run.code).toBe(1);
    const file = path.join(dir, 'out', 'openvex.json');
    expect(JSON.parse(run.stdout).openvex).toEqual({ file, statements: 2 });
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Doc;
    expect(doc.author).toBe('o/app');
    const hex = (d: string) => d.slice('sha256:'.length);
    for (const statement of doc.statements) {
      expect(statement.products.map((p) => p['@id'])).toEqual(
        [digest('0'), digest('a'), digest('b')].map(
          (d) => `pkg:oci/app@sha256%3A${hex(d)}?repository_url=ghcr.io/o/app`,
        ),
      );
    }
    // The text report names the file too.
    const text = await runCli(
      ['scan', '--sbom-manifest', manifest, '--ignore-file', 'policy/ignore.yaml', '--output-dir', 'out2'],
      {
        cwd: dir,
        env: {
          PATH: `${fakesBin}${path.delimiter}${process.env.PATH ?? ''}`,
          FAKE_GRYPE_REPORTS: JSON.stringify({ 'linux-amd64': CHECK_ALL, 'linux-arm-v7': CHECK_ALL }),
        },
      },
    );
    expect(text.stdout).toContain(
      'OpenVEX: out2/openvex.json (2 not_affected statements from the ignore rules)',
    );
    // Without GITHUB_REPOSITORY or --vex-author: the image's repository.
    expect(JSON.parse(readFileSync(path.join(dir, 'out2', 'openvex.json'), 'utf8')).author).toBe(
      'ghcr.io/o/app',
    );
  });
});

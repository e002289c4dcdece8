import { describe, expect, it } from '@jest/globals';
import { OperationalError, silentLogger } from '@release-actions/core';
import {
  checkTarget,
  grypeArgs,
  grypeError,
  parseGrypeVersion,
  parseReport,
  readReportChunks,
  readReport,
  runGrype,
  scan,
} from '@release-actions/vuln';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fakesBin } from '../../harness/run-bundle.js';
import { grypeFixtures } from './expected.js';
import { BUSYBOX, CHECK_ALL as CHECK_ALL_PATH, loadReport } from './fixtures.js';
import type { GrypeMatch } from '@release-actions/vuln';

describe('grype invocation', () => {
  it('one run: the source with its scheme, JSON always, SARIF and table when asked, never --fail-on', () => {
    expect(grypeArgs({ kind: 'image', value: 'ghcr.io/o/a@sha256:1' }, { json: '/t/g.json' })).toEqual([
      'ghcr.io/o/a@sha256:1',
      '-o',
      'json=/t/g.json',
    ]);
    expect(
      grypeArgs(
        { kind: 'sbom', value: '/w/sbom.json' },
        { json: '/t/g.json', sarif: '/t/g.sarif', table: true },
      ),
    ).toEqual(['sbom:/w/sbom.json', '-o', 'json=/t/g.json', '-o', 'sarif=/t/g.sarif', '-o', 'table']);
    expect(grypeArgs({ kind: 'path', value: '/w/app' }, { json: 'g.json' })[0]).toBe('dir:/w/app');
    // A file as its absolute path, as syft gets it: an archive is read as its image (grype's file:
    // would catalogue it as one plain file).
    expect(grypeArgs({ kind: 'file', value: '/w/image.tar' }, { json: 'g.json' })[0]).toBe('/w/image.tar');
  });

  it('reads the version and DB schema from `grype version`', () => {
    const doc = readFileSync(path.join(grypeFixtures, 'docs', 'grype-cli-reference.md'), 'utf8');
    expect(parseGrypeVersion(doc)).toEqual({ version: '0.91.2', dbSchema: '6' });
    expect(parseGrypeVersion('Application: grype\nVersion: 0.50.0\n')).toEqual({ version: '0.50.0' });
    expect(parseGrypeVersion('nothing here')).toBeUndefined();
  });

  it('checks that the report is about what was asked for', () => {
    const report = loadReport(BUSYBOX);
    expect(() => checkTarget(report, { kind: 'image', value: 'busybox:1.32.1' })).not.toThrow();
    expect(() => checkTarget(report, { kind: 'image', value: 'registry:busybox:1.32.1' })).not.toThrow();
    expect(() =>
      checkTarget(report, {
        kind: 'image',
        value:
          'index.docker.io/library/busybox@sha256:123b1fd3a44eaaf7322e08e9175d9ca57d49ebf2955d4fa1f5607e99dc31bcbb',
      }),
    ).not.toThrow();
    expect(() => checkTarget(report, { kind: 'image', value: 'busybox:1.36' })).toThrow(
      new OperationalError(
        'grype\'s report is about "busybox:1.32.1" (image), not the image asked for ("busybox:1.36"); refusing to judge it.',
      ),
    );
    expect(() => checkTarget(report, { kind: 'path', value: '/some/path' })).toThrow(OperationalError);
    const dirs = loadReport('golden/json/TestJsonDirsPresenter.golden');
    expect(() => checkTarget(dirs, { kind: 'path', value: '/some/path/' })).not.toThrow();
    expect(() => checkTarget(dirs, { kind: 'sbom', value: '/anything.json' })).not.toThrow();

    // A file: a single file's report names its path, an archive's names it as the image's user input.
    expect(() => checkTarget(dirs, { kind: 'file', value: '/some/path' })).not.toThrow();
    const archive = { ...report, source: { type: 'image', target: { userInput: '/w/image.tar' } } };
    expect(() => checkTarget(archive, { kind: 'file', value: '/w/image.tar' })).not.toThrow();
    expect(() => checkTarget(archive, { kind: 'file', value: '/w/other.tar' })).toThrow(
      new OperationalError(
        'grype\'s report is about "/w/image.tar" (image), not the file asked for ("/w/other.tar"); refusing to judge it. (grype reads an SBOM given as a file as that SBOM: give it as sbom:<file>.)',
      ),
    );
  });

  it("takes grype's ERROR block from its log, without colour codes, as the reason it failed", () => {
    // grype 0.120.1's stderr, captured from test/real/grype.test.ts's runs (an unreachable image,
    // then a missing database): the log colours the ERROR message even on a pipe.
    const unreachable = [
      "[0000] ERROR failed to catalog: errors occurred attempting to resolve '127.0.0.1:9/none/app:v1':",
      '  - docker: docker not available: failed to connect to Docker daemon. Ensure Docker is running and accessible',
      '  - oci-registry: failed to get image descriptor from registry: Get "https://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused',
      '  - additionally, the following providers failed with file does not exist: docker-archive, oci-archive, oci-dir, singularity, local-file, local-directory',
      '',
    ].join('\n');
    expect(grypeError(unreachable)).toBe(
      'failed to catalog: errors occurred attempting to resolve \'127.0.0.1:9/none/app:v1\': - docker: docker not available: failed to connect to Docker daemon. Ensure Docker is running and accessible - oci-registry: failed to get image descriptor from registry: Get "https://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused - additionally, the following providers failed with file does not exist: docker-archive, oci-archive, oci-dir, singularity, local-file, local-directory',
    );
    const noDb = [
      '[0000]  WARN no explicit name and version provided for directory source, deriving artifact ID from the given path (which is not ideal) from=syft',
      '[0009] ERROR \u001b[31mfailed to load vulnerability db: database does not exist\u001b[0m',
      '',
    ].join('\n');
    expect(grypeError(noDb)).toBe('failed to load vulnerability db: database does not exist');
    expect(grypeError('panic: something\n')).toBeUndefined();
    expect(grypeError(`[0001] ERROR ${'x'.repeat(2000)}`)).toHaveLength(1501);
  });

  it("a failed grype run is an error carrying grype's own reason", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'grype-'));
    const saved = { ...process.env };
    try {
      Object.assign(process.env, {
        FAKE_GRYPE_EXIT: '1',
        FAKE_GRYPE_STDERR:
          '[0000] ERROR \u001b[31mfailed to load vulnerability db: database does not exist\u001b[0m',
      });
      await expect(
        runGrype(
          { kind: 'image', value: 'a' },
          {
            command: path.join(fakesBin, 'grype'),
            outputs: { json: path.join(dir, 'g.json') },
            logger: silentLogger,
          },
        ),
      ).rejects.toThrow(
        new OperationalError(
          'grype exited with code 1: failed to load vulnerability db: database does not exist',
        ),
      );
      // Without grype's log format, the last lines of stderr, as for any tool.
      process.env.FAKE_GRYPE_STDERR = 'segmentation fault';
      await expect(
        runGrype(
          { kind: 'image', value: 'a' },
          {
            command: path.join(fakesBin, 'grype'),
            outputs: { json: path.join(dir, 'g.json') },
            logger: silentLogger,
          },
        ),
      ).rejects.toThrow(/grype exited with code 1: segmentation fault$/);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('a grype that is not there is an operational error', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'grype-'));
    await expect(
      runGrype(
        { kind: 'image', value: 'a' },
        {
          command: path.join(dir, 'grype'),
          outputs: { json: path.join(dir, 'g.json') },
          logger: silentLogger,
        },
      ),
    ).rejects.toThrow(OperationalError);
    await expect(
      scan({
        source: { kind: 'image', value: 'a' },
        outputDir: dir,
        command: path.join(dir, 'grype'),
        logger: silentLogger,
      }),
    ).rejects.toThrow('was not found on PATH');
  });

  it('runs the fake grype and reads its report (no GRYPE_DB_CACHE_DIR without a directory)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'grype-'));
    const log = path.join(dir, 'log');
    const saved = { ...process.env };
    try {
      Object.assign(process.env, {
        FAKE_LOG: log,
        FAKE_RECORD_ENV: 'GRYPE_DB_CACHE_DIR,GRYPE_CHECK_FOR_APP_UPDATE',
        FAKE_GRYPE_REPORT: path.join(grypeFixtures, BUSYBOX),
      });
      delete process.env.GRYPE_DB_CACHE_DIR;
      const outcome = await scan({
        source: { kind: 'image', value: 'busybox:1.32.1' },
        outputDir: dir,
        command: path.join(fakesBin, 'grype'),
        logger: silentLogger,
      });
      expect(outcome.report.matches).toHaveLength(15);
      expect(outcome.version).toEqual({ version: '0.91.2', dbSchema: '6' });
      expect(outcome.cache.hit).toBe('skipped');
      const calls = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { argv: string[]; env: object });
      expect(calls[1]).toMatchObject({
        argv: ['busybox:1.32.1', '-o', `json=${path.join(dir, 'grype.json')}`],
        env: { GRYPE_CHECK_FOR_APP_UPDATE: 'false' },
      });
      expect(calls[1]!.env).not.toHaveProperty('GRYPE_DB_CACHE_DIR');
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});

describe('report parsing fails closed, naming the file', () => {
  it.each([
    ['', 'grype report r.json is empty.'],
    ['  \n', 'grype report r.json is empty.'],
    ['{"matches": [', 'grype report r.json is not JSON: '],
    ['[]', 'grype report r.json is not a grype JSON report (expected an object).'],
    [
      '{"bomFormat":"CycloneDX"}',
      'grype report r.json is not a grype JSON report (no "matches" list); was it written with -o json?',
    ],
    [
      '{"matches":[{"vulnerability":{"id":"CVE-1"}}]}',
      'grype report r.json: match 1 lacks vulnerability.id or artifact.name/version.',
    ],
    [
      '{"matches":[{"vulnerability":{"id":"CVE-1"},"artifact":{"name":"a","version":"1"}}, 7]}',
      'grype report r.json: match 2 lacks vulnerability.id or artifact.name/version.',
    ],
    [
      '{"matches":[{"vulnerability":{"id":"CVE-1"},"artifact":{"name":"a","version":"1"}}',
      'grype report r.json is not JSON: the document ends too early (truncated?).',
    ],
    [
      '{"matches":[{"vulnerability":{"id":"CVE-1"},"artifact":{"name":"a","version":"1",}}]}',
      'grype report r.json is not JSON: match 1: ',
    ],
    ['{"matches":[] "source": {}}', 'grype report r.json is not JSON: '],
    ['{"matches":[}', 'grype report r.json is not JSON: unexpected "}" in the document.'],
    ['panic: runtime error', 'grype report r.json is not JSON: '],
  ])('%j', async (text, message) => {
    await expect(parseReport(text, 'r.json')).rejects.toThrow(OperationalError);
    await expect(parseReport(text, 'r.json')).rejects.toThrow(message);
  });

  it('reads a file; a missing one is an operational error', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'report-'));
    const file = path.join(dir, 'g.json');
    writeFileSync(file, '{"matches":[]}');
    expect((await readReport(file)).matches).toEqual([]);
    await expect(readReport(path.join(dir, 'none.json'))).rejects.toThrow(
      `cannot read grype report ${path.join(dir, 'none.json')}: it does not exist`,
    );
  });
});

describe('report reading in chunks', () => {
  it('gives every fixture the same matches (id, severity, package, fix) as a whole-document parse', async () => {
    const { grypeJsonReports } = await import('./expected.js');
    for (const file of grypeJsonReports()) {
      const whole = JSON.parse(readFileSync(file, 'utf8')) as {
        matches: GrypeMatch[];
        source: unknown;
        descriptor: unknown;
      };
      const streamed = await readReport(file);
      expect(streamed.source).toEqual(whole.source);
      expect(streamed.descriptor).toEqual(whole.descriptor);
      const brief = (m: GrypeMatch) => [
        m.vulnerability.id,
        m.vulnerability.severity,
        m.vulnerability.fix?.state ?? '',
        m.artifact.name,
        m.artifact.version,
        m.artifact.purl ?? '',
        (m.relatedVulnerabilities ?? []).map((r) => r.id).join(','),
      ];
      expect(streamed.matches.map(brief)).toEqual(whole.matches.map(brief));
    }
  });

  it('is not confused by chunk boundaries inside strings, escapes or matches', async () => {
    const text = readFileSync(path.join(grypeFixtures, CHECK_ALL_PATH), 'utf8')
      // Escaped quotes and backslashes in a value, to cross a boundary too.
      .replace('"Django"', '"Dj\\\\ango \\"quoted\\" \\u00e9\\\\"');
    const bytes = Buffer.from(text);
    const expected = await readReportChunks([bytes], 'whole');
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      const pieces: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
      const report = await readReportChunks(pieces, `size ${size}`);
      expect(report).toEqual(expected);
    }
    expect(expected.matches.map((m) => m.artifact.name)).toContain('Dj\\ango "quoted" é\\');
  });
});

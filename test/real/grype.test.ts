import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { grypeError, parseGrypeVersion, readReport } from '@release-actions/vuln';
import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { errors, runBundle } from '../harness/run-bundle.js';
import { sarifErrors } from '../unit/vuln/sarif-validator.js';
import { ADVISORIES, makeGrypeDb, offlineGrype, type GrypeDb } from './harness/grype-db.js';
import { dpkgStatus, OS_RELEASE } from './harness/image.js';
import { requireRealTools } from './harness/tools.js';

/**
 * What test/fakes/bin/grype claims about grype, checked against the real grype (built at the
 * manifest's version) on the tiny database of test/real/programs/grype-db: the arguments we pass,
 * what it writes, its exit codes and the error text our messages carry.
 */

let bin: string;
let db: GrypeDb;
/** A root file system like the arm64 image's: Debian 12's os-release and dpkg database, an npm app. */
let root: string;
const timings: Record<string, number> = {};

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
}

function rootFs(dir: string): void {
  const lock = {
    name: 'app',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { dependencies: { lodash: '^4.17.20', minimist: '^1.2.8' } },
      'node_modules/lodash': {
        version: '4.17.20',
        resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz',
        integrity:
          'sha512-PlhdFcillOINfeV7Ni6oF1TAEayyZBoZ8bcshTHqOYJYlrqzRK5hagpagky5o4HfCzzd1TRkXPMFq6cKk9rGmA==',
        license: 'MIT',
      },
      'node_modules/minimist': {
        version: '1.2.8',
        resolved: 'https://registry.npmjs.org/minimist/-/minimist-1.2.8.tgz',
        integrity:
          'sha512-2yyAR8qBkN3YuheJanUpWC5U3bb5osDywNB8RzDVlDwDHbocAJveqqj1u8+SVD7jkWT4yvsHCpWqqWqAxb0zCA==',
        license: 'MIT',
      },
    },
  };
  writeTree(dir, {
    'etc/os-release': OS_RELEASE,
    'var/lib/dpkg/status': dpkgStatus('linux/arm64'),
    'app/package.json': JSON.stringify({ private: true, dependencies: lock.packages[''].dependencies }),
    'app/package-lock.json': JSON.stringify(lock, null, 2),
  });
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function grype(args: string[], env: Record<string, string>): Run {
  const started = Date.now();
  const result = spawnSync(path.join(bin, 'grype'), args, {
    encoding: 'utf8',
    timeout: 170_000,
    // A clean environment: only what a runner would give and what the test sets.
    env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir(), ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

beforeAll(() => {
  bin = requireRealTools('grype', 'grype-db');
  db = makeGrypeDb(bin);
  root = mkdtempSync(path.join(os.tmpdir(), 'grype-root-'));
  rootFs(root);
}, 180_000);

afterAll(() => {
  process.stdout.write(`real grype timings (ms): ${JSON.stringify(timings)}\n`);
});

describe('grype version', () => {
  it('prints the version and the DB schema our version parser and the DB cache key read', () => {
    const run = grype(['version'], { GRYPE_CHECK_FOR_APP_UPDATE: 'false' });
    expect(run.status).toBe(0);
    expect(parseGrypeVersion(run.stdout)).toEqual({ version: '0.120.1', dbSchema: '6' });
  });
});

describe('grype <source> -o json=FILE -o table: one run, every output', () => {
  it('exits 0 with a critical finding (no --fail-on), writes the JSON report and the SARIF, the table to stdout', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'grype-out-'));
    const json = path.join(out, 'grype.json');
    const sarif = path.join(out, 'grype.sarif');
    const run = grype(
      [`dir:${root}`, '-o', `json=${json}`, '-o', `sarif=${sarif}`, '-o', 'table'],
      offlineGrype(db),
    );
    timings['grype dir: (arm64 root)'] = run.ms;
    expect(run.stderr).not.toMatch(/ERROR/);
    expect(run.status).toBe(0);
    // The table, as the fake draws it: one header row, a row per match, "(won't fix)" for wont-fix.
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]!.split(/\s{2,}/).slice(0, 6)).toEqual([
      'NAME',
      'INSTALLED',
      'FIXED IN',
      'TYPE',
      'VULNERABILITY',
      'SEVERITY',
    ]);
    expect(lines).toHaveLength(5);
    expect(run.stdout).toMatch(/zlib1g\s+1:1\.2\.13\.dfsg-1\s+\(won't fix\)\s+deb\s+CVE-2099-0003\s+High/);
    expect(run.stdout).toMatch(/libssl3\s+3\.0\.9-1\s+3\.0\.11-1~deb12u1\s+deb\s+CVE-2099-0001\s+Critical/);
    // grype's own SARIF is valid SARIF 2.1.0 too (we write our own; the fake copies grype's golden).
    expect(sarifErrors(JSON.parse(readFileSync(sarif, 'utf8')))).toEqual([]);
    expect(statSync(json).size).toBeGreaterThan(0);
  });

  it('writes the report shape our model reads: id, severity, fix state and versions, artifact and purl, source, descriptor', async () => {
    const json = path.join(mkdtempSync(path.join(os.tmpdir(), 'grype-out-')), 'grype.json');
    expect(grype([`dir:${root}`, '-o', `json=${json}`], offlineGrype(db)).status).toBe(0);
    const report = await readReport(json);
    const brief = report.matches
      .map((m) => ({
        id: m.vulnerability.id,
        severity: m.vulnerability.severity,
        fix: { state: m.vulnerability.fix?.state, versions: m.vulnerability.fix?.versions },
        name: m.artifact.name,
        version: m.artifact.version,
        type: m.artifact.type,
        purl: m.artifact.purl,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(brief).toEqual([
      {
        id: ADVISORIES.openssl.id,
        severity: 'Critical',
        fix: { state: 'fixed', versions: [ADVISORIES.openssl.fixed] },
        name: 'libssl3',
        version: '3.0.9-1',
        type: 'deb',
        purl: expect.stringMatching(/^pkg:deb\/debian\/libssl3@3\.0\.9-1\?/),
      },
      {
        id: ADVISORIES.zlib.id,
        severity: 'High',
        fix: { state: 'wont-fix', versions: [] },
        name: 'zlib1g',
        version: '1:1.2.13.dfsg-1',
        type: 'deb',
        purl: expect.stringMatching(/^pkg:deb\/debian\/zlib1g@1%3A1\.2\.13\.dfsg-1\?/),
      },
      {
        id: ADVISORIES.minimist.id,
        severity: 'Low',
        fix: { state: 'fixed', versions: [ADVISORIES.minimist.fixed] },
        name: 'minimist',
        version: '1.2.8',
        type: 'npm',
        purl: 'pkg:npm/minimist@1.2.8',
      },
      {
        id: ADVISORIES.lodash.id,
        severity: 'High',
        fix: { state: 'fixed', versions: [ADVISORIES.lodash.fixed] },
        name: 'lodash',
        version: '4.17.20',
        type: 'npm',
        purl: 'pkg:npm/lodash@4.17.20',
      },
    ]);
    expect(report.source?.type).toBe('directory');
    expect(report.source?.target).toBe(root);
    expect(report.descriptor?.name).toBe('grype');
    expect(report.descriptor?.version).toBe('0.120.1');
  });

  it('with --fail-on it exits 2 on a finding at or above the severity (why our gate never passes it)', () => {
    const json = path.join(mkdtempSync(path.join(os.tmpdir(), 'grype-out-')), 'grype.json');
    const run = grype([`dir:${root}`, '-o', `json=${json}`, '--fail-on', 'high'], offlineGrype(db));
    expect(run.status).toBe(2);
    expect(grypeError(run.stderr)).toBe('discovered vulnerabilities at or above the severity threshold');
    // The report is written all the same.
    expect(JSON.parse(readFileSync(json, 'utf8')).matches).toHaveLength(4);
    expect(grype([`dir:${root}`, '-o', 'json', '--fail-on', 'critical'], offlineGrype(db)).status).toBe(2);
  });
});

describe("grype's database", () => {
  it('with updates off and no database it fails with exit 1 and says so', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'grype-nodb-'));
    const run = grype([`dir:${root}`, '-o', 'json'], { ...offlineGrype(db), GRYPE_DB_CACHE_DIR: empty });
    expect(run.status).toBe(1);
    expect(grypeError(run.stderr)).toBe('failed to load vulnerability db: database does not exist');
    expect(run.stdout).toBe('');
  });

  it('refuses a database older than five days unless the age check is off', () => {
    const old = makeGrypeDb(bin, { built: new Date(Date.now() - 10 * 86_400_000) });
    const stale = grype([`dir:${root}`, '-o', 'json'], offlineGrype(old));
    expect(stale.status).toBe(1);
    expect(grypeError(stale.stderr)).toMatch(
      /^failed to load vulnerability db: the vulnerability database was built .+ ago \(max allowed age is 5 days\)$/,
    );
    const allowed = grype([`dir:${root}`, '-o', 'json'], {
      ...offlineGrype(old),
      GRYPE_DB_VALIDATE_AGE: 'false',
    });
    expect(allowed.status).toBe(0);
  });
});

describe('the scan bundle with the real grype', () => {
  it("scans a directory with dir: and judges grype's report about that very directory", async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'grype-ws-'));
    rootFs(path.join(workspace, 'rootfs'));
    const result = await runBundle('scan', {
      path: [bin],
      workspace,
      inputs: { path: 'rootfs', 'severity-cutoff': 'critical' },
      env: offlineGrype(db),
    });
    timings['scan bundle: path'] = result.durationMs;
    expect(errors(result)).toEqual([expect.stringContaining('1 finding at or above critical')]);
    expect(result.outputs.verdict).toBe('fail');
    expect(result.outputs.critical).toBe('1');
    expect(result.outputs.category).toBe('grype/dir/rootfs');
  });

  it('fails with the reason when grype cannot load the image (exit 1, its own error text), even with fail-build false', async () => {
    const result = await runBundle('scan', {
      path: [bin],
      inputs: { image: `127.0.0.1:9/none/app@sha256:${'0'.repeat(64)}`, 'fail-build': 'false' },
      env: offlineGrype(db),
    });
    timings['scan bundle: unreachable image'] = result.durationMs;
    expect(result.exitCode).toBe(1);
    const lines = errors(result);
    expect(lines).toHaveLength(1);
    // grype's own ERROR block (not its log's last lines): what failed, then each provider it tried.
    expect(lines[0]).toMatch(
      /^grype exited with code 1: failed to catalog: errors occurred attempting to resolve '127\.0\.0\.1:9\/none\/app@sha256:0{64}': - /,
    );
    expect(lines[0]).toContain('oci-registry: failed to get image descriptor from registry');
    expect(lines[0]).not.toContain('\u001b');
    expect(result.outputs.verdict).toBeUndefined();
  });
});

describe("grype's database download, as the scan action leaves it on (updates on, RUNNER_TEMP/grype-db)", () => {
  let server: Server;
  let url: string;
  let listing: GrypeDb;
  const requests: string[] = [];

  beforeAll(async () => {
    listing = makeGrypeDb(bin, { listing: true });
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const file = path.join(
        listing.listing!,
        decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname),
      );
      if (!file.startsWith(listing.listing!) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-length': statSync(file).size });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it('downloads the database into <dir>/6/ (vulnerability.db, import.json) and scans with it', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'grype-ws-'));
    rootFs(path.join(workspace, 'rootfs'));
    const result = await runBundle('scan', {
      path: [bin],
      workspace,
      inputs: { path: 'rootfs', 'severity-cutoff': 'critical', 'fail-build': 'false' },
      env: { GRYPE_DB_UPDATE_URL: url },
    });
    timings['scan bundle: path, database downloaded'] = result.durationMs;
    expect(errors(result)).toEqual([]);
    expect(result.outputs.verdict).toBe('fail');
    expect(requests[0]).toBe('/v6/latest.json');
    expect(requests.some((r) => /\/v6\/vulnerability-db_v6\.\d+\.\d+_.*\.tar\.gz/.test(r))).toBe(true);
    const dir = path.join(result.runnerTemp, 'grype-db', '6');
    expect(existsSync(path.join(dir, 'vulnerability.db'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'import.json'), 'utf8')).digest).toMatch(/^xxh64:/);
  });
});

import { beforeEach, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { registerScan } from '../../../packages/cli/src/commands/scan.js';
import { repoRoot } from '../../harness/run-bundle.js';
import { captureCli, readCalls, useFakeTools } from '../../harness/run-cli.js';
import { expectedFrom, grypeFixtures, grypeJsonReports } from '../../unit/vuln/expected.js';
import { digest, writePlatformsManifest } from '../../unit/vuln/fixtures.js';
import { emptySpdx, inDays, SYFT_SPDX, withExpiry } from '../../unit/vuln/policy-files.js';
import { rulesWithoutSecuritySeverity, sarifErrors } from '../../unit/vuln/sarif-validator.js';

/** `release-actions scan`, parsed by the real program; grype is the fake one on PATH. */

const vulnFixtures = path.join(repoRoot, 'test', 'fixtures', 'vuln');
const CHECK_ALL = path.join(grypeFixtures, 'reports', 'check-all-fields.grype-0.28.0.json');
const BUSYBOX = path.join(grypeFixtures, 'reports', 'busybox-binary.grype-0.94.0.json');
const EMPTY = path.join(grypeFixtures, 'golden', 'json', 'TestEmptyJsonPresenter.golden');

const { stdout, stderr, run } = captureCli([registerScan], ['scan']);
let dir: string;
let log: string;

beforeEach(() => {
  ({ dir, log } = useFakeTools('scan-cli-'));
  process.chdir(dir);
});

async function cli(...args: string[]): Promise<{ code: number; out: string; errLines: string[] }> {
  const code = await run(...args);
  const errLines = stderr
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('release-actions: '));
  return { code, out: stdout.join(''), errLines };
}

describe('scan --report on every grype JSON report of the fixtures', () => {
  for (const file of grypeJsonReports()) {
    const expected = expectedFrom(file);
    it(`${path.basename(file)}: ${expected.verdict}, counts as in the file`, async () => {
      const sarifFile = path.join(dir, 'out.sarif');
      const { code, out, errLines } = await cli('--report', file, '--format', 'json', '--sarif', sarifFile);
      // A blocked gate is the command's one error line, after the report on stdout.
      expect(errLines).toEqual(
        expected.verdict === 'pass'
          ? []
          : [expect.stringMatching(/^release-actions: ❌ Vulnerability gate blocked for .*at or above high/)],
      );
      expect(code).toBe(expected.verdict === 'pass' ? 0 : 1);
      const result = JSON.parse(out) as { verdict: string; counts: { before: unknown; after: unknown } };
      expect(result.verdict).toBe(expected.verdict);
      expect(result.counts.before).toEqual(expected.counts);
      expect(result.counts.after).toEqual(expected.counts);

      const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as Parameters<
        typeof rulesWithoutSecuritySeverity
      >[0] & {
        runs: { results: unknown[] }[];
      };
      expect(sarifErrors(sarif)).toEqual([]);
      expect(rulesWithoutSecuritySeverity(sarif)).toEqual([]);
      expect(sarif.runs[0]!.results).toHaveLength(expected.matches);
    });
  }

  it('text output starts with the verdict and shows the counts', async () => {
    const { code, out } = await cli('--report', CHECK_ALL);
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      '❌ Vulnerability gate blocked for vulnerable-image:latest: 5 findings at or above high (2 critical, 3 high)',
    );
    expect(lines).toContain('critical           2       2');
    expect(lines).toContain('negligible         1       1');
  });

  it('applies --severity-cutoff, --only-fixed, --ignore-file and --vex like the action', async () => {
    const critical = await cli('--report', BUSYBOX, '--severity-cutoff', 'Critical', '--format', 'json');
    expect(critical.code).toBe(1);
    expect(JSON.parse(critical.out).blocking).toBe(1);

    stdout.length = 0;
    const fixed = await cli('--report', BUSYBOX, '--only-fixed', '--format', 'json');
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.out).counts.after.medium).toBe(1);

    stdout.length = 0;
    process.exitCode = undefined;
    const rules = path.join(dir, 'rules.yaml');
    const fixture = readFileSync(path.join(vulnFixtures, 'ignore', 'check-all-fields.yaml'), 'utf8');
    writeFileSync(rules, withExpiry(fixture, inDays(90)));
    const policy = await cli(
      '--report',
      CHECK_ALL,
      '--ignore-file',
      rules,
      '--vex',
      path.join(vulnFixtures, 'vex', 'check-all-fields.openvex.json'),
      '--format',
      'json',
    );
    expect(policy.code).toBe(0);
    const result = JSON.parse(policy.out) as { suppressed: { id: string; package: string; by: string }[] };
    expect(result.suppressed.map((s) => `${s.by}:${s.id}:${s.package}`).sort()).toEqual([
      'ignore:CVE-2021-32626:redis',
      'ignore:GHSA-v6rh-hp5x-86rv:Django',
      'ignore:GHSA-v6rh-hp5x-86rv:Django',
      'vex:CVE-2021-33574:libc-bin',
      'vex:CVE-2021-33574:libc6',
    ]);
  });
});

describe('scan <source> runs grype once', () => {
  it('an image: argv without --fail-on, verdict from the report', async () => {
    process.env.FAKE_GRYPE_REPORT = BUSYBOX;
    const { code, out } = await cli('busybox:1.32.1', '--output-dir', dir, '--format', 'json');
    expect(code).toBe(1);
    expect(readCalls(log).map((c) => c.argv)).toEqual([
      ['version'],
      ['version'],
      ['busybox:1.32.1', '-o', `json=${path.join(dir, 'grype.json')}`],
    ]);
    expect(JSON.parse(out).report).toBe(path.join(dir, 'grype.json'));
  });

  it('an SBOM file: sbom:<file>', async () => {
    process.env.FAKE_GRYPE_REPORT = EMPTY;
    const sbom = path.join(dir, 'app.spdx.json');
    copyFileSync(SYFT_SPDX, sbom);
    const { code } = await cli('sbom:app.spdx.json', '--output-dir', dir);
    expect(code).toBe(0);
    expect(readCalls(log).at(-1)?.argv[0]).toBe(`sbom:${sbom}`);
  });

  it('image:<reference>, dir:<path> and file:<path>, each with the scheme grype needs', async () => {
    const write = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    process.env.FAKE_GRYPE_REPORT = BUSYBOX;
    mkdirSync(path.join(dir, 'app'));
    writeFileSync(path.join(dir, 'image.tar'), 'tar');
    const image = await cli('image:busybox:1.32.1', '--output-dir', dir);
    expect(image.code).toBe(1);
    const golden = JSON.parse(
      readFileSync(path.join(grypeFixtures, 'golden', 'json', 'TestJsonDirsPresenter.golden'), 'utf8'),
    ) as { source: { target: string } };
    golden.source.target = path.join(dir, 'app');
    process.env.FAKE_GRYPE_REPORT = write('dir-report.json', JSON.stringify(golden));
    const directory = await cli('dir:app', '--output-dir', dir);
    expect(directory.errLines.at(-1)).toContain(`Vulnerability gate blocked for ${path.join(dir, 'app')}:`);
    const report = JSON.parse(readFileSync(BUSYBOX, 'utf8')) as { source: { target: { userInput: string } } };
    report.source.target.userInput = path.join(dir, 'image.tar');
    process.env.FAKE_GRYPE_REPORT = write('file-report.json', JSON.stringify(report));
    const file = await cli('file:image.tar', '--output-dir', dir);
    expect(file.code).toBe(1);
    expect(
      readCalls(log)
        .map((c) => c.argv[0])
        .filter((a) => a !== 'version'),
    ).toEqual(['busybox:1.32.1', `dir:${path.join(dir, 'app')}`, path.join(dir, 'image.tar')]);
  });

  it('a bare value that is also a file here is the image, with a warning', async () => {
    process.env.FAKE_GRYPE_REPORT = BUSYBOX;
    copyFileSync(SYFT_SPDX, path.join(dir, 'app.spdx.json'));
    await cli('app.spdx.json', '--output-dir', dir);
    expect(readCalls(log).at(-1)?.argv[0]).toBe('app.spdx.json');
    expect(stderr.join('')).toContain(
      'warning: source "app.spdx.json" is read as the image app.spdx.json; a file of that name is here too: write file:app.spdx.json to use it, or image:app.spdx.json to say you mean the image.',
    );
  });

  it('an SBOM that lists 0 packages: exit 1 with the reason', async () => {
    process.env.FAKE_GRYPE_REPORT = EMPTY;
    writeFileSync(path.join(dir, 'empty.spdx.json'), emptySpdx());
    const { code, out, errLines } = await cli('sbom:empty.spdx.json', '--output-dir', dir);
    const line =
      '❌ Vulnerability gate blocked for unknown: the SBOM lists 0 packages: nothing was scanned; an empty catalogue is not a pass';
    expect(errLines).toEqual([`release-actions: ${line}`]);
    expect(code).toBe(1);
    expect(out.split('\n')[0]).toBe(line);
  });
});

describe('scan: bad inputs give one clear line and the right exit code', () => {
  const cases: [string, () => string[], number, string | (() => string)][] = [
    [
      'unknown severity',
      () => ['--report', BUSYBOX, '--severity-cutoff', 'severe'],
      2,
      '--severity-cutoff: "severe" is not a severity; use one of negligible, low, medium, high, critical.',
    ],
    [
      'two sources',
      () => ['busybox:1.32.1', '--report', BUSYBOX],
      2,
      `Give one source: "busybox:1.32.1" and --report ${BUSYBOX} are both set.`,
    ],
    [
      'no source',
      () => [],
      2,
      'Give what to scan as <source> (image:<reference>, sbom:<file>, dir:<path>, file:<path> or a bare image reference) or --report <grype.json>.',
    ],
    [
      'a missing SBOM',
      () => ['sbom:missing.json'],
      2,
      () => `<source>: "sbom:missing.json": ${path.join(dir, 'missing.json')} does not exist.`,
    ],
    ['a file as a directory', () => ['dir:' + write('f.json', '{}')], 2, 'is not a directory.'],
    [
      'a bare path that is no reference',
      () => ['./' + path.basename(write('f.json', '{}'))],
      2,
      '<source>: "./f.json" is a file here, not an image reference; write file:./f.json to use it (a bare value is always an image).',
    ],
    [
      'a malformed reference',
      () => ['busybox@sha256:abc'],
      2,
      '<source>: invalid image reference "busybox@sha256:abc": ',
    ],
    [
      'a scheme of grype',
      () => ['registry:busybox'],
      2,
      '<source>: "registry:busybox": registry: is syft\'s and grype\'s own scheme; write image:<reference>',
    ],
    [
      'a non-JSON report',
      () => ['--report', write('garbage.json', 'panic: nil pointer\n')],
      2,
      'garbage.json is not JSON: ',
    ],
    ['an empty report', () => ['--report', write('empty.json', '')], 2, 'empty.json is empty.'],
    [
      'a JSON file that is not a grype report',
      () => ['--report', write('sbom.json', '{"spdxVersion":"SPDX-2.3"}')],
      2,
      'is not a grype JSON report (no "matches" list); was it written with -o json?',
    ],
    [
      'an unreadable report path',
      () => ['--report', path.join(dir, 'missing.json')],
      2,
      () =>
        `--report: "${path.join(dir, 'missing.json')}" does not exist; give a grype JSON report: a regular file of at most 512 MiB.`,
    ],
    [
      'a directory as report',
      () => ['--report', dir],
      2,
      () => `--report: "${dir}" is a directory; give a grype JSON report: a regular file of at most 512 MiB.`,
    ],
    [
      'an ignore rule without reason',
      () => ['--report', CHECK_ALL, '--ignore-file', path.join(vulnFixtures, 'ignore', 'no-reason.yaml')],
      2,
      'no-reason.yaml, rule 2 (CVE-2021-32626): "reason" is required; say why the finding is accepted.',
    ],
    [
      'an unreadable ignore file',
      () => ['--report', CHECK_ALL, '--ignore-file', 'nope.yaml'],
      2,
      () =>
        `--ignore-file: "${path.join(dir, 'nope.yaml')}" does not exist; give a YAML file of ignore rules: a regular file of at most 4 MiB.`,
    ],
    [
      'an unknown --format',
      () => ['--report', CHECK_ALL, '--format', 'xml'],
      2,
      '--format: "xml" is not accepted; use text, json or sarif.',
    ],
  ];
  function write(name: string, text: string): string {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  }
  it.each(cases)('%s', async (_name, args, exitCode, message) => {
    const { code, errLines, out } = await cli(...args());
    expect(code).toBe(exitCode);
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toContain(typeof message === 'function' ? message() : message);
    expect(out).toBe('');
  });

  it('an ignore rule beyond the cap: exit 2 naming the rule and --max-ignore-days; the flag moves the cap', async () => {
    const rules = path.join(dir, 'rules.yaml');
    const fixture = readFileSync(path.join(vulnFixtures, 'ignore', 'check-all-fields.yaml'), 'utf8');
    writeFileSync(rules, withExpiry(fixture, inDays(400)));
    const capped = await cli('--report', EMPTY, '--ignore-file', rules);
    expect(capped.code).toBe(2);
    expect(capped.errLines).toEqual([
      `release-actions: --max-ignore-days: Ignore rule 1 (CVE-2021-44420 in Django) of ${rules} expires on ${inDays(400)}, more than 365 days from today (${inDays(0)}); the latest accepted expiry is ${inDays(365)}. Set an earlier date and review the exception then, or raise this cap (at most 3650).`,
    ]);
    expect(capped.out).toBe('');

    stderr.length = 0;
    const raised = await cli('--report', EMPTY, '--ignore-file', rules, '--max-ignore-days', '400');
    expect(raised.errLines).toEqual([]);
    expect(raised.code).toBe(0);

    stderr.length = 0;
    stdout.length = 0;
    const bad = await cli('--report', EMPTY, '--max-ignore-days', 'forever');
    expect(bad.code).toBe(2);
    expect(bad.errLines).toEqual([
      'release-actions: --max-ignore-days: "forever" is not accepted; give a whole number of days between 1 and 3650.',
    ]);
  });

  it('a report of 0 matches passes with exit 0', async () => {
    const { code, out, errLines } = await cli('--report', EMPTY);
    expect(errLines).toEqual([]);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe('✅ Vulnerability gate passed for unknown');
  });

  it('an ignore rule past its date blocks with exit 1 and names the rule', async () => {
    const rules = path.join(dir, 'expired.yaml');
    copyFileSync(path.join(vulnFixtures, 'ignore', 'expired.yaml'), rules);
    const { code, out, errLines } = await cli('--report', EMPTY, '--ignore-file', rules);
    const line = `❌ Vulnerability gate blocked for unknown: ignore rule 1 (CVE-2021-32626 in redis) of ${rules} expired on 2024-01-31`;
    expect(errLines).toEqual([`release-actions: ${line}`]);
    expect(code).toBe(1);
    expect(out.split('\n')[0]).toBe(line);
  });
});

describe('scan --sbom-manifest', () => {
  const D = digest;
  const manifest = () => writePlatformsManifest(dir);

  it('judges each platform, exits 1 when one blocks, and writes a SARIF file per platform', async () => {
    process.env.FAKE_GRYPE_REPORTS = JSON.stringify({ 'linux-amd64': EMPTY, 'linux-arm-v7': CHECK_ALL });
    try {
      const sarifDir = path.join(dir, 'sarif');
      const { code, out, errLines } = await cli(
        '--sbom-manifest',
        manifest(),
        '--format',
        'json',
        '--sarif',
        sarifDir,
        '--category',
        'grype/app',
      );
      expect(errLines).toEqual([expect.stringContaining('1 of 2 platforms block (linux/arm/v7)')]);
      expect(code).toBe(1);
      const result = JSON.parse(out);
      expect(result.verdict).toBe('fail');
      expect(
        result.platforms.map((p: { platform: string; verdict: string }) => [p.platform, p.verdict]),
      ).toEqual([
        ['linux/amd64', 'pass'],
        ['linux/arm/v7', 'fail'],
      ]);
      const ids = ['linux-amd64', 'linux-arm-v7'].map(
        (slug) =>
          JSON.parse(readFileSync(path.join(sarifDir, `grype-${slug}.sarif`), 'utf8')).runs[0]
            .automationDetails.id,
      );
      expect(ids).toEqual(['grype/app/linux-amd64/', 'grype/app/linux-arm-v7/']);
    } finally {
      delete process.env.FAKE_GRYPE_REPORTS;
    }
  });

  it('exits 2 without running grype when an SBOM describes another digest', async () => {
    const file = manifest();
    copyFileSync(
      path.join(dir, 'sbom-cyclonedx-linux-amd64.json'),
      path.join(dir, 'sbom-cyclonedx-linux-arm-v7.json'),
    );
    const { code, errLines } = await cli('--sbom-manifest', file);
    expect(code).toBe(2);
    expect(errLines).toEqual([
      `release-actions: --sbom-manifest: sbom-cyclonedx-linux-arm-v7.json (linux/arm/v7) describes ${D('a')} (user-image-input), not ${D('b')}; an SBOM is only gated or attested on the digest it describes.`,
    ]);
    expect(readCalls(log).filter((c) => c.argv[0] !== 'version')).toEqual([]);
  });

  it('caps ignore-rule expiries on this path too, before grype runs', async () => {
    const rules = path.join(dir, 'rules.yaml');
    const fixture = readFileSync(path.join(vulnFixtures, 'ignore', 'check-all-fields.yaml'), 'utf8');
    writeFileSync(rules, withExpiry(fixture, inDays(400)));
    const { code, errLines } = await cli('--sbom-manifest', manifest(), '--ignore-file', rules);
    expect(code).toBe(2);
    expect(errLines).toEqual([
      expect.stringMatching(
        /^release-actions: --max-ignore-days: Ignore rule 1 .* raise this cap \(at most 3650\)\.$/,
      ),
    ]);
    expect(readCalls(log).filter((c) => c.argv[0] !== 'version')).toEqual([]);
  });

  it('fails the platform whose SBOM lists no package, even when grype finds nothing; --allow-empty-sbom lets it pass', async () => {
    const file = manifest();
    const arm = path.join(dir, 'sbom-cyclonedx-linux-arm-v7.json');
    const emptied = JSON.parse(readFileSync(arm, 'utf8'));
    emptied.components = [];
    writeFileSync(arm, JSON.stringify(emptied));
    process.env.FAKE_GRYPE_REPORTS = JSON.stringify({ 'linux-amd64': EMPTY, 'linux-arm-v7': EMPTY });
    try {
      const blocked = await cli('--sbom-manifest', file, '--format', 'json');
      expect(blocked.code).toBe(1);
      const result = JSON.parse(blocked.out);
      expect(
        result.platforms.map((p: { platform: string; verdict: string }) => [p.platform, p.verdict]),
      ).toEqual([
        ['linux/amd64', 'pass'],
        ['linux/arm/v7', 'fail'],
      ]);
      expect(JSON.stringify(result)).toContain('the SBOM lists 0 packages');

      stdout.length = 0;
      process.exitCode = undefined;
      const allowed = await cli('--sbom-manifest', file, '--format', 'json', '--allow-empty-sbom');
      expect(allowed.code).toBe(0);
      expect(JSON.parse(allowed.out).verdict).toBe('pass');
    } finally {
      delete process.env.FAKE_GRYPE_REPORTS;
    }
  });

  it('refuses --report with it', async () => {
    const { code, errLines } = await cli('--sbom-manifest', manifest(), '--report', EMPTY);
    expect(code).toBe(2);
    expect(errLines).toEqual([
      'release-actions: --report: judges one report; give nothing else to scan with it.',
    ]);
  });
});

import { afterAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';
import { runCli, type ProcessResult } from '../../harness/run-cli.js';

const corpus = path.join(repoRoot, 'test', 'fixtures', 'audit', 'corpus');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'audit-cli-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `node dist/cli/index.js audit ...` in `cwd`, outside any runner. */
function audit(args: string[], cwd = corpus): Promise<ProcessResult> {
  return runCli(['audit', ...args], { cwd, env: { HOME: scratch } });
}

function workspace(name: string, files: Record<string, string>): string {
  const dir = path.join(scratch, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const fixture = (name: string) => readFileSync(path.join(corpus, name), 'utf8');

describe('release-actions audit', () => {
  it('exits 0 on a clean file and 1 on findings at or above --fail-on (default high)', async () => {
    const clean = await audit(['pin001.ok.yml']);
    expect([clean.code, clean.stdout]).toEqual([0, '0 findings, 1 file audited\n']);
    const bad = await audit(['pin001.yml']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('release-actions: 4 finding(s) at or above high.\n');
    expect(bad.stdout.split('\n')[0]).toBe(
      'pin001.yml:16:15 high PIN001 actions/setup-node is referenced by "@v4", not by a 40-hex commit SHA.',
    );
    expect((await audit(['pin003.yml'])).code).toBe(0);
    expect((await audit(['pin003.yml', '--fail-on', 'low'])).code).toBe(1);
    expect((await audit(['pin001.yml', '--fail-on', 'critical'])).code).toBe(0);
  });

  it('shows only findings at or above --min-severity', async () => {
    const { stdout } = await audit([
      'pin003.yml',
      'pin002.yml',
      '--min-severity',
      'medium',
      '--fail-on',
      'none',
    ]);
    expect(stdout).toContain('PIN002');
    expect(stdout).not.toContain('PIN003');
  });

  it('exits 2 naming the file and line of unparsable YAML', async () => {
    const robust = path.join(repoRoot, 'test', 'fixtures', 'audit', 'robust');
    const result = await audit(['malformed.yml', 'anchors.yml', '--format', 'json'], robust);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^release-actions: malformed\.yml:9:7: not valid YAML: /);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^release-actions: 1 file\(s\) could not be audited; first: malformed\.yml: not valid YAML: /,
    );
    const json = JSON.parse(result.stdout) as {
      findings: unknown[];
      errors: { file: string; line: number }[];
    };
    expect(json.errors.map((e) => [e.file, e.line])).toEqual([['malformed.yml', 9]]);
    expect(json.findings).toHaveLength(2);
  });

  it('exits 2 on a bad flag value or a missing path, with one clear line', async () => {
    const format = await audit(['--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toBe(
      'release-actions: --format: "xml" is not accepted; use text, json or sarif.\n',
    );
    const missing = await audit(['nope.yml']);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      'release-actions: Path "nope.yml" does not exist; give a workflow file or a folder.\n',
    ]);
    const config = await audit(['pin001.ok.yml', '--config', 'nope.yml']);
    expect([config.code, config.stderr]).toEqual([
      2,
      'release-actions: --config: "nope.yml" does not exist.\n',
    ]);
  });

  it('writes SARIF to a file with -o', async () => {
    const out = path.join(scratch, 'out.sarif');
    const result = await audit(['trig001.yml', '--format', 'sarif', '-o', out]);
    expect([result.code, result.stdout]).toEqual([1, '']);
    const log = JSON.parse(readFileSync(out, 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0]!.results.map((r) => r.ruleId)).toEqual(['TRIG001']);
  });

  it('audits .github/workflows and every action.yml of a repository by default, skipping dependencies, bundles and test fixtures', async () => {
    const dir = workspace('default-scope', {
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.github/workflows/ci.yml': fixture('hr002.ok.yml'),
      '.github/workflows/notes.txt': 'not yaml',
      'sign/action.yml': fixture('composite-action.ok.yml'),
      'tools/action.yaml': fixture('docker-action.yml'),
      'node_modules/dep/action.yml': fixture('composite-action.yml'),
      'dist/x/action.yml': fixture('composite-action.yml'),
      'test/fixtures/y/action.yml': fixture('composite-action.yml'),
    });
    const result = await audit(['--fail-on', 'medium'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        'tools/action.yaml:5:10 medium PIN009 The image docker://ghcr.io/example/tool:1.2.3 is not pinned to an @sha256: digest.',
        '  fix: Reference the image by digest: `name:tag@sha256:<64 hex>`.',
        '1 finding (1 medium), 3 files audited',
        '',
      ].join('\n'),
    );
  });

  it('audits only .github by default outside a repository', async () => {
    const dir = workspace('no-repository', {
      '.github/workflows/ci.yml': fixture('hr002.ok.yml'),
      '.github/actions/tool/action.yml': fixture('docker-action.yml'),
      'downloads/action.yml': fixture('composite-action.yml'),
      'downloads/other/ci.yml': fixture('pin001.yml'),
    });
    const result = await audit(['--fail-on', 'medium'], dir);
    expect([result.code, result.stdout.split('\n').at(-2)]).toEqual([
      1,
      '1 finding (1 medium), 2 files audited',
    ]);
    expect(result.stdout).toContain('.github/actions/tool/action.yml:5:10 medium PIN009');
    expect(result.stdout).not.toContain('downloads/');
  });

  it('exits 2 with one line when a file named on the command line is neither a workflow nor an action', async () => {
    const dir = workspace('not-a-workflow', {
      '.github/workflows/ci.yml': fixture('hr002.ok.yml'),
      'config/settings.yml': 'title: settings\nitems: [a, b]\n',
      'config/empty.yml': '',
    });
    const named = await audit(['.github/workflows/ci.yml', 'config/settings.yml'], dir);
    expect([named.code, named.stdout, named.stderr]).toEqual([
      2,
      '',
      'release-actions: Path "config/settings.yml" is not a workflow or an action (it has neither jobs: nor runs:); give workflow files, action.yml / action.yaml files or folders.\n',
    ]);
    const empty = await audit(['config/empty.yml', '--format', 'json'], dir);
    expect([empty.code, empty.stdout, empty.stderr]).toEqual([
      2,
      '',
      'release-actions: Path "config/empty.yml" is not a workflow or an action (it is empty); give workflow files, action.yml / action.yaml files or folders.\n',
    ]);
    const dryRun = await audit(['--fix', '--dry-run', 'config/settings.yml'], dir);
    expect([dryRun.code, dryRun.stdout, dryRun.stderr]).toEqual([2, '', named.stderr]);
    // Found by walking a named folder, the same files are skipped with a note.
    const walked = await audit(['config'], dir);
    expect([walked.code, walked.stdout]).toEqual([0, '0 findings, 0 files audited, 2 skipped\n']);
  });

  it('fails with the entry named when the config file has an entry without a reason', async () => {
    const dir = workspace('bad-config', {
      '.github/workflows/ci.yml': fixture('hr002.ok.yml'),
      '.github/release-actions-audit.yml': 'ignore:\n  - path: .github/workflows/ci.yml\n',
    });
    const result = await audit([], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'release-actions: Audit config .github/release-actions-audit.yml: ignore[0] (.github/workflows/ci.yml) has no reason; every entry must say why (reason: ...).\n',
    );
  });

  it('--fix --dry-run prints a diff and writes nothing; --fix writes and audits the result', async () => {
    const dir = path.join(scratch, 'fix');
    cpSync(path.join(repoRoot, 'test', 'fixtures', 'audit', 'fix'), dir, { recursive: true });
    const before = readFileSync(path.join(dir, 'unhardened.yml'), 'utf8');
    const dry = await audit(['--fix', '--dry-run', 'unhardened.yml'], dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('--- a/unhardened.yml\n+++ b/unhardened.yml\n');
    expect(dry.stdout).toContain('+permissions: {}\n');
    expect(readFileSync(path.join(dir, 'unhardened.yml'), 'utf8')).toBe(before);

    const fixed = await audit(['--fix', 'unhardened.yml', 'unfixable.yml'], dir);
    expect(fixed.stderr).toContain('unhardened.yml: fixed PERM001, CRED001, CRED003, CRED001, CRED003');
    expect(fixed.stderr).toContain(
      'warning: unfixable.yml: not fixed: CRED003 line 13: shell pwsh is not bash or sh',
    );
    expect(readFileSync(path.join(dir, 'unhardened.yml'), 'utf8')).not.toBe(before);
    // What is left is in the file that could not be fixed.
    expect(fixed.stdout).not.toContain('unhardened.yml:');
    expect(fixed.stdout).toContain('unfixable.yml:');
    expect(fixed.code).toBe(1);
    const again = await audit(['unhardened.yml'], dir);
    expect([again.code, again.stdout]).toEqual([0, '0 findings, 1 file audited\n']);
  });

  it("finds nothing in this repository's own workflows and actions", async () => {
    const result = await audit(['--fail-on', 'low'], repoRoot);
    expect(result.stderr).toBe('');
    // Justified suppressions are allowed; findings are not.
    expect(result.stdout).toMatch(/^0 findings, \d+ files audited(, \d+ suppressed)?\n$/);
    expect(result.code).toBe(0);
  });
});

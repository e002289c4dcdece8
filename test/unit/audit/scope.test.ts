import { afterAll, describe, expect, it } from '@jest/globals';
import { InputError } from '@release-actions/core';
import { auditWorkflows } from '@release-actions/audit';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultFiles, isRepositoryRoot } from '../../../packages/audit/src/discover.js';
import { repoRoot } from '../../harness/run-bundle.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'audit-scope-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const corpus = path.join(repoRoot, 'test', 'fixtures', 'audit', 'corpus');
const fixture = (name: string) => readFileSync(path.join(corpus, name), 'utf8');

function folder(name: string, files: Record<string, string>): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const relative = (dir: string, files: string[]) =>
  files.map((f) => path.relative(dir, f).split(path.sep).join('/'));

const layout = {
  '.github/workflows/ci.yml': fixture('hr002.ok.yml'),
  '.github/actions/build/action.yml': fixture('composite-action.ok.yml'),
  'tools/action.yml': fixture('composite-action.ok.yml'),
  'notes.yml': 'title: not a workflow\n',
};

function run(cwd: string, paths: string[], fix = false) {
  return auditWorkflows({ cwd, paths, minSeverity: 'low', failOn: 'high', fix });
}

describe('audit scope', () => {
  it('outside a repository, audits only .github: its workflows and its actions', () => {
    const dir = folder('plain', layout);
    expect(isRepositoryRoot(dir)).toBe(false);
    expect(relative(dir, defaultFiles(dir))).toEqual([
      '.github/actions/build/action.yml',
      '.github/workflows/ci.yml',
    ]);
  });

  it('at the top of a repository (.git a folder, or a file in a worktree), audits every action.yml too', () => {
    const repo = folder('repo', { ...layout, '.git/HEAD': 'ref: refs/heads/main\n' });
    const worktree = folder('worktree', { ...layout, '.git': 'gitdir: /elsewhere\n' });
    for (const dir of [repo, worktree]) {
      expect(isRepositoryRoot(dir)).toBe(true);
      expect(relative(dir, defaultFiles(dir))).toEqual([
        '.github/actions/build/action.yml',
        '.github/workflows/ci.yml',
        'tools/action.yml',
      ]);
    }
  });

  it('refuses a file named on its own that is neither a workflow nor an action', async () => {
    const dir = folder('named', { ...layout, 'empty.yml': '', 'list.yml': '- a\n' });
    await expect(run(dir, ['notes.yml'])).rejects.toThrow(
      new InputError(
        'Path "notes.yml" is not a workflow or an action (it has neither jobs: nor runs:); give workflow files, action.yml / action.yaml files or folders.',
      ),
    );
    await expect(run(dir, ['.github/workflows/ci.yml', 'empty.yml', 'list.yml'])).rejects.toThrow(
      'Path "empty.yml" (and 1 more) is not a workflow or an action (it is empty); give workflow files',
    );
    await expect(run(dir, ['list.yml'])).rejects.toThrow('(its top level is not a mapping)');
  });

  it('refuses before --fix writes anything', async () => {
    const dir = folder('fix', { 'unhardened.yml': fixture('cred001.yml'), 'notes.yml': 'title: x\n' });
    const before = readFileSync(path.join(dir, 'unhardened.yml'), 'utf8');
    await expect(run(dir, ['unhardened.yml', 'notes.yml'], true)).rejects.toThrow('Path "notes.yml"');
    expect(readFileSync(path.join(dir, 'unhardened.yml'), 'utf8')).toBe(before);
  });

  it('skips such a file with a note when it is found in a named folder', async () => {
    const dir = folder('walked', layout);
    const report = await run(dir, ['.']);
    expect(report.result.skipped).toEqual([
      { file: 'notes.yml', reason: 'neither a workflow (no jobs:) nor an action (no runs:)' },
    ]);
    expect(report.result.errors).toEqual([]);
  });

  it('leaves a named file that is not valid YAML to the audit, which names its line', async () => {
    const dir = folder('broken', { 'broken.yml': 'jobs: [\n' });
    const report = await run(dir, ['broken.yml']);
    expect(report.result.errors).toEqual([
      expect.objectContaining({ file: 'broken.yml', message: expect.stringMatching(/^not valid YAML/) }),
    ]);
  });
});

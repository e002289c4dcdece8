import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../harness/run-bundle.js';
import { actionFolders } from '../../harness/action-metadata.js';

/** The README documents only what exists: an action it lists as available has its folder and README. */

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

function actionRows(text: string): { name: string; link?: string; status: string }[] {
  const start = text.indexOf('| action | what it does | status |');
  expect(start).toBeGreaterThanOrEqual(0);
  const rows = text.slice(start).split('\n').slice(2);
  return rows
    .slice(
      0,
      rows.findIndex((line) => !line.startsWith('|')),
    )
    .map((line) => {
      const cells = line.split('|').map((cell) => cell.trim());
      const link = /^\[([a-z-]+)\]\(([^)]+)\)$/.exec(cells[1] ?? '');
      return { name: link?.[1] ?? cells[1] ?? '', link: link?.[2], status: cells[3] ?? '' };
    });
}

describe('README', () => {
  it('starts with the two commands: run the CLI, run the tests', () => {
    const commands = [...readme.matchAll(/```sh\n(.*)\n```/g)].map((m) => m[1]);
    expect(commands[0]).toMatch(/^npm ci && npx release-actions /);
    expect(commands[1]).toBe('npm ci && npm test');
  });

  it('its first command runs the committed CLI and comes to a verdict (exit 0 or 1, not an error)', () => {
    const command = [...readme.matchAll(/```sh\n(.*)\n```/g)][0]![1]!;
    const args = command.replace(/^npm ci && npx release-actions /, '').split(' ');
    const result = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli', 'index.js'), ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      timeout: 60_000,
    });
    // The status with stderr, so a failure shows why.
    expect(`${result.status} ${result.stderr}`).toMatch(/^[01] /);
    expect(result.stdout.trim()).not.toBe('');
  });

  it('.ci/run runs the README test command', () => {
    expect(readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8')).toMatch(/^\s*npm test( --.*)?$/m);
  });

  it('lists every action; an available one links to its README beside its action.yml', () => {
    const rows = actionRows(readme);
    // Every folder with an action.yml, in any order the README chooses.
    expect(rows.map((r) => r.name).sort()).toEqual(actionFolders(repoRoot));
    for (const row of rows) {
      expect([row.name, row.status]).toEqual([row.name, expect.stringMatching(/^(available|planned)$/)]);
      if (row.status === 'available') {
        expect(row.link).toBe(`${row.name}/README.md`);
        expect([row.name, existsSync(path.join(repoRoot, row.name, 'README.md'))]).toEqual([row.name, true]);
        expect([row.name, existsSync(path.join(repoRoot, row.name, 'action.yml'))]).toEqual([row.name, true]);
      } else {
        expect(row.link).toBeUndefined();
      }
    }
  });

  it('links only to files that exist', () => {
    const links = [...readme.matchAll(/\]\(([^)#:]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((link) => !existsSync(path.join(repoRoot, link)))).toEqual([]);
  });
});

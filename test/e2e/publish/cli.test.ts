import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerPublish } from '../../../packages/cli/src/commands/publish.js';
import { faults, GitHubApiStandIn } from '../../harness/github-api.js';
import { captureCli } from '../../harness/run-cli.js';

/** `release-actions publish`, parsed by the real program, against the loopback GitHub API. */

const TOKEN = `ghp_${randomBytes(18).toString('hex')}`;
const { stdout, stderr, run: cli } = captureCli([registerPublish]);
let dir: string;
let api: GitHubApiStandIn;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'publish-cli-'));
  api = await GitHubApiStandIn.start({ token: TOKEN });
  delete process.env.GITHUB_REPOSITORY;
  process.env.GITHUB_API_URL = api.url;
  process.env.GITHUB_TOKEN = TOKEN;
});

afterEach(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
  expect([...stdout, ...stderr].join('')).not.toContain(TOKEN);
});

function file(name: string, content: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

describe('release-actions publish', () => {
  it('uploads with the token from GITHUB_TOKEN and prints the asset table', async () => {
    const release = api.addRelease('v1.2.0');
    api.addAsset(release, 'sbom-spdx.json', 'old');

    const code = await cli(
      '--verbose',
      'publish',
      '--tag',
      'v1.2.0',
      '--repo',
      'aotanami/aotanami',
      file('sbom-spdx.json', '{}'),
    );

    expect(stderr.join('')).not.toContain('release-actions:');
    expect(stderr.join('')).toMatch(
      /^debug: GET \/repos\/aotanami\/aotanami\/releases\/tags\/v1\.2\.0 - 200/m,
    );
    expect(code).toBe(0);
    expect(release.assets.map((a) => a.data.toString())).toEqual(['{}']);
    expect(stdout.join('')).toMatch(
      /^ {2}sbom-spdx\.json +2 B {2}sha256:[0-9a-f]{64} {2}replaced +https:\/\/github\.com\/aotanami\/aotanami\/releases\/download\/v1\.2\.0\/sbom-spdx\.json$/m,
    );
    expect(api.requests.every((r) => r.auth === 'valid')).toBe(true);
  });

  it('reads the token from the variable named by --token-env and prints JSON with --format json', async () => {
    api.addRelease('v1.2.0');
    delete process.env.GITHUB_TOKEN;
    process.env.RELEASE_TOKEN = TOKEN;
    process.env.GITHUB_REPOSITORY = 'aotanami/aotanami';

    const code = await cli(
      'publish',
      '--tag',
      'v1.2.0',
      '--token-env',
      'RELEASE_TOKEN',
      '--format',
      'json',
      file('scan.sarif', '{}'),
    );

    expect(code).toBe(0);
    expect(JSON.parse(stdout.join(''))).toMatchObject({
      'release-url': 'https://github.com/aotanami/aotanami/releases/tag/v1.2.0',
      draft: false,
      created: false,
      assets: [{ name: 'scan.sarif', size: 2, contentType: 'application/sarif+json', outcome: 'uploaded' }],
    });
  });

  it('exits 2 with a clear line when the token variable is empty, before any request', async () => {
    delete process.env.GITHUB_TOKEN;

    const code = await cli('publish', '--tag', 'v1', '--repo', 'a/b', file('a.json', '{}'));

    expect(code).toBe(2);
    expect(stderr.join('')).toContain('--token-env: the environment variable GITHUB_TOKEN is empty');
    expect(api.requests).toHaveLength(0);
  });

  it('exits 2 naming contents: write on a 403, and naming the tag when the release is missing', async () => {
    api.addRelease('v1.2.0');
    api.fault(faults.forbidden({ server: 'uploads' }));

    expect(await cli('publish', '--tag', 'v1.2.0', '--repo', 'aotanami/aotanami', file('a.json', '{}'))).toBe(
      2,
    );
    expect(stderr.join('')).toContain('`contents: write`');

    stderr.length = 0;
    expect(await cli('publish', '--tag', 'v9.9.9', '--repo', 'aotanami/aotanami', file('b.json', '{}'))).toBe(
      2,
    );
    expect(stderr.join('')).toContain('no release for tag "v9.9.9"');
  });

  it('--release-notes-file and --target-commitish: the draft gets both; a rerun with other notes replaces the block', async () => {
    const sha = 'a3f1c2d4e5b6a7980123456789abcdef01234567';
    const start = '<!-- release-actions:verify:start -->';
    const end = '<!-- release-actions:verify:end -->';
    const asset = file('sbom-spdx.json', '{}');
    const publish = (notes: string, ...more: string[]) =>
      cli(
        'publish',
        '--tag',
        'v2.0.0',
        '--repo',
        'aotanami/aotanami',
        '--create-draft',
        '--target-commitish',
        sha,
        '--release-notes-file',
        file('notes.md', notes),
        ...more,
        asset,
      );

    expect(await publish('release-actions verify a\n')).toBe(0);
    expect(api.releases).toMatchObject([
      { draft: true, targetCommitish: sha, body: `${start}\nrelease-actions verify a\n${end}` },
    ]);
    expect(stdout.join('')).toContain(
      'The verification commands were written to the release notes when the draft was created.',
    );

    // Someone adds text to the draft before the rerun.
    const release = api.releases[0]!;
    release.body = `Highlights\n\n${release.body}\n\nThanks!`;
    stdout.length = 0;
    expect(await publish('release-actions verify b\ncosign verify b\n', '--format', 'json')).toBe(0);
    expect(release.body).toBe(
      `Highlights\n\n${start}\nrelease-actions verify b\ncosign verify b\n${end}\n\nThanks!`,
    );
    expect(JSON.parse(stdout.join(''))).toMatchObject({ created: false, notes: 'updated' });

    stdout.length = 0;
    expect(await publish('release-actions verify b\ncosign verify b', '--format', 'json')).toBe(0);
    expect(JSON.parse(stdout.join(''))).toMatchObject({ notes: 'unchanged' });
    expect(api.requestsTo('PATCH', /\/releases\/\d+$/)).toHaveLength(1);
    expect(api.requestsTo('POST', /\/releases$/)).toHaveLength(1);
  });

  it('exits 2 with one line naming the flag for a bad target, a marker in the notes, or a missing notes file', async () => {
    const asset = file('a.json', '{}');
    const base = ['publish', '--tag', 'v1', '--repo', 'aotanami/aotanami', '--create-draft'];
    const cases: [string[], string][] = [
      [
        ['--target-commitish', 'a..b'],
        '--target-commitish: "a..b" is neither a commit SHA nor a branch name; use the full 40-hex commit SHA (github.sha) or a branch name.',
      ],
      [
        ['--release-notes-file', file('bad.md', 'x\n<!-- release-actions:verify:start -->\n')],
        '--release-notes-file: the notes contain the marker <!-- release-actions:verify:start -->, which delimits the block they are written into; remove it.',
      ],
      [
        ['--release-notes-file', path.join(dir, 'missing.md')],
        `--release-notes-file: "${path.join(dir, 'missing.md')}" does not exist; give Markdown notes (a release body holds at most 125000 characters): a regular file of at most 500000 bytes.`,
      ],
    ];
    for (const [flags, expected] of cases) {
      stderr.length = 0;
      expect(await cli(...base, ...flags, asset)).toBe(2);
      expect(stderr.join('').trim()).toBe(`release-actions: ${expected}`);
    }
    expect(api.requests).toHaveLength(0);
  });
});

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerPublish } from '../../../packages/cli/src/commands/publish.js';
import { GitHubApiStandIn } from '../../harness/github-api.js';
import { captureCli } from '../../harness/run-cli.js';

/** `release-actions publish --publish-release --make-latest`, against a loopback GitHub with immutable releases. */

const TOKEN = `ghp_${randomBytes(18).toString('hex')}`;
const { stdout, stderr, run: cli } = captureCli([registerPublish]);
let dir: string;
let api: GitHubApiStandIn;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'publish-cli-immutable-'));
  api = await GitHubApiStandIn.start({ token: TOKEN, immutableReleases: true });
  process.env.GITHUB_REPOSITORY = 'aotanami/aotanami';
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

/** Requests in order: "POST /releases", "UPLOAD name", "PATCH {json}", "GET /releases/tags/v2.0.0"… */
function steps(): string[] {
  return api.requests.map((r) => {
    const url = new URL(r.url, 'http://127.0.0.1');
    if (r.server === 'uploads') return `UPLOAD ${url.searchParams.get('name')}`;
    const where = url.pathname.replace(/^\/repos\/aotanami\/aotanami/, '').replace(/\/\d+/g, '/{id}');
    return `${r.method} ${where}${r.method === 'PATCH' ? ` ${JSON.stringify(r.json)}` : ''}`;
  });
}

describe('release-actions publish --publish-release', () => {
  it('creates the draft, uploads, then publishes with --make-latest, and prints it as JSON', async () => {
    const code = await cli(
      'publish',
      '--tag',
      'v2.0.0',
      '--create-draft',
      '--publish-release',
      '--make-latest',
      'legacy',
      '--format',
      'json',
      file('sbom-spdx.json', '{}'),
      file('sbom-cyclonedx.json', '{"bomFormat":"CycloneDX"}'),
    );

    expect(code).toBe(0);
    // The log, on stderr: every upload before the publication.
    expect(stderr.join('').split('\n').filter(Boolean)).toEqual([
      `Created draft release https://github.com/aotanami/aotanami/releases/tag/untagged-${api.releases[0]?.id} for tag v2.0.0.`,
      'sbom-spdx.json: uploaded (2 bytes, application/json).',
      'sbom-cyclonedx.json: uploaded (25 bytes, application/json).',
      'Published the release of v2.0.0 (make_latest legacy): https://github.com/aotanami/aotanami/releases/tag/v2.0.0; it is immutable: GitHub has locked its assets and tag.',
    ]);
    expect(steps()).toEqual([
      'GET /releases/tags/v2.0.0',
      'GET /releases',
      'POST /releases',
      'GET /releases/{id}/assets',
      'UPLOAD sbom-spdx.json',
      'UPLOAD sbom-cyclonedx.json',
      'PATCH /releases/{id} {"draft":false,"make_latest":"legacy"}',
      'GET /releases/{id}/assets',
    ]);
    expect(api.releases).toMatchObject([{ draft: false, immutable: true, makeLatest: 'legacy' }]);
    expect(JSON.parse(stdout.join(''))).toMatchObject({
      'release-url': 'https://github.com/aotanami/aotanami/releases/tag/v2.0.0',
      draft: false,
      created: true,
      published: true,
      immutable: true,
      'make-latest': 'legacy',
      assets: [
        {
          name: 'sbom-spdx.json',
          url: 'https://github.com/aotanami/aotanami/releases/download/v2.0.0/sbom-spdx.json',
        },
        { name: 'sbom-cyclonedx.json', outcome: 'uploaded' },
      ],
    });
  });

  it('exits 2 on a published immutable release with one line naming the flags of the way out, touching no asset', async () => {
    const release = api.addRelease('v1.2.0');
    api.addAsset(release, 'a.json', 'old');

    const code = await cli('publish', '--tag', 'v1.2.0', '--publish-release', file('a.json', '{}'));

    expect(code).toBe(2);
    expect(stderr.join('')).toBe(
      'release-actions: --tag: the release of v1.2.0 in aotanami/aotanami is published and immutable: GitHub locks its assets and tag, so a.json cannot be attached or replaced; nothing was changed. Publish from a draft instead: for a tag without a release, set --create-draft and --publish-release (the draft gets every asset, then is published); or release under a new tag.\n',
    );
    expect(api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(release.assets.map((a) => a.data.toString())).toEqual(['old']);
  });

  it('exits 2 with one line for a bad --make-latest, or --make-latest without --publish-release, before any request', async () => {
    const asset = file('a.json', '{}');
    const cases: [string[], string][] = [
      [
        ['--publish-release', '--make-latest', 'always'],
        '--make-latest: "always" is not accepted; use true, false or legacy.',
      ],
      [['--make-latest', 'always'], '--make-latest: "always" is not accepted; use true, false or legacy.'],
      [
        ['--make-latest', 'false'],
        '--make-latest: is used only with --publish-release; add it, or leave this flag out.',
      ],
    ];
    for (const [flags, expected] of cases) {
      stderr.length = 0;
      expect(await cli('publish', '--tag', 'v1.2.0', '--create-draft', ...flags, asset)).toBe(2);
      expect(stderr.join('')).toBe(`release-actions: ${expected}\n`);
    }
    expect(api.requests).toHaveLength(0);
  });
});

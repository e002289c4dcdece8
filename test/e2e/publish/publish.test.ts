import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { faults, GitHubApiStandIn } from '../../harness/github-api.js';
import { errors, repoRoot, runBundle, type BundleResult } from '../../harness/run-bundle.js';

/**
 * The shipped publish bundle, run as the runner runs it, against the loopback GitHub API.
 * The bundle keeps its production timing (1 s backoff unit, 1 s between writes), so faults here
 * are few; the unit tests go through the many-fault cases with short delays.
 */

const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;

let api: GitHubApiStandIn;
let scratch: string;
let workspace: string;

beforeAll(() => {
  if (!existsSync(path.join(repoRoot, 'dist', 'publish', 'index.js'))) {
    throw new Error('dist/publish/index.js is missing; run `npm run build -- publish` first.');
  }
});

beforeEach(async () => {
  api = await GitHubApiStandIn.start({ token: TOKEN });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'publish-e2e-'));
  workspace = path.join(scratch, 'workspace');
  mkdirSync(workspace);
});

afterEach(async () => {
  await api.close();
  rmSync(scratch, { recursive: true, force: true });
});

function write(relative: string, content: string): string {
  const target = path.join(workspace, relative);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
  return target;
}

function publish(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<BundleResult> {
  return runBundle('publish', {
    workspace,
    inputs: { token: TOKEN, repository: 'aotanami/aotanami', ...inputs },
    env: { GITHUB_API_URL: api.url, ...env },
  });
}

/** Everything a person or a later step could see, minus the mask command that hides the token. */
function visible(result: BundleResult): string {
  const stdout = result.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  return [stdout, result.stderr, result.summary, JSON.stringify(result.outputs)].join('\n');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('publish action', () => {
  it('replaces an asset on page 2 of 150, uploads the rest, and reports URLs, sizes and hashes', async () => {
    const release = api.addRelease('v1.2.0');
    for (let i = 0; i < 150; i++) {
      api.addAsset(release, i === 130 ? 'sbom-spdx.json' : `asset-${i}.txt`, `old ${i}`);
    }
    write('out/sbom-spdx.json', '{"spdxVersion":"SPDX-2.3"}');
    write('out/sbom-cyclonedx.json', '{"bomFormat":"CycloneDX"}');

    const result = await publish({
      files: 'out/sbom-spdx.json\nout/sbom-cyclonedx.json',
      tag: 'v1.2.0',
    });

    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(release.assets).toHaveLength(151);
    expect(release.assets.filter((a) => a.name === 'sbom-spdx.json').map((a) => a.data.toString())).toEqual([
      '{"spdxVersion":"SPDX-2.3"}',
    ]);
    expect(
      api.requestsTo('GET', /\/assets$/).map((r) => new URL(r.url, api.url).searchParams.get('page')),
    ).toEqual([null, '2']);
    expect(JSON.parse(result.outputs['asset-urls'] ?? '')).toEqual({
      'sbom-spdx.json': 'https://github.com/aotanami/aotanami/releases/download/v1.2.0/sbom-spdx.json',
      'sbom-cyclonedx.json':
        'https://github.com/aotanami/aotanami/releases/download/v1.2.0/sbom-cyclonedx.json',
    });
    expect(result.outputs['release-url']).toBe('https://github.com/aotanami/aotanami/releases/tag/v1.2.0');
    expect(result.summary).toContain('| asset | size | sha256 | result | URL |');
    expect(result.summary).toContain(
      `| \`sbom-spdx.json\` | 26 B | \`${sha256('{"spdxVersion":"SPDX-2.3"}')}\` | replaced | https://github.com/aotanami/aotanami/releases/download/v1.2.0/sbom-spdx.json |`,
    );
    expect(result.summary).toContain(
      `| \`sbom-cyclonedx.json\` | 25 B | \`${sha256('{"bomFormat":"CycloneDX"}')}\` | uploaded |`,
    );
    expect(result.masks).toContain(TOKEN);
    expect(visible(result)).not.toContain(TOKEN);
    expect(api.requests.every((r) => r.auth === 'valid')).toBe(true);
  });

  it('takes the tag from a tag push, expands globs, and accepts files under RUNNER_TEMP', async () => {
    const release = api.addRelease('v2.0.0');
    write('sboms/sbom-spdx.json', '{}');
    write('sboms/sbom-cyclonedx.json', '{"a":1}');
    write('sboms/skip.json', '{"skip":true}');
    const runnerTemp = path.join(scratch, 'runner_temp');
    mkdirSync(runnerTemp);
    writeFileSync(path.join(runnerTemp, 'scan.sarif'), '{"version":"2.1.0"}');

    const result = await publish(
      { files: `sboms/*.json\n!sboms/skip.json\n${path.join(runnerTemp, 'scan.sarif')}` },
      { GITHUB_REF: 'refs/tags/v2.0.0', GITHUB_REF_NAME: 'v2.0.0', RUNNER_TEMP: runnerTemp },
    );

    expect(errors(result)).toEqual([]);
    expect(release.assets.map((a) => [a.name, a.contentType]).sort()).toEqual([
      ['sbom-cyclonedx.json', 'application/json'],
      ['sbom-spdx.json', 'application/json'],
      ['scan.sarif', 'application/sarif+json'],
    ]);
  });

  it('is idempotent on rerun and retries a 5xx and a 429 on the way', async () => {
    const release = api.addRelease('v1.2.0');
    write('sbom-spdx.json', '{"x":1}');
    api.fault(faults.serverError(1, { method: 'GET', path: /\/releases\/tags\// }));
    api.fault(faults.rateLimited(1, { server: 'uploads' }));

    const first = await publish({ files: 'sbom-spdx.json', tag: 'v1.2.0' });
    const second = await publish({ files: 'sbom-spdx.json', tag: 'v1.2.0' });

    expect(errors(first)).toEqual([]);
    expect(errors(second)).toEqual([]);
    expect(api.requestsTo('GET', /\/releases\/tags\//).map((r) => r.status)).toEqual([502, 200, 200]);
    expect(api.requests.filter((r) => r.server === 'uploads').map((r) => r.status)).toEqual([429, 201]);
    expect(release.assets.map((a) => a.name)).toEqual(['sbom-spdx.json']);
    expect(second.summary).toContain('| unchanged |');
    expect(second.outputs['asset-urls']).toBe(first.outputs['asset-urls']);
    expect(visible(first)).not.toContain(TOKEN);
  });

  it('fails with one line naming contents: write when the token may not write', async () => {
    api.addRelease('v1.2.0');
    write('sbom-spdx.json', '{}');
    api.fault(faults.forbidden({ server: 'uploads' }));

    // With debug logging on, the runner also shows debug lines and the error's stack.
    const result = await publish({ files: 'sbom-spdx.json', tag: 'v1.2.0' }, { RUNNER_DEBUG: '1' });

    expect(result.exitCode).toBe(1);
    expect(result.annotations.some((a) => a.level === 'debug')).toBe(true);
    const [message, ...more] = errors(result);
    expect(more).toEqual([]);
    expect(message).toMatch(
      /^Could not upload sbom-spdx\.json to the release of v1\.2\.0: GitHub answered 403 \(Resource not accessible by integration\)\. The token needs the `contents: write` permission/,
    );
    expect(result.annotations.find((a) => a.level === 'error')?.properties['title']).toBe(
      'PERMISSION_DENIED',
    );
    expect(result.outputs['outcome']).toBe('error');
    expect(visible(result)).not.toContain(TOKEN);
  });

  it('names the tag when its release is missing, and creates a draft when create-draft is true', async () => {
    write('sbom-spdx.json', '{}');

    const refused = await publish({ files: 'sbom-spdx.json', tag: 'v3.0.0' });
    expect(refused.exitCode).toBe(1);
    expect(errors(refused)).toEqual([
      `Input 'tag': aotanami/aotanami has no release for tag "v3.0.0"; create the release first, or set create-draft to create it as a draft.`,
    ]);
    expect(refused.annotations.find((a) => a.level === 'error')?.properties['title']).toBe(
      'RELEASE_NOT_FOUND',
    );
    expect(api.releases).toHaveLength(0);

    const created = await publish({ files: 'sbom-spdx.json', tag: 'v3.0.0', 'create-draft': 'true' });
    expect(errors(created)).toEqual([]);
    expect(api.releases).toMatchObject([{ tag: 'v3.0.0', draft: true }]);
    expect(api.releases[0]?.assets.map((a) => a.name)).toEqual(['sbom-spdx.json']);
    expect(created.outputs['release-url']).toBe(
      `https://github.com/aotanami/aotanami/releases/tag/untagged-${api.releases[0]?.id}`,
    );
    expect(created.summary).toContain('created as a draft by this run');
  });

  it('refuses bad inputs before any request', async () => {
    write('sbom-spdx.json', '{}');
    writeFileSync(path.join(scratch, 'outside.json'), '{}');

    const cases: [Record<string, string>, Record<string, string>, string][] = [
      [
        { files: '../outside.json', tag: 'v1' },
        {},
        `Input 'files': "../outside.json" is outside the workspace`,
      ],
      [
        { files: 'sbom-spdx.json' },
        { GITHUB_REF: 'refs/heads/main' },
        "Input 'tag': required when the workflow was not triggered by a tag.",
      ],
      [{ files: 'sbom-spdx.json', tag: 'v1..2' }, {}, `Input 'tag': "v1..2" is not a valid tag name`],
      [{ files: 'sbom-spdx.json', tag: 'v1', repository: 'nope' }, {}, `Input 'repository': "nope"`],
      [{ files: 'none/*.json', tag: 'v1' }, {}, `Input 'files': the pattern "none/*.json" matches no file.`],
      [{ files: '', tag: 'v1' }, {}, "Input 'files': required: one path or glob pattern per line."],
    ];
    for (const [inputs, env, expected] of cases) {
      const result = await publish(inputs, env);
      expect(result.exitCode).toBe(1);
      expect(errors(result)[0]).toContain(expected);
    }
    expect(api.requests).toHaveLength(0);
  });

  describe('release notes and target-commitish', () => {
    const SHA = 'a3f1c2d4e5b6a7980123456789abcdef01234567';
    const START = '<!-- release-actions:verify:start -->';
    const END = '<!-- release-actions:verify:end -->';
    const patches = () => api.requestsTo('PATCH', /\/releases\/\d+$/);
    // What the release workflow passes: two command lists joined by a YAML block scalar.
    const commands = (version: string) =>
      `release-actions verify ghcr.io/aotanami/aotanami@sha256:${'a'.repeat(64)} --source-ref refs/tags/${version}\n` +
      `cosign verify ghcr.io/aotanami/aotanami@sha256:${'a'.repeat(64)}\n\n`;

    it('creates the draft with the notes block as its body and target_commitish set to the commit', async () => {
      write('sbom-spdx.json', '{}');

      const result = await publish({
        files: 'sbom-spdx.json',
        tag: 'v3.0.0',
        'create-draft': 'true',
        'target-commitish': SHA,
        'release-notes': commands('v3.0.0'),
      });

      expect(errors(result)).toEqual([]);
      const [created] = api.requestsTo('POST', /\/releases$/);
      expect(created?.json).toEqual({
        tag_name: 'v3.0.0',
        name: 'v3.0.0',
        draft: true,
        target_commitish: SHA,
        body: `${START}\n${commands('v3.0.0').trim()}\n${END}`,
      });
      expect(api.releases).toMatchObject([{ draft: true, targetCommitish: SHA }]);
      expect(api.releases[0]?.body).toBe(`${START}\n${commands('v3.0.0').trim()}\n${END}`);
      expect(patches()).toHaveLength(0);
      expect(result.summary).toContain(
        'The verification commands were written to the release notes when the draft was created.',
      );
    });

    it('appends to an unrelated body, replaces the block on a rerun, and makes no call when nothing changes', async () => {
      const people = '## What changed\r\n\r\n* Faster scans by @someone in #12\r\n';
      const release = api.addRelease('v1.2.0', { body: people, targetCommitish: 'main' });
      write('sbom-spdx.json', '{}');
      const run = (notes: string) =>
        publish({ files: 'sbom-spdx.json', tag: 'v1.2.0', 'target-commitish': SHA, 'release-notes': notes });

      const first = await run(commands('v1.2.0'));
      expect(errors(first)).toEqual([]);
      const firstBody = `${people}\r\n${START}\r\n${commands('v1.2.0').trim().replace(/\n/g, '\r\n')}\r\n${END}`;
      expect(release.body).toBe(firstBody);
      expect(release.targetCommitish).toBe('main');
      expect(patches().map((r) => r.json)).toEqual([{ body: firstBody }]);
      expect(first.summary).toContain('The verification commands were written to the release notes.');

      const second = await run('release-actions verify other');
      expect(errors(second)).toEqual([]);
      expect(release.body).toBe(`${people}\r\n${START}\r\nrelease-actions verify other\r\n${END}`);
      expect(release.body?.split(START)).toHaveLength(2);
      expect(patches()).toHaveLength(2);

      const third = await run('release-actions verify other\n');
      expect(errors(third)).toEqual([]);
      expect(patches()).toHaveLength(2);
      expect(third.summary).toContain(
        'The release notes already held these verification commands; the body was not changed.',
      );
      expect(api.requests.every((r) => r.method !== 'POST' || r.server === 'uploads')).toBe(true);
    });

    it('refuses a bad target-commitish and notes holding a marker with one line, before any request', async () => {
      write('sbom-spdx.json', '{}');
      const cases: [Record<string, string>, string][] = [
        [
          { 'target-commitish': 'main branch' },
          `Input 'target-commitish': "main branch" is neither a commit SHA nor a branch name; use the full 40-hex commit SHA (github.sha) or a branch name.`,
        ],
        [
          { 'target-commitish': SHA.slice(0, 12) },
          `Input 'target-commitish': "${SHA.slice(0, 12)}" looks like a commit SHA but is not 40 hex digits; use the full 40-hex commit SHA (github.sha) or a branch name.`,
        ],
        [
          { 'release-notes': `cosign verify x\n${END}` },
          `Input 'release-notes': the notes contain the marker ${END}, which delimits the block they are written into; remove it.`,
        ],
      ];
      for (const [inputs, expected] of cases) {
        const result = await publish({
          files: 'sbom-spdx.json',
          tag: 'v1.2.0',
          'create-draft': 'true',
          ...inputs,
        });
        expect(result.exitCode).toBe(1);
        expect(errors(result)).toEqual([expected]);
      }
      expect(api.requests).toHaveLength(0);
    });
  });
});

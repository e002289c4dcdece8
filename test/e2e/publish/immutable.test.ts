import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitHubApiStandIn, type RecordedRequest } from '../../harness/github-api.js';
import { errors, runBundle, type BundleResult } from '../../harness/run-bundle.js';

/**
 * The shipped publish bundle with publish-release and make-latest, against the loopback GitHub
 * API of a repository whose releases become immutable when published.
 */

const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const START = '<!-- release-actions:verify:start -->';
const END = '<!-- release-actions:verify:end -->';

let api: GitHubApiStandIn;
let scratch: string;
let workspace: string;

beforeEach(async () => {
  api = await GitHubApiStandIn.start({ token: TOKEN, immutableReleases: true });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'publish-immutable-e2e-'));
  workspace = path.join(scratch, 'workspace');
  mkdirSync(workspace);
});

afterEach(async () => {
  await api.close();
  rmSync(scratch, { recursive: true, force: true });
});

function write(name: string, content: string): void {
  writeFileSync(path.join(workspace, name), content);
}

function publish(inputs: Record<string, string>): Promise<BundleResult> {
  return runBundle('publish', {
    workspace,
    inputs: { token: TOKEN, repository: 'aotanami/aotanami', tag: 'v1.2.0', ...inputs },
    env: { GITHUB_API_URL: api.url },
  });
}

/** The writes in the order GitHub got them: "POST /releases", "UPLOAD name", "PATCH {json}". */
function writes(requests: readonly RecordedRequest[] = api.requests): string[] {
  return requests
    .filter((r) => r.method !== 'GET')
    .map((r) => {
      const url = new URL(r.url, 'http://127.0.0.1');
      if (r.server === 'uploads') return `UPLOAD ${url.searchParams.get('name')}`;
      const where = url.pathname.replace(/^\/repos\/aotanami\/aotanami/, '').replace(/\d+/g, '{id}');
      return `${r.method} ${where}${r.method === 'PATCH' ? ` ${JSON.stringify(r.json)}` : ''}`;
    });
}

describe('publish action: publish-release and immutable releases', () => {
  it('creates the draft, attaches every file, writes the notes, and publishes it last with make_latest', async () => {
    write('sbom-spdx.json', '{"spdxVersion":"SPDX-2.3"}');
    write('scan.sarif', '{"version":"2.1.0"}');

    const result = await publish({
      files: 'sbom-spdx.json\nscan.sarif',
      'create-draft': 'true',
      'publish-release': 'true',
      'make-latest': 'false',
      'release-notes': 'release-actions verify x\n',
    });

    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(writes()).toEqual([
      'POST /releases',
      'UPLOAD sbom-spdx.json',
      'UPLOAD scan.sarif',
      'PATCH /releases/{id} {"draft":false,"make_latest":"false"}',
    ]);
    expect(api.requestsTo('POST', /\/releases$/)[0]?.json).toMatchObject({
      draft: true,
      body: `${START}\nrelease-actions verify x\n${END}`,
    });
    expect(api.releases).toMatchObject([
      { tag: 'v1.2.0', draft: false, immutable: true, makeLatest: 'false' },
    ]);
    expect(result.outputs['release-url']).toBe('https://github.com/aotanami/aotanami/releases/tag/v1.2.0');
    expect(JSON.parse(result.outputs['asset-urls'] ?? '')).toEqual({
      'sbom-spdx.json': 'https://github.com/aotanami/aotanami/releases/download/v1.2.0/sbom-spdx.json',
      'scan.sarif': 'https://github.com/aotanami/aotanami/releases/download/v1.2.0/scan.sarif',
    });
    expect(result.summary).toContain(
      '(created as a draft by this run; published by this run with make_latest false; immutable: GitHub has locked its assets and tag).',
    );
    expect(result.outputs['outcome']).toBe('passed');
  });

  it('a rerun on the draft replaces its assets; publish-release then publishes it, and a third run finds it in place', async () => {
    write('sbom-spdx.json', '{"a":1}');
    const first = await publish({ files: 'sbom-spdx.json', 'create-draft': 'true' });
    expect(errors(first)).toEqual([]);
    const [release] = api.releases;
    expect(release).toMatchObject({ draft: true, immutable: false });
    const before = api.requests.length;

    write('sbom-spdx.json', '{"a":2}');
    const second = await publish({
      files: 'sbom-spdx.json',
      'create-draft': 'true',
      'publish-release': 'true',
    });

    expect(errors(second)).toEqual([]);
    expect(writes(api.requests.slice(before))).toEqual([
      'DELETE /releases/assets/{id}',
      'UPLOAD sbom-spdx.json',
      'PATCH /releases/{id} {"draft":false,"make_latest":"true"}',
    ]);
    expect(release?.assets.map((a) => a.data.toString())).toEqual(['{"a":2}']);
    expect(release).toMatchObject({ draft: false, immutable: true });
    expect(second.summary).toContain('| replaced |');

    const after = api.requests.length;
    const third = await publish({
      files: 'sbom-spdx.json',
      'create-draft': 'true',
      'publish-release': 'true',
    });
    expect(errors(third)).toEqual([]);
    expect(writes(api.requests.slice(after))).toEqual([]);
    expect(third.summary).toContain('| unchanged |');
  });

  it('fails on a published immutable release with one line, before any asset is deleted or uploaded', async () => {
    const release = api.addRelease('v1.2.0');
    api.addAsset(release, 'sbom-spdx.json', 'old', { contentType: 'application/json' });
    write('sbom-spdx.json', '{}');

    const result = await publish({ files: 'sbom-spdx.json', 'publish-release': 'true' });

    expect(result.exitCode).toBe(1);
    expect(errors(result)).toEqual([
      "Input 'tag': the release of v1.2.0 in aotanami/aotanami is published and immutable: GitHub locks its assets and tag, so sbom-spdx.json cannot be attached or replaced; nothing was changed. Publish from a draft instead: for a tag without a release, set 'create-draft' and 'publish-release' (the draft gets every asset, then is published); or release under a new tag.",
    ]);
    expect(result.annotations.find((a) => a.level === 'error')?.properties['title']).toBe(
      'RELEASE_IMMUTABLE',
    );
    expect(result.outputs['outcome']).toBe('error');
    expect(api.requests.filter((r) => r.method === 'DELETE' || r.server === 'uploads')).toEqual([]);
    expect(writes()).toEqual([]);
    expect(release.assets.map((a) => a.data.toString())).toEqual(['old']);
  });

  it('refuses a make-latest GitHub does not take with one line, before any request', async () => {
    write('sbom-spdx.json', '{}');

    const result = await publish({
      files: 'sbom-spdx.json',
      'publish-release': 'true',
      'make-latest': 'newest',
    });

    expect(result.exitCode).toBe(1);
    expect(errors(result)).toEqual([
      `Input 'make-latest': "newest" is not accepted; use true, false or legacy.`,
    ]);
    expect(api.requests).toHaveLength(0);
  });
});

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliInputNames, describeError, InputError, Markdown, type Logger } from '@release-actions/core';
import {
  checkMakeLatest,
  NOTES_END,
  NOTES_START,
  publishJson,
  publishReleaseAssets,
  renderPublishSummary,
  renderPublishText,
  type PublishOptions,
} from '@release-actions/github';
import { GitHubApiStandIn, githubBodies, type RecordedRequest } from '../../harness/github-api.js';

/**
 * Publishing a draft once its assets are attached (GitHub's flow for immutable releases), and the
 * refusal of a published immutable release, against the loopback GitHub API.
 */

const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const FAST = { retries: 1, retryUnitMs: 1, writeSpacingMs: 0 };

let api: GitHubApiStandIn;
let dir: string;
let lines: string[];
const logger: Logger = {
  debug: (m) => lines.push(`debug ${m}`),
  info: (m) => lines.push(`info ${m}`),
  notice: (m) => lines.push(`notice ${m}`),
  warning: (m) => lines.push(`warning ${m}`),
};

beforeEach(async () => {
  api = await GitHubApiStandIn.start({ token: TOKEN, immutableReleases: true });
  dir = mkdtempSync(path.join(os.tmpdir(), 'publish-immutable-'));
  lines = [];
});

afterEach(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
  expect(lines.join('\n')).not.toContain(TOKEN);
});

function file(name: string, content: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

function options(files: string[], extra: Partial<PublishOptions> = {}): PublishOptions {
  return {
    repository: 'aotanami/aotanami',
    tag: 'v1.2.0',
    files,
    token: TOKEN,
    baseUrl: api.url,
    logger,
    tuning: FAST,
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).not.toContain(TOKEN);
  return error as InputError;
}

/** Each request as "METHOD path" (uploads as "UPLOAD name"), in the order the stand-in got them. */
function steps(requests: readonly RecordedRequest[] = api.requests): string[] {
  return requests.map((r) => {
    const url = new URL(r.url, 'http://127.0.0.1');
    if (r.server === 'uploads') return `UPLOAD ${url.searchParams.get('name')}`;
    return `${r.method} ${url.pathname.replace(/^\/repos\/aotanami\/aotanami/, '')}`;
  });
}

const writes = () => api.requests.filter((r) => r.method !== 'GET');
const assetWrites = () => api.requests.filter((r) => r.server === 'uploads' || r.method === 'DELETE');

describe('publish-release: create or find a draft, attach every asset, then publish it', () => {
  it('creates the draft, uploads, and publishes last with make_latest, in that order', async () => {
    const result = await publishReleaseAssets(
      options([file('sbom-spdx.json', '{"a":1}'), file('sbom-cyclonedx.json', '{"b":2}')], {
        createDraft: true,
        publishRelease: true,
        releaseNotes: 'release-actions verify x',
      }),
    );

    const [release] = api.releases;
    expect(steps(writes())).toEqual([
      'POST /releases',
      'UPLOAD sbom-spdx.json',
      'UPLOAD sbom-cyclonedx.json',
      `PATCH /releases/${release!.id}`,
    ]);
    const [create, , , publish] = writes();
    // The notes are in the draft from the start: never written after the publication.
    expect(create?.json).toMatchObject({
      draft: true,
      body: `${NOTES_START}\nrelease-actions verify x\n${NOTES_END}`,
    });
    expect(publish?.json).toEqual({ draft: false, make_latest: 'true' });
    expect(release).toMatchObject({ draft: false, immutable: true, makeLatest: 'true' });
    expect(api.latestReleaseId).toBe(release!.id);
    expect(result).toMatchObject({
      created: true,
      published: true,
      draft: false,
      immutable: true,
      makeLatest: 'true',
      notes: 'created',
      releaseUrl: 'https://github.com/aotanami/aotanami/releases/tag/v1.2.0',
    });
    // The URLs are the published release's, not the draft's untagged-<id> ones.
    expect(result.assets.map((a) => a.url)).toEqual([
      'https://github.com/aotanami/aotanami/releases/download/v1.2.0/sbom-spdx.json',
      'https://github.com/aotanami/aotanami/releases/download/v1.2.0/sbom-cyclonedx.json',
    ]);
    expect(lines).toContain(
      'info Published the release of v1.2.0 (make_latest true): https://github.com/aotanami/aotanami/releases/tag/v1.2.0; it is immutable: GitHub has locked its assets and tag.',
    );
    // Now published, the tag lookup finds it.
    expect((await fetch(`${api.url}/repos/aotanami/aotanami/releases/tags/v1.2.0`, auth())).status).toBe(200);
  });

  it('on a draft that exists: replaces its assets, writes the notes, then publishes with make_latest legacy', async () => {
    const release = api.addRelease('v1.2.0', { draft: true, body: 'Highlights' });
    const old = api.addAsset(release, 'sbom-spdx.json', 'old', { contentType: 'application/json' });
    api.addAsset(release, 'kept.json', '{}');

    const result = await publishReleaseAssets(
      options([file('sbom-spdx.json', '{"new":true}')], {
        publishRelease: true,
        makeLatest: 'legacy',
        releaseNotes: 'cmd',
      }),
    );

    expect(steps()).toEqual([
      'GET /releases/tags/v1.2.0',
      'GET /releases',
      `GET /releases/${release.id}/assets`,
      // Read again just before its old asset is deleted: still a draft.
      `GET /releases/${release.id}`,
      `DELETE /releases/assets/${old.id}`,
      'UPLOAD sbom-spdx.json',
      `PATCH /releases/${release.id}`,
      `PATCH /releases/${release.id}`,
      // The published release's download URLs.
      `GET /releases/${release.id}/assets`,
    ]);
    const patches = api.requestsTo('PATCH', /\/releases\/\d+$/).map((r) => r.json);
    expect(patches).toEqual([
      { body: `Highlights\n\n${NOTES_START}\ncmd\n${NOTES_END}` },
      { draft: false, make_latest: 'legacy' },
    ]);
    expect(release.assets.map((a) => [a.name, a.data.toString()])).toEqual([
      ['kept.json', '{}'],
      ['sbom-spdx.json', '{"new":true}'],
    ]);
    expect(release).toMatchObject({ draft: false, immutable: true, makeLatest: 'legacy' });
    expect(api.latestReleaseId).toBeUndefined();
    expect(result).toMatchObject({ created: false, published: true, notes: 'updated', makeLatest: 'legacy' });
    expect(result.assets[0]?.outcome).toBe('replaced');
  });

  it('without publish-release a draft stays a draft, whatever make-latest says', async () => {
    const release = api.addRelease('v1.2.0', { draft: true });

    const result = await publishReleaseAssets(options([file('a.json', '{}')], { makeLatest: 'false' }));

    expect(release.draft).toBe(true);
    expect(api.requestsTo('PATCH', /\/releases\/\d+$/)).toHaveLength(0);
    expect(result).toMatchObject({ draft: true, published: false, immutable: false });
    expect(result.makeLatest).toBeUndefined();
  });

  it('on a published release that is not immutable: replaces as before and has nothing to publish', async () => {
    api.immutableReleases = false;
    const release = api.addRelease('v1.2.0');
    const old = api.addAsset(release, 'a.json', 'old');

    const result = await publishReleaseAssets(
      options([file('a.json', '{}')], { publishRelease: true, makeLatest: 'false' }),
    );

    expect(steps(writes())).toEqual([`DELETE /releases/assets/${old.id}`, 'UPLOAD a.json']);
    expect(result).toMatchObject({ published: false, immutable: false, draft: false });
    expect(result.assets[0]?.outcome).toBe('replaced');
    expect(lines).toContain('info The release of v1.2.0 is already published; there is nothing to publish.');
  });

  it('refuses a make-latest value GitHub does not take, before any request, naming the input for each front end', async () => {
    expect(checkMakeLatest(undefined)).toBe('true');
    expect(checkMakeLatest(' Legacy ')).toBe('legacy');
    const error = await failure(
      publishReleaseAssets(options([file('a.json', '{}')], { publishRelease: true, makeLatest: 'yes' })),
    );
    expect(error.message).toBe(`Input 'make-latest': "yes" is not accepted; use true, false or legacy.`);
    expect(describeError(error, cliInputNames())).toBe(
      `--make-latest: "yes" is not accepted; use true, false or legacy.`,
    );
    expect(api.requests).toHaveLength(0);
  });
});

describe('a published immutable release', () => {
  const WAY_OUT =
    "Publish from a draft instead: for a tag without a release, set 'create-draft' and 'publish-release' (the draft gets every asset, then is published); or release under a new tag.";

  it('is refused before any asset is touched, with one line naming immutability and the way out', async () => {
    const release = api.addRelease('v1.2.0');
    api.addAsset(release, 'sbom-spdx.json', 'old', { contentType: 'application/json' });

    const error = await failure(
      publishReleaseAssets(
        options([file('sbom-spdx.json', '{}'), file('scan.sarif', '{}')], {
          publishRelease: true,
          releaseNotes: 'cmd',
        }),
      ),
    );

    expect(error.code).toBe('RELEASE_IMMUTABLE');
    expect(error.message).toBe(
      `Input 'tag': the release of v1.2.0 in aotanami/aotanami is published and immutable: GitHub locks its assets and tag, so sbom-spdx.json, scan.sarif cannot be attached or replaced; nothing was changed. ${WAY_OUT}`,
    );
    expect(describeError(error, cliInputNames())).toContain(
      'set --create-draft and --publish-release (the draft gets every asset',
    );
    expect(steps()).toEqual(['GET /releases/tags/v1.2.0', `GET /releases/${release.id}/assets`]);
    expect(release.assets.map((a) => a.data.toString())).toEqual(['old']);
    expect(release.body).toBeNull();
  });

  it('is left as it is when it already holds every file: a rerun after the publication passes', async () => {
    const files = [file('sbom-spdx.json', '{"a":1}')];
    const first = await publishReleaseAssets(options(files, { createDraft: true, publishRelease: true }));
    const count = api.requests.length;

    const second = await publishReleaseAssets(options(files, { createDraft: true, publishRelease: true }));

    expect(first.published).toBe(true);
    expect(steps(api.requests.slice(count))).toEqual([
      'GET /releases/tags/v1.2.0',
      `GET /releases/${first.releaseId}/assets`,
    ]);
    expect(second).toMatchObject({ published: false, immutable: true, draft: false, created: false });
    expect(second.assets.map((a) => [a.outcome, a.url])).toEqual([['unchanged', first.assets[0]!.url]]);
  });

  it('names GitHub’s 422 when a deletion is refused for immutability, and uploads nothing after it', async () => {
    api.immutableReleases = false;
    const release = api.addRelease('v1.2.0');
    api.addAsset(release, 'a.json', 'old');
    api.fault({ method: 'DELETE', status: 422, body: githubBodies.immutableDelete });

    const error = await failure(publishReleaseAssets(options([file('a.json', '{}')])));

    expect(error.code).toBe('RELEASE_IMMUTABLE');
    expect(error.message).toContain(
      'is published and immutable: GitHub locks its assets and tag (422 Validation Failed: Cannot delete asset from an immutable release), so a.json cannot be attached or replaced; no asset was lost.',
    );
    expect(api.requests.some((r) => r.server === 'uploads')).toBe(false);
    expect(release.assets).toHaveLength(1);
  });

  it('refuses a tag that belonged to an immutable release, naming a new tag as the way out', async () => {
    api.burnedTags.add('v1.2.0');

    const error = await failure(publishReleaseAssets(options([file('a.json', '{}')], { createDraft: true })));

    expect(error.code).toBe('RELEASE_IMMUTABLE');
    expect(error.message).toBe(
      "Input 'tag': aotanami/aotanami cannot release the tag v1.2.0 (422 Validation Failed: tag_name was used by an immutable release): it belonged to an immutable release, and GitHub never lets such a tag be used again. Release under a new tag.",
    );
    expect(api.releases).toHaveLength(0);
  });
});

describe('a draft published by someone else while this run attaches its assets', () => {
  it('is read again before an old asset is deleted: nothing is deleted from the now immutable release', async () => {
    const release = api.addRelease('v1.2.0', { draft: true });
    api.addAsset(release, 'a.json', 'old');
    api.onRequest((request) => {
      if (
        request.method === 'GET' &&
        request.url.startsWith(`/repos/aotanami/aotanami/releases/${release.id}/assets`)
      ) {
        api.publish(release);
      }
    });

    const error = await failure(publishReleaseAssets(options([file('a.json', '{}'), file('b.json', '{}')])));

    expect(error.code).toBe('RELEASE_IMMUTABLE');
    expect(error.message).toMatch(
      /^Input 'tag': the release of v1\.2\.0 in aotanami\/aotanami was published while this run attached its assets, and is immutable: GitHub locks its assets and tag, so a\.json, b\.json cannot be attached or replaced; no asset was lost\. Publish from a draft/,
    );
    expect(assetWrites()).toHaveLength(0);
    expect(release.assets.map((a) => a.data.toString())).toEqual(['old']);
  });

  it('stops at the first upload GitHub refuses for immutability, naming what is still to attach', async () => {
    const release = api.addRelease('v1.2.0', { draft: true });
    api.onRequest((request) => {
      const name = new URL(request.url, api.url).searchParams.get('name');
      if (request.server === 'uploads' && name === 'b.json') api.publish(release);
    });

    const error = await failure(
      publishReleaseAssets(
        options([file('a.json', '{}'), file('b.json', '{}'), file('c.json', '{}')], { publishRelease: true }),
      ),
    );

    expect(error.message).toContain(
      'was published while this run attached its assets, and is immutable: GitHub locks its assets and tag (422 Cannot upload assets to an immutable release.), so b.json, c.json cannot be attached or replaced; no asset was lost.',
    );
    expect(steps(assetWrites())).toEqual(['UPLOAD a.json', 'UPLOAD b.json']);
    expect(api.requestsTo('PATCH', /\/releases\/\d+$/)).toHaveLength(0);
    expect(release.assets.map((a) => a.name)).toEqual(['a.json']);
  });

  it('says which old asset was lost when GitHub locked the draft between its deletion and the new upload', async () => {
    const release = api.addRelease('v1.2.0', { draft: true });
    api.addAsset(release, 'a.json', 'old');
    api.onRequest((request) => {
      if (request.method === 'DELETE') setImmediate(() => api.publish(release));
    });

    const error = await failure(publishReleaseAssets(options([file('a.json', '{}')])));

    expect(error.message).toContain(
      '; a.json had been deleted from the draft to be replaced and could not be attached again. Publish from a draft',
    );
  });

  it('when published but not immutable, its assets are replaced as on any published release', async () => {
    api.immutableReleases = false;
    const release = api.addRelease('v1.2.0', { draft: true });
    api.addAsset(release, 'a.json', 'old');
    api.onRequest((request) => {
      if (request.method === 'GET' && request.url.includes('/assets')) api.publish(release);
    });

    const result = await publishReleaseAssets(options([file('a.json', '{}')], { publishRelease: true }));

    expect(result).toMatchObject({ draft: false, published: false, immutable: false });
    expect(release.assets.map((a) => a.data.toString())).toEqual(['{}']);
    expect(lines).toContain(
      'info The draft of v1.2.0 was published meanwhile; its assets are replaced as on any published release.',
    );
  });
});

describe('the report of a publication', () => {
  it('says the run published the release, with make_latest, and that it is immutable', async () => {
    const result = await publishReleaseAssets(
      options([file('a.json', '{}')], { createDraft: true, publishRelease: true, makeLatest: 'false' }),
    );

    expect(renderPublishSummary(result, new Markdown()).toString()).toContain(
      'Release [v1.2.0](https://github.com/aotanami/aotanami/releases/tag/v1.2.0) of aotanami/aotanami (created as a draft by this run; published by this run with make_latest false; immutable: GitHub has locked its assets and tag).',
    );
    expect(renderPublishText(result).split('\n')[0]).toBe(
      'Release v1.2.0 of aotanami/aotanami: 1 asset(s) published (1 uploaded), the draft created by this run, the release published by this run (make_latest false), immutable; https://github.com/aotanami/aotanami/releases/tag/v1.2.0',
    );
    expect(JSON.parse(publishJson(result))).toMatchObject({
      draft: false,
      created: true,
      published: true,
      immutable: true,
      'make-latest': 'false',
    });
  });
});

function auth(): RequestInit {
  return { headers: { authorization: `token ${TOKEN}` } };
}

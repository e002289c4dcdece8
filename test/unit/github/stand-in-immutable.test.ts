import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHubApiStandIn } from '../../harness/github-api.js';

/** The stand-in's immutable releases behave as GitHub documents them; checked with plain fetch. */

const TOKEN = 'ghs_standintokenstandintoken000000';
let api: GitHubApiStandIn;

beforeEach(async () => {
  api = await GitHubApiStandIn.start({ token: TOKEN, immutableReleases: true });
});

afterEach(async () => {
  await api.close();
});

const send = (method: string, url: string, payload?: unknown) =>
  fetch(url.startsWith('http') ? url : `${api.url}${url}`, {
    method,
    headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
const upload = (id: number, name: string) =>
  send('POST', `${api.uploadUrl}/repos/aotanami/aotanami/releases/${id}/assets?name=${name}`, {});

describe('GitHub REST stand-in: immutable releases', () => {
  it('publishes a draft with PATCH draft:false: the tag lookup sees it, it is immutable, make_latest is recorded', async () => {
    const created = await send('POST', '/repos/aotanami/aotanami/releases', { tag_name: 'v1', draft: true });
    const draft = (await created.json()) as { id: number; immutable: boolean };
    expect(draft.immutable).toBe(false);
    expect((await upload(draft.id, 'a.json')).status).toBe(201);
    expect((await send('GET', '/repos/aotanami/aotanami/releases/tags/v1')).status).toBe(404);

    const patched = await send('PATCH', `/repos/aotanami/aotanami/releases/${draft.id}`, {
      draft: false,
      make_latest: 'true',
    });

    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      draft: false,
      immutable: true,
      html_url: 'https://github.com/aotanami/aotanami/releases/tag/v1',
    });
    const byTag = await send('GET', '/repos/aotanami/aotanami/releases/tags/v1');
    expect(byTag.status).toBe(200);
    expect(await byTag.json()).toMatchObject({ id: draft.id, immutable: true });
    expect(api.release('v1')).toMatchObject({ makeLatest: 'true', immutable: true });
    expect(await (await send('GET', '/repos/aotanami/aotanami/releases/latest')).json()).toMatchObject({
      id: draft.id,
    });
    expect(await (await send('GET', `/repos/aotanami/aotanami/releases/${draft.id}`)).json()).toMatchObject({
      id: draft.id,
      draft: false,
    });
  });

  it("refuses uploads, deletions, a move back to draft and a new tag with GitHub's 422s; the notes stay editable", async () => {
    const release = api.addRelease('v1');
    const asset = api.addAsset(release, 'a.json', '{}');
    expect(release.immutable).toBe(true);

    const refusedUpload = await upload(release.id, 'b.json');
    expect(refusedUpload.status).toBe(422);
    expect(await refusedUpload.json()).toMatchObject({
      message: 'Cannot upload assets to an immutable release.',
      status: '422',
    });
    const refusedDelete = await send('DELETE', `/repos/aotanami/aotanami/releases/assets/${asset.id}`);
    expect(refusedDelete.status).toBe(422);
    expect(await refusedDelete.json()).toMatchObject({
      message: 'Validation Failed',
      errors: [
        {
          resource: 'ReleaseAsset',
          code: 'custom',
          message: 'Cannot delete asset from an immutable release',
        },
      ],
    });
    const back = await send('PATCH', `/repos/aotanami/aotanami/releases/${release.id}`, { draft: true });
    expect(back.status).toBe(422);
    const retag = await send('PATCH', `/repos/aotanami/aotanami/releases/${release.id}`, { tag_name: 'v2' });
    expect(retag.status).toBe(422);
    expect(await retag.json()).toMatchObject({ errors: [{ field: 'tag_name' }] });
    const notes = await send('PATCH', `/repos/aotanami/aotanami/releases/${release.id}`, {
      body: 'new notes',
      make_latest: 'false',
    });
    expect(notes.status).toBe(200);
    expect(release).toMatchObject({ body: 'new notes', draft: false, tag: 'v1', makeLatest: 'false' });
    expect(release.assets.map((a) => a.name)).toEqual(['a.json']);
  });

  it('makes nothing immutable with the setting off, refuses an unknown make_latest, and a tag of an immutable release', async () => {
    api.immutableReleases = false;
    const release = api.addRelease('v1');
    expect(release.immutable).toBe(false);
    expect((await upload(release.id, 'a.json')).status).toBe(201);

    const bad = await send('PATCH', `/repos/aotanami/aotanami/releases/${release.id}`, {
      make_latest: 'yes',
    });
    expect(bad.status).toBe(422);
    expect(release.makeLatest).toBeUndefined();

    api.burnedTags.add('v0');
    const burned = await send('POST', '/repos/aotanami/aotanami/releases', { tag_name: 'v0', draft: true });
    expect(burned.status).toBe(422);
    expect(await burned.json()).toMatchObject({
      errors: [{ field: 'tag_name', message: 'tag_name was used by an immutable release' }],
    });
    expect(api.releases.map((r) => r.tag)).toEqual(['v1']);
  });
});

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHubApiStandIn } from '../../harness/github-api.js';

/** The stand-in behaves like GitHub where the client depends on it; checked here with plain fetch. */

const TOKEN = 'ghs_standintokenstandintoken000000';
let api: GitHubApiStandIn;

beforeEach(async () => {
  api = await GitHubApiStandIn.start({ token: TOKEN });
});

afterEach(async () => {
  await api.close();
});

const get = (url: string, token = TOKEN) =>
  fetch(url.startsWith('http') ? url : `${api.url}${url}`, {
    headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json' },
  });

describe('GitHub REST stand-in', () => {
  it("paginates with GitHub's Link header: absolute /repositories/{id} URLs, prev, next, last, first", async () => {
    const release = api.addRelease('v1');
    for (let i = 0; i < 250; i++) api.addAsset(release, `a-${i}.txt`, String(i));

    const first = await get(`/repos/aotanami/aotanami/releases/${release.id}/assets?per_page=100`);
    const base = `${api.url}/repositories/${api.repositoryId}/releases/${release.id}/assets?per_page=100`;
    expect(first.headers.get('link')).toBe(`<${base}&page=2>; rel="next", <${base}&page=3>; rel="last"`);
    expect((await first.json()) as unknown[]).toHaveLength(100);

    const second = await get(`${base}&page=2`);
    expect(second.headers.get('link')).toBe(
      `<${base}&page=1>; rel="prev", <${base}&page=3>; rel="next", <${base}&page=3>; rel="last", <${base}&page=1>; rel="first"`,
    );
    const third = await get(`${base}&page=3`);
    expect(third.headers.get('link')).toBe(`<${base}&page=2>; rel="prev", <${base}&page=1>; rel="first"`);
    expect(((await third.json()) as { name: string }[]).map((a) => a.name)[0]).toBe('a-200.txt');
  });

  it('hides drafts from the tag lookup but lists them, and refuses a wrong token', async () => {
    api.addRelease('v2', { draft: true });

    expect((await get('/repos/aotanami/aotanami/releases/tags/v2')).status).toBe(404);
    const listed = (await (await get('/repos/aotanami/aotanami/releases')).json()) as { tag_name: string }[];
    expect(listed.map((r) => r.tag_name)).toEqual(['v2']);
    const refused = await get('/repos/aotanami/aotanami/releases', 'ghs_wrong');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ message: 'Bad credentials' });
    expect(api.requests.map((r) => r.auth)).toEqual(['valid', 'valid', 'invalid']);
    expect(api.requests.every((r) => !('authorization' in r.headers))).toBe(true);
  });

  it('takes uploads only on the upload origin, and refuses a second asset of the same name', async () => {
    const release = api.addRelease('v1');
    const upload = (origin: string) =>
      fetch(`${origin}/repos/aotanami/aotanami/releases/${release.id}/assets?name=a.json`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: '{}',
      });

    expect((await upload(api.url)).status).toBe(404);
    const created = await upload(api.uploadUrl);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      name: 'a.json',
      size: 2,
      state: 'uploaded',
      content_type: 'application/json',
      digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    });
    const again = await upload(api.uploadUrl);
    expect(again.status).toBe(422);
    expect(await again.json()).toMatchObject({ errors: [{ code: 'already_exists', field: 'name' }] });
  });

  it('stores body and target_commitish on create, updates the body with PATCH, and 404s an unknown id', async () => {
    const send = (method: string, url: string, payload: unknown) =>
      fetch(`${api.url}${url}`, {
        method,
        headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
    const sha = 'a3f1c2d4e5b6a7980123456789abcdef01234567';

    const created = await send('POST', '/repos/aotanami/aotanami/releases', {
      tag_name: 'v3',
      draft: true,
      body: 'notes',
      target_commitish: sha,
    });
    expect(created.status).toBe(201);
    const json = (await created.json()) as { id: number };
    expect(json).toMatchObject({ tag_name: 'v3', draft: true, body: 'notes', target_commitish: sha });
    expect(api.addRelease('v4')).toMatchObject({ body: null, targetCommitish: 'main' });

    const patched = await send('PATCH', `/repos/aotanami/aotanami/releases/${json.id}`, { body: 'new' });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      id: json.id,
      body: 'new',
      target_commitish: sha,
      draft: true,
    });
    expect(api.release('v3')).toMatchObject({ body: 'new', targetCommitish: sha, draft: true });

    const missing = await send('PATCH', '/repos/aotanami/aotanami/releases/999999', { body: 'x' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest/releases/releases#update-a-release',
    });
    const tooLong = await send('PATCH', `/repos/aotanami/aotanami/releases/${json.id}`, {
      body: 'x'.repeat(125_001),
    });
    expect(tooLong.status).toBe(422);
    expect(await tooLong.json()).toMatchObject({
      message: 'Validation Failed',
      errors: [{ field: 'body', message: 'body is too long (maximum is 125000 characters)' }],
    });
    expect(api.release('v3')?.body).toBe('new');
    expect(api.requestsTo('PATCH', /\/releases\/\d+$/).map((r) => r.status)).toEqual([200, 404, 422]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliInputNames, describeError, InputError, OperationalError } from '@release-actions/core';
import {
  MAX_RELEASE_BODY,
  NOTES_END,
  NOTES_START,
  publishReleaseAssets,
  type PublishOptions,
} from '@release-actions/github';
import type { Logger } from '@release-actions/core';
import { faults, GitHubApiStandIn } from '../../harness/github-api.js';

// A token of GitHub's installation-token shape, so that both redaction paths (known value and
// token shape) are exercised; it must appear in no log line and no error.
const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const FAST = { retries: 3, retryUnitMs: 1, writeSpacingMs: 0 };

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
  api = await GitHubApiStandIn.start({ token: TOKEN });
  dir = mkdtempSync(path.join(os.tmpdir(), 'publish-unit-'));
  lines = [];
});

afterEach(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
  // Whatever each test did, the token must not have reached the log.
  expect(lines.join('\n')).not.toContain(TOKEN);
});

function file(name: string, content: string | Buffer): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

function options(files: string[], extra: Partial<PublishOptions> = {}): PublishOptions {
  return {
    repository: `${api.owner}/${api.repo}`,
    tag: 'v1.2.0',
    files,
    token: TOKEN,
    baseUrl: api.url,
    logger,
    tuning: FAST,
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect(String((error as Error).message)).not.toContain(TOKEN);
  return error as Error;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('publishReleaseAssets', () => {
  it('uploads each file to the upload origin of the release with its content type', async () => {
    const release = api.addRelease('v1.2.0');
    const files = [
      file('sbom-spdx.json', '{"spdxVersion":"SPDX-2.3"}'),
      file('scan.sarif', '{"version":"2.1.0"}'),
      file('chart-1.0.0.tgz', Buffer.from([0x1f, 0x8b, 8, 0])),
      file('provenance.intoto.jsonl', '{"payloadType":"application/vnd.in-toto+json"}\n'),
      file('checksums.txt', 'abc  file\n'),
    ];

    const result = await publishReleaseAssets(options(files));

    expect(result.releaseId).toBe(release.id);
    expect(result.created).toBe(false);
    expect(result.releaseUrl).toBe('https://github.com/aotanami/aotanami/releases/tag/v1.2.0');
    expect(release.assets.map((a) => [a.name, a.contentType])).toEqual([
      ['sbom-spdx.json', 'application/json'],
      ['scan.sarif', 'application/sarif+json'],
      ['chart-1.0.0.tgz', 'application/gzip'],
      ['provenance.intoto.jsonl', 'application/vnd.in-toto+json'],
      ['checksums.txt', 'application/octet-stream'],
    ]);
    expect(release.assets[0]?.data.toString()).toBe('{"spdxVersion":"SPDX-2.3"}');
    expect(result.assets.map((a) => a.outcome)).toEqual(Array(5).fill('uploaded'));
    expect(result.assets[0]).toMatchObject({
      name: 'sbom-spdx.json',
      size: 26,
      sha256: sha256('{"spdxVersion":"SPDX-2.3"}'),
      url: 'https://github.com/aotanami/aotanami/releases/download/v1.2.0/sbom-spdx.json',
    });
    const uploads = api.requests.filter((r) => r.method === 'POST');
    expect(uploads).toHaveLength(5);
    expect(uploads.every((r) => r.server === 'uploads')).toBe(true);
    const first = new URL(uploads[0]?.url ?? '', 'http://127.0.0.1');
    expect(first.pathname).toBe(`/repos/aotanami/aotanami/releases/${release.id}/assets`);
    expect(first.searchParams.get('name')).toBe('sbom-spdx.json');
    expect(api.requests.every((r) => r.auth === 'valid')).toBe(true);
  });

  it('replaces an existing asset of the same name instead of adding a second one', async () => {
    const release = api.addRelease('v1.2.0');
    const old = api.addAsset(release, 'sbom-spdx.json', '{"old":true}', { contentType: 'application/json' });
    api.addAsset(release, 'other.txt', 'kept');

    const result = await publishReleaseAssets(options([file('sbom-spdx.json', '{"new":true}')]));

    expect(api.requestsTo('DELETE', new RegExp(`/releases/assets/${old.id}$`))).toHaveLength(1);
    expect(release.assets.filter((a) => a.name === 'sbom-spdx.json')).toHaveLength(1);
    expect(release.assets.find((a) => a.name === 'sbom-spdx.json')?.data.toString()).toBe('{"new":true}');
    expect(release.assets.map((a) => a.name).sort()).toEqual(['other.txt', 'sbom-spdx.json']);
    expect(result.assets[0]?.outcome).toBe('replaced');
  });

  it('reads every page of a release with more than 100 assets and replaces the one on page 2', async () => {
    const release = api.addRelease('v1.2.0');
    for (let i = 0; i < 150; i++) {
      api.addAsset(release, i === 120 ? 'sbom-cyclonedx.json' : `asset-${i}.txt`, `content ${i}`);
    }
    const target = release.assets[120]!;

    await publishReleaseAssets(options([file('sbom-cyclonedx.json', '{"bomFormat":"CycloneDX"}')]));

    const listed = api.requestsTo('GET', /\/assets$/);
    expect(listed.map((r) => r.url)).toEqual([
      `/repos/aotanami/aotanami/releases/${release.id}/assets?per_page=100`,
      `/repositories/${api.repositoryId}/releases/${release.id}/assets?per_page=100&page=2`,
    ]);
    expect(api.requestsTo('DELETE', new RegExp(`/releases/assets/${target.id}$`))).toHaveLength(1);
    expect(release.assets).toHaveLength(150);
    expect(release.assets.filter((a) => a.name === 'sbom-cyclonedx.json')).toHaveLength(1);
    expect(release.assets.find((a) => a.name === 'sbom-cyclonedx.json')?.data.toString()).toBe(
      '{"bomFormat":"CycloneDX"}',
    );
  });

  it('is idempotent: a rerun keeps identical assets and writes nothing', async () => {
    const release = api.addRelease('v1.2.0');
    const files = [file('sbom-spdx.json', '{"a":1}'), file('sbom-cyclonedx.json', '{"b":2}')];
    const first = await publishReleaseAssets(options(files));
    const writesAfterFirst = api.requests.filter((r) => r.method !== 'GET').length;

    const second = await publishReleaseAssets(options(files));

    expect(api.requests.filter((r) => r.method !== 'GET').length).toBe(writesAfterFirst);
    expect(second.assets.map((a) => a.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(second.assets.map((a) => a.url)).toEqual(first.assets.map((a) => a.url));
    expect(release.assets.map((a) => a.name)).toEqual(['sbom-spdx.json', 'sbom-cyclonedx.json']);

    // A rerun with changed content replaces, still without duplicates.
    writeFileSync(files[0]!, '{"a":2}');
    const third = await publishReleaseAssets(options(files));
    expect(third.assets.map((a) => a.outcome)).toEqual(['replaced', 'unchanged']);
    expect(release.assets.map((a) => a.name).sort()).toEqual(['sbom-cyclonedx.json', 'sbom-spdx.json']);
  });

  it('replaces a same-named asset left half-uploaded (state starter) by an interrupted run', async () => {
    const release = api.addRelease('v1.2.0');
    const content = '{"a":1}';
    api.addAsset(release, 'sbom-spdx.json', content, { contentType: 'application/json', state: 'starter' });

    const result = await publishReleaseAssets(options([file('sbom-spdx.json', content)]));

    expect(result.assets[0]?.outcome).toBe('replaced');
    expect(release.assets.map((a) => a.state)).toEqual(['uploaded']);
  });

  it('retries 5xx answers and uploads once', async () => {
    const release = api.addRelease('v1.2.0');
    api.fault(faults.serverError(2, { method: 'GET', path: /\/releases\/tags\// }));
    api.fault(faults.serverError(1, { server: 'uploads' }));

    const result = await publishReleaseAssets(options([file('sbom-spdx.json', '{}')]));

    expect(api.requestsTo('GET', /\/releases\/tags\/v1\.2\.0$/).map((r) => r.status)).toEqual([
      502, 502, 200,
    ]);
    expect(api.requests.filter((r) => r.server === 'uploads').map((r) => r.status)).toEqual([502, 201]);
    expect(release.assets).toHaveLength(1);
    expect(result.assets[0]?.outcome).toBe('uploaded');
  });

  it('gives up on a persistent 5xx after the bounded retries with a clear error', async () => {
    api.addRelease('v1.2.0');
    api.fault(faults.serverError(100, { method: 'GET' }));

    const error = await failure(publishReleaseAssets(options([file('sbom-spdx.json', '{}')])));

    expect(error).toBeInstanceOf(OperationalError);
    expect(error.message).toMatch(/find the release of tag v1\.2\.0 .*GitHub answered 502/);
    expect(api.requests).toHaveLength(4); // the first attempt and 3 retries
  });

  it('waits out a 429 secondary rate limit (retry-after) and then uploads', async () => {
    const release = api.addRelease('v1.2.0');
    api.fault(faults.rateLimited(2, { server: 'uploads' }));

    const started = Date.now();
    await publishReleaseAssets(
      options([file('sbom-spdx.json', '{}')], { tuning: { ...FAST, retryUnitMs: 50 } }),
    );

    expect(api.requests.filter((r) => r.server === 'uploads').map((r) => r.status)).toEqual([429, 201]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100); // retry-after 2 × 50 ms
    expect(release.assets).toHaveLength(1);
    expect(lines.some((l) => /^warning GitHub secondary rate limit .*retrying in 2 s/.test(l))).toBe(true);
  });

  it('waits for the reset of an exhausted primary rate limit (x-ratelimit-remaining: 0)', async () => {
    api.addRelease('v1.2.0');
    const reset = Math.floor(Date.now() / 1000); // already passed: retry after 1 s
    api.fault({
      method: 'GET',
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded for installation ID 1.', status: '403' },
    });

    await publishReleaseAssets(options([file('a.json', '{}')]));

    expect(api.requestsTo('GET', /\/releases\/tags\//).map((r) => r.status)).toEqual([403, 200]);
    expect(lines.some((l) => /^warning GitHub primary rate limit .*retrying in \d s/.test(l))).toBe(true);
  });

  it('gives up on a rate limit that persists, or that asks to wait too long', async () => {
    api.addRelease('v1.2.0');
    api.fault({ ...faults.rateLimited(1, { server: 'uploads' }), times: 4 });

    const persistent = await failure(publishReleaseAssets(options([file('a.json', '{}')])));

    expect(persistent).toBeInstanceOf(OperationalError);
    expect(persistent.message).toMatch(
      /upload a\.json .*GitHub kept answering 429 \(You have exceeded a secondary rate limit/,
    );
    expect(api.requests.filter((r) => r.server === 'uploads')).toHaveLength(4);

    api.fault(faults.rateLimited(3600, { server: 'uploads' }));
    const started = Date.now();
    const tooLong = await failure(
      publishReleaseAssets(options([file('b.json', '{}')], { tuning: { ...FAST, retryUnitMs: 1000 } })),
    );
    expect(Date.now() - started).toBeLessThan(900); // no wait of even one retry unit
    expect(api.requests.filter((r) => r.server === 'uploads')).toHaveLength(5);
    expect(tooLong.message).toContain('429');
    expect(lines.some((l) => /secondary rate limit .*giving up/.test(l))).toBe(true);
  });

  it('uploads once more when another job attached the same name after the listing', async () => {
    const release = api.addRelease('v1.2.0');
    let raced = false;
    api.onRequest((request) => {
      if (request.server === 'uploads' && !raced) {
        raced = true;
        api.addAsset(release, 'sbom-spdx.json', 'from another job');
      }
    });

    await publishReleaseAssets(options([file('sbom-spdx.json', '{"ours":true}')]));

    expect(api.requests.filter((r) => r.server === 'uploads').map((r) => r.status)).toEqual([422, 201]);
    expect(api.requestsTo('DELETE', /\/releases\/assets\/\d+$/)).toHaveLength(1);
    expect(release.assets.map((a) => a.data.toString())).toEqual(['{"ours":true}']);
  });

  it('does not retry an upload GitHub refuses for another validation reason', async () => {
    api.addRelease('v1.2.0');
    api.fault({
      server: 'uploads',
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [{ resource: 'ReleaseAsset', code: 'custom', field: 'size' }],
      },
    });

    const error = await failure(publishReleaseAssets(options([file('a.json', '{}')])));

    expect(error).toBeInstanceOf(OperationalError);
    expect(error.message).toBe(
      'Could not upload a.json to the release of v1.2.0: GitHub answered 422 (Validation Failed).',
    );
    expect(api.requests.filter((r) => r.server === 'uploads')).toHaveLength(1);
  });

  it('fails when GitHub stores other bytes than the file holds', async () => {
    const release = api.addRelease('v1.2.0');
    api.transformUpload = (data) => Buffer.concat([data, Buffer.from('!')]);

    const error = await failure(publishReleaseAssets(options([file('a.json', '{}')])));

    expect(error).toBeInstanceOf(OperationalError);
    expect(error.message).toMatch(
      /GitHub stored a\.json with digest sha256:[0-9a-f]{64}, not the file's sha256:/,
    );
    expect(release.assets).toHaveLength(1);
  });

  it('turns a 403 into an error naming the contents: write permission, without retrying', async () => {
    api.addRelease('v1.2.0');
    api.fault(faults.forbidden({ server: 'uploads' }));

    const error = await failure(publishReleaseAssets(options([file('sbom-spdx.json', '{}')])));

    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('Resource not accessible by integration');
    expect(error.message).toContain('`contents: write`');
    expect(error.message).toContain('aotanami/aotanami');
    expect(api.requests.filter((r) => r.server === 'uploads')).toHaveLength(1);
  });

  it('fails with an error naming the tag when the release is missing and no draft is wanted', async () => {
    api.addRelease('v1.0.0');

    const error = await failure(publishReleaseAssets(options([file('sbom-spdx.json', '{}')])));

    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^Input 'tag': .* no release for tag "v1\.2\.0".*create-draft/);
    expect((error as InputError).code).toBe('RELEASE_NOT_FOUND');
    expect(api.requestsTo('POST', /\/releases$/)).toHaveLength(0);
    expect(api.requests.some((r) => r.server === 'uploads')).toBe(false);
  });

  it('creates a draft when asked, and finds that draft again on a rerun', async () => {
    const files = [file('sbom-spdx.json', '{}')];

    const first = await publishReleaseAssets(options(files, { createDraft: true }));
    const second = await publishReleaseAssets(options(files, { createDraft: true }));

    expect(api.releases).toHaveLength(1);
    expect(api.releases[0]).toMatchObject({ tag: 'v1.2.0', draft: true });
    expect(first).toMatchObject({ created: true, draft: true });
    expect(second).toMatchObject({ created: false, draft: true, releaseId: first.releaseId });
    expect(second.assets[0]?.outcome).toBe('unchanged');
    expect(api.requestsTo('POST', /\/releases$/)).toHaveLength(1);
    const created = api.requestsTo('POST', /\/releases$/)[0];
    expect(created?.headers['content-type']).toMatch(/^application\/json/);
    expect(api.releases[0]?.assets).toHaveLength(1);
  });

  it('rejects a wrong token with an error naming the token input and not showing it', async () => {
    api.addRelease('v1.2.0');
    const wrong = `ghp_${randomBytes(18).toString('hex')}`;

    const error = await failure(publishReleaseAssets(options([file('a.json', '{}')], { token: wrong })));

    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^Input 'token': GitHub rejected the token \(401 Bad credentials\)/);
    expect(error.message).not.toContain(wrong);
    expect(api.requests.map((r) => r.auth)).toEqual(['invalid']);
  });

  it('keeps the token out of errors even when a server echoes it back', async () => {
    api.addRelease('v1.2.0');
    api.fault({
      server: 'uploads',
      status: 400,
      body: { message: `proxy refused request with authorization token ${TOKEN}` },
    });

    const error = await failure(publishReleaseAssets(options([file('a.json', '{}')])));

    expect(error.message).toContain('proxy refused request with authorization token ***');
  });

  it('checks every file before touching the release', async () => {
    api.addRelease('v1.2.0');
    const sub = path.join(dir, 'linux');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'sbom.json'), '{}');
    const cases: [string[], RegExp][] = [
      [[file('my sbom.json', '{}')], /"my sbom\.json" is not a usable asset name/],
      [[file('.hidden', '{}')], /"\.hidden" is not a usable asset name/],
      [[file('empty.json', '')], /is empty/],
      [[path.join(dir, 'missing.json')], /does not exist/],
      [[file('sbom.json', '{}'), path.join(sub, 'sbom.json')], /would both become the asset "sbom\.json"/],
    ];
    for (const [files, message] of cases) {
      const error = await failure(publishReleaseAssets(options(files)));
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(message);
      expect(error.message).toMatch(/^Input 'files': /);
    }
    const conflict = await failure(
      publishReleaseAssets(options([file('sbom.json', '{}'), path.join(sub, 'sbom.json')])),
    );
    expect((conflict as InputError).code).toBe('ASSET_CONFLICT');
    await expect(publishReleaseAssets(options([file('a.json', '{}')], { tag: 'v1 .0' }))).rejects.toThrow(
      /Input 'tag': "v1 \.0" is not a valid tag name/,
    );
    await expect(
      publishReleaseAssets(options([file('a.json', '{}')], { repository: 'a/b/c' })),
    ).rejects.toThrow(/Input 'repository'/);
    expect(api.requests).toHaveLength(0);
  });

  describe('release notes and target', () => {
    const SHA = 'a3f1c2d4e5b6a7980123456789abcdef01234567';
    const block = (notes: string) => `${NOTES_START}\n${notes}\n${NOTES_END}`;
    const patches = () => api.requestsTo('PATCH', /\/releases\/\d+$/);

    it('sets body and target_commitish when it creates the draft, with no update call', async () => {
      const result = await publishReleaseAssets(
        options([file('a.json', '{}')], {
          createDraft: true,
          targetCommitish: SHA,
          releaseNotes: 'release-actions verify x\n',
        }),
      );

      expect(result.notes).toBe('created');
      expect(api.releases).toMatchObject([
        { draft: true, targetCommitish: SHA, body: block('release-actions verify x') },
      ]);
      expect(patches()).toHaveLength(0);
    });

    it('appends to an existing body, replaces on a rerun, and leaves an unchanged body and the target alone', async () => {
      const release = api.addRelease('v1.2.0', { body: '## Changes\r\n- fix', targetCommitish: 'main' });
      const files = [file('a.json', '{}')];

      const first = await publishReleaseAssets(options(files, { releaseNotes: 'one', targetCommitish: SHA }));
      expect(first.notes).toBe('updated');
      expect(release.body).toBe(`## Changes\r\n- fix\r\n\r\n${NOTES_START}\r\none\r\n${NOTES_END}`);
      expect(release.targetCommitish).toBe('main');
      expect(lines).toContain(
        `info The release of v1.2.0 exists; its target (main) is left as it is, not set to ${SHA}.`,
      );

      const same = await publishReleaseAssets(options(files, { releaseNotes: '\none\n\n' }));
      expect(same.notes).toBe('unchanged');
      expect(patches()).toHaveLength(1);

      await publishReleaseAssets(options(files, { releaseNotes: 'two\nthree' }));
      expect(release.body).toBe(`## Changes\r\n- fix\r\n\r\n${NOTES_START}\r\ntwo\r\nthree\r\n${NOTES_END}`);
      expect(patches()).toHaveLength(2);
      // Only the body is sent: a PATCH naming other fields could change what people edited.
      expect(patches().map((r) => [r.status, r.json])).toEqual([
        [200, { body: `## Changes\r\n- fix\r\n\r\n${NOTES_START}\r\none\r\n${NOTES_END}` }],
        [200, { body: release.body }],
      ]);
    });

    it('writes nothing for blank notes', async () => {
      const release = api.addRelease('v1.2.0', { body: 'text' });

      const result = await publishReleaseAssets(options([file('a.json', '{}')], { releaseNotes: ' \n\t\n' }));

      expect(result.notes).toBe('none');
      expect(release.body).toBe('text');
      expect(patches()).toHaveLength(0);
    });

    it('refuses, before any upload, a body that would exceed GitHub’s limit', async () => {
      const release = api.addRelease('v1.2.0', { body: 'x'.repeat(MAX_RELEASE_BODY - 10) });

      const error = await failure(
        publishReleaseAssets(options([file('a.json', '{}')], { releaseNotes: 'cmd' })),
      );

      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        `Input 'release-notes': with the notes, the body of the release of v1.2.0 would be ${MAX_RELEASE_BODY - 10 + 2 + block('cmd').length} characters; GitHub allows at most ${MAX_RELEASE_BODY}. Shorten the notes or the release's text.`,
      );
      expect(release.assets).toHaveLength(0);
      expect(api.requests.some((r) => r.server === 'uploads' || r.method === 'PATCH')).toBe(false);
    });

    it('refuses a marker in the notes and a bad target before any request, naming the input for each front end', async () => {
      const marker = await failure(
        publishReleaseAssets(options([file('a.json', '{}')], { releaseNotes: `x ${NOTES_END}` })),
      );
      expect(marker.message).toMatch(/^Input 'release-notes': the notes contain the marker/);
      expect(describeError(marker, cliInputNames({ 'release-notes': '--release-notes-file' }))).toMatch(
        /^--release-notes-file: the notes contain the marker/,
      );
      await expect(
        publishReleaseAssets(options([file('a.json', '{}')], { targetCommitish: 'a b' })),
      ).rejects.toThrow(/^Input 'target-commitish': "a b" is neither a commit SHA nor a branch name/);
      expect(api.requests).toHaveLength(0);
    });
  });
});

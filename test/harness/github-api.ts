import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in of the part of GitHub's REST API that release publishing uses, with the
 * behaviour of the real service that matters to a client: the tag endpoint does not see drafts,
 * asset lists are paginated with GitHub's Link headers (pointing at /repositories/{id}/…), uploads
 * go to a second origin named by the release's upload_url (uploads.github.com on github.com), a
 * second upload of a name already present is refused with 422, a release body is limited to 125000
 * characters, and error bodies are GitHub's. With `immutableReleases` on (the repository setting), a
 * release becomes immutable when it is published: uploads, deletions of its assets, a move back to
 * draft and a change of its tag are refused with GitHub's 422s, and its tag can never name another
 * release.
 * Faults are programmable; every request is recorded without the credential itself.
 */

export interface StandInAsset {
  id: number;
  name: string;
  contentType: string;
  data: Buffer;
  state: 'uploaded' | 'starter';
}

export interface StandInRelease {
  id: number;
  tag: string;
  draft: boolean;
  /** null when the release has no description, as GitHub returns it. */
  body: string | null;
  /** The branch or commit the tag is created from when the release is published without one. */
  targetCommitish: string;
  assets: StandInAsset[];
  /** Set when a release is published while the repository's immutable-releases setting is on. */
  immutable: boolean;
  /** The make_latest of the last create or update call that carried one. */
  makeLatest?: string;
}

export interface Fault {
  /** Which origin: the API (default) or the upload server. */
  server?: 'api' | 'uploads';
  method?: string;
  /** Matched against the request's path without the query. */
  path?: RegExp;
  status: number;
  /** How many matching requests fail before the fault is used up (default 1). */
  times?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RecordedRequest {
  server: 'api' | 'uploads';
  method: string;
  /** Path and query as sent. */
  url: string;
  /** Request headers with `authorization` left out. */
  headers: Record<string, string>;
  /** Whether the authorization header carried the expected token. */
  auth: 'none' | 'valid' | 'invalid';
  bodyBytes: number;
  /** The parsed body of a JSON request to the API (not of uploads), to check what a write sent. */
  json?: unknown;
  /** The status the stand-in answered. */
  status: number;
}

export interface StandInOptions {
  owner?: string;
  repo?: string;
  /** The token requests must carry (as `token X` or `Bearer X`). */
  token: string;
  /** The web origin used in html_url and browser_download_url. */
  serverUrl?: string;
  /** The repository's immutable-releases setting (default off). */
  immutableReleases?: boolean;
}

const DOCS = 'https://docs.github.com/rest';

/** GitHub's bodies for the faults the client must tell apart. */
export const githubBodies = {
  notFound: (doc = `${DOCS}/releases/releases#get-a-release-by-tag-name`) => ({
    message: 'Not Found',
    documentation_url: doc,
    status: '404',
  }),
  badCredentials: { message: 'Bad credentials', documentation_url: DOCS, status: '401' },
  notAccessible: (doc = `${DOCS}/releases/assets#upload-a-release-asset`) => ({
    message: 'Resource not accessible by integration',
    documentation_url: doc,
    status: '403',
  }),
  secondaryRateLimit: {
    message:
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0400:1B2C:3D4E5F:6A7B8C:65F0A1B2.',
    documentation_url:
      'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    status: '429',
  },
  serverError: { message: 'Server Error' },
  bodyTooLong: {
    message: 'Validation Failed',
    errors: [
      {
        resource: 'Release',
        code: 'custom',
        field: 'body',
        message: 'body is too long (maximum is 125000 characters)',
      },
    ],
    documentation_url: `${DOCS}/releases/releases#update-a-release`,
    status: '422',
  },
  immutableUpload: {
    message: 'Cannot upload assets to an immutable release.',
    request_id: '0400:1B2C:3D4E5F:6A7B8C:65F0A1B4',
    documentation_url: DOCS,
    status: '422',
  },
  immutableDelete: {
    message: 'Validation Failed',
    errors: [
      { resource: 'ReleaseAsset', code: 'custom', message: 'Cannot delete asset from an immutable release' },
    ],
    documentation_url: `${DOCS}/releases/assets#delete-a-release-asset`,
    status: '422',
  },
  immutableState: {
    message: 'Validation Failed',
    errors: [
      { resource: 'Release', code: 'custom', message: 'state cannot be changed when release is immutable' },
    ],
    documentation_url: `${DOCS}/releases/releases#update-a-release`,
    status: '422',
  },
  immutableTag: {
    message: 'Validation Failed',
    errors: [
      {
        resource: 'Release',
        code: 'custom',
        field: 'tag_name',
        message: 'tag_name was used by an immutable release',
      },
    ],
    documentation_url: `${DOCS}/releases/releases#create-a-release`,
    status: '422',
  },
  badMakeLatest: {
    message: 'Invalid request.\n\nmake_latest must be one of "true", "false", "legacy".',
    documentation_url: `${DOCS}/releases/releases#update-a-release`,
    status: '422',
  },
  alreadyExists: {
    message: 'Validation Failed',
    request_id: '0400:1B2C:3D4E5F:6A7B8C:65F0A1B3',
    documentation_url: `${DOCS}/releases/assets#upload-a-release-asset`,
    errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
    status: '422',
  },
};

/** Ready-made faults: GitHub's 5xx, its secondary rate limit (429 + retry-after) and a token without contents: write. */
export const faults = {
  serverError: (times: number, match: Omit<Fault, 'status'> = {}): Fault => ({
    status: 502,
    times,
    body: githubBodies.serverError,
    ...match,
  }),
  rateLimited: (retryAfterSeconds: number, match: Omit<Fault, 'status'> = {}): Fault => ({
    status: 429,
    times: 1,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: githubBodies.secondaryRateLimit,
    ...match,
  }),
  forbidden: (match: Omit<Fault, 'status'> = {}): Fault => ({
    status: 403,
    times: Number.MAX_SAFE_INTEGER,
    body: githubBodies.notAccessible(),
    ...match,
  }),
};

export class GitHubApiStandIn {
  readonly owner: string;
  readonly repo: string;
  readonly repositoryId = 734_501_229;
  readonly releases: StandInRelease[] = [];
  readonly requests: RecordedRequest[] = [];
  private readonly faultList: Fault[] = [];
  private readonly listeners: ((request: RecordedRequest) => void)[] = [];
  private nextId = 1000;
  private readonly token: string;
  private readonly serverUrl: string;
  /** Tags that belonged to an immutable release since deleted: GitHub never lets them be used again. */
  readonly burnedTags = new Set<string>();
  /** The repository's immutable-releases setting; releases published while it is on are immutable. */
  immutableReleases: boolean;
  /** The id of the repository's latest release, as make_latest leaves it. */
  latestReleaseId: number | undefined;
  private api!: http.Server;
  private uploads!: http.Server;
  /** Changes what an upload stores, as a proxy corrupting bodies in transit would. */
  transformUpload: (data: Buffer) => Buffer = (data) => data;
  /** http://127.0.0.1:<port> of the API (GITHUB_API_URL). */
  url = '';
  /** http://127.0.0.1:<port> of the upload origin. */
  uploadUrl = '';

  private constructor(options: StandInOptions) {
    this.owner = options.owner ?? 'aotanami';
    this.repo = options.repo ?? 'aotanami';
    this.token = options.token;
    this.serverUrl = options.serverUrl ?? 'https://github.com';
    this.immutableReleases = options.immutableReleases ?? false;
  }

  static async start(options: StandInOptions): Promise<GitHubApiStandIn> {
    const standIn = new GitHubApiStandIn(options);
    standIn.api = http.createServer((req, res) => void standIn.handle('api', req, res));
    standIn.uploads = http.createServer((req, res) => void standIn.handle('uploads', req, res));
    standIn.url = await listen(standIn.api);
    standIn.uploadUrl = await listen(standIn.uploads);
    return standIn;
  }

  async close(): Promise<void> {
    for (const server of [this.api, this.uploads]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** A release as if made earlier; a published one is immutable when the setting is on, unless told. */
  addRelease(
    tag: string,
    options: { draft?: boolean; body?: string | null; targetCommitish?: string; immutable?: boolean } = {},
  ): StandInRelease {
    const draft = options.draft ?? false;
    const release: StandInRelease = {
      id: this.nextId++,
      tag,
      draft,
      body: options.body ?? null,
      // GitHub's default: the repository's default branch.
      targetCommitish: options.targetCommitish ?? 'main',
      assets: [],
      immutable: !draft && (options.immutable ?? this.immutableReleases),
    };
    this.releases.push(release);
    return release;
  }

  /**
   * Publishes a draft as GitHub does: the tag lookup sees it from now on, and it becomes immutable
   * when the setting is on; make_latest (GitHub's default for a newly published release: true)
   * decides whether it becomes the latest.
   */
  publish(release: StandInRelease, makeLatest?: string): void {
    if (!release.draft) return;
    release.draft = false;
    release.immutable = this.immutableReleases;
    if ((makeLatest ?? 'true') === 'true') this.latestReleaseId = release.id;
  }

  addAsset(
    release: StandInRelease,
    name: string,
    data: Buffer | string,
    options: { contentType?: string; state?: 'uploaded' | 'starter' } = {},
  ): StandInAsset {
    const asset: StandInAsset = {
      id: this.nextId++,
      name,
      contentType: options.contentType ?? 'application/octet-stream',
      data: Buffer.from(data),
      state: options.state ?? 'uploaded',
    };
    release.assets.push(asset);
    return asset;
  }

  /** Runs before each request is answered, e.g. to change the state as a concurrent job would. */
  onRequest(listener: (request: RecordedRequest) => void): void {
    this.listeners.push(listener);
  }

  fault(fault: Fault): void {
    this.faultList.push({ times: 1, ...fault });
  }

  release(tag: string): StandInRelease | undefined {
    return this.releases.find((r) => r.tag === tag);
  }

  /** Requests with the given method whose path (without query) matches. */
  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.url.split('?')[0] ?? ''));
  }

  private async handle(
    server: 'api' | 'uploads',
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (key !== 'authorization' && value !== undefined) headers[key] = String(value);
    }
    const authorization = req.headers.authorization;
    const auth: RecordedRequest['auth'] =
      authorization === undefined
        ? 'none'
        : authorization === `token ${this.token}` || authorization === `Bearer ${this.token}`
          ? 'valid'
          : 'invalid';
    const record: RecordedRequest = {
      server,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers,
      auth,
      bodyBytes: body.length,
      status: 0,
    };
    if (server === 'api' && body.length > 0 && /json/.test(headers['content-type'] ?? '')) {
      try {
        record.json = JSON.parse(body.toString('utf8'));
      } catch {
        // Left out: the handlers answer a malformed body themselves.
      }
    }
    this.requests.push(record);
    for (const listener of this.listeners) listener(record);
    const reply = (status: number, payload?: unknown, extra: Record<string, string> = {}) => {
      record.status = status;
      const text = payload === undefined ? '' : JSON.stringify(payload);
      res.writeHead(status, {
        ...(payload === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        'x-github-request-id': `0400:${this.requests.length}`,
        ...extra,
      });
      res.end(text);
    };

    const url = new URL(req.url ?? '/', this.url);
    const fault = this.faultList.find(
      (f) =>
        (f.times ?? 1) > 0 &&
        (f.server ?? 'api') === server &&
        (f.method === undefined || f.method === req.method) &&
        (f.path === undefined || f.path.test(url.pathname)),
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      reply(fault.status, fault.body, fault.headers);
      return;
    }
    if (auth !== 'valid') {
      reply(401, githubBodies.badCredentials);
      return;
    }
    if (server === 'uploads') this.handleUpload(req.method ?? '', url, headers, body, reply);
    else this.handleApi(req.method ?? '', url, body, reply);
  }

  private handleApi(method: string, url: URL, body: Buffer, reply: Reply): void {
    const repoPrefix = `/repos/${this.owner}/${this.repo}`;
    const path = url.pathname
      .replace(`/repositories/${this.repositoryId}`, repoPrefix)
      .split('/')
      .map((segment) => decodeURIComponent(segment))
      .join('/');
    if (!path.startsWith(`${repoPrefix}/`)) return reply(404, githubBodies.notFound(DOCS));
    const rest = path.slice(repoPrefix.length);

    let match = /^\/releases\/tags\/(.+)$/.exec(rest);
    if (method === 'GET' && match) {
      // Like GitHub: a draft is invisible to the tag lookup.
      const release = this.releases.find((r) => r.tag === match?.[1] && !r.draft);
      return release ? reply(200, this.releaseJson(release)) : reply(404, githubBodies.notFound());
    }
    if (rest === '/releases' && method === 'GET') {
      return this.page(url, `/repositories/${this.repositoryId}/releases`, this.releases, reply, (r) =>
        this.releaseJson(r),
      );
    }
    if (rest === '/releases/latest' && method === 'GET') {
      const latest = this.releases.find((r) => r.id === this.latestReleaseId && !r.draft);
      return latest ? reply(200, this.releaseJson(latest)) : reply(404, githubBodies.notFound());
    }
    if (rest === '/releases' && method === 'POST') {
      const input = JSON.parse(body.toString('utf8') || '{}') as ReleaseInput;
      if (!input.tag_name) {
        return reply(422, {
          message: 'Validation Failed',
          errors: [{ resource: 'Release', code: 'missing_field', field: 'tag_name' }],
          status: '422',
        });
      }
      if (tooLong(input.body)) return reply(422, githubBodies.bodyTooLong);
      if (badMakeLatest(input.make_latest)) return reply(422, githubBodies.badMakeLatest);
      if (this.burnedTags.has(input.tag_name)) return reply(422, githubBodies.immutableTag);
      const release = this.addRelease(input.tag_name, {
        draft: true,
        body: input.body ?? null,
        targetCommitish: input.target_commitish,
      });
      if (input.make_latest !== undefined) release.makeLatest = input.make_latest;
      if (input.draft !== true) this.publish(release, input.make_latest);
      return reply(201, this.releaseJson(release));
    }
    match = /^\/releases\/(\d+)$/.exec(rest);
    if (method === 'GET' && match) {
      const release = this.releases.find((r) => r.id === Number(match?.[1]));
      if (!release) return reply(404, githubBodies.notFound(`${DOCS}/releases/releases#get-a-release`));
      return reply(200, this.releaseJson(release));
    }
    if (method === 'PATCH' && match) {
      const release = this.releases.find((r) => r.id === Number(match?.[1]));
      if (!release) return reply(404, githubBodies.notFound(`${DOCS}/releases/releases#update-a-release`));
      const input = JSON.parse(body.toString('utf8') || '{}') as ReleaseInput;
      if (tooLong(input.body)) return reply(422, githubBodies.bodyTooLong);
      if (badMakeLatest(input.make_latest)) return reply(422, githubBodies.badMakeLatest);
      // An immutable release keeps its state and its tag; its notes, title and latest flag may change.
      if (release.immutable && input.draft === true) return reply(422, githubBodies.immutableState);
      if (release.immutable && input.tag_name !== undefined && input.tag_name !== release.tag) {
        return reply(422, githubBodies.immutableTag);
      }
      // Only what the request names changes, as on GitHub.
      if (input.body !== undefined) release.body = input.body;
      if (input.target_commitish !== undefined) release.targetCommitish = input.target_commitish;
      if (input.tag_name !== undefined) release.tag = input.tag_name;
      if (input.make_latest !== undefined) release.makeLatest = input.make_latest;
      if (input.draft === true) release.draft = true;
      else if (input.draft === false) this.publish(release, input.make_latest);
      else if (!release.draft && input.make_latest === 'true') this.latestReleaseId = release.id;
      return reply(200, this.releaseJson(release));
    }
    match = /^\/releases\/(\d+)\/assets$/.exec(rest);
    if (method === 'GET' && match) {
      const release = this.releases.find((r) => r.id === Number(match?.[1]));
      if (!release) return reply(404, githubBodies.notFound(`${DOCS}/releases/assets#list-release-assets`));
      return this.page(
        url,
        `/repositories/${this.repositoryId}/releases/${release.id}/assets`,
        release.assets,
        reply,
        (a) => this.assetJson(release, a),
      );
    }
    match = /^\/releases\/assets\/(\d+)$/.exec(rest);
    if (method === 'DELETE' && match) {
      for (const release of this.releases) {
        const at = release.assets.findIndex((a) => a.id === Number(match?.[1]));
        if (at >= 0) {
          if (release.immutable) return reply(422, githubBodies.immutableDelete);
          release.assets.splice(at, 1);
          return reply(204);
        }
      }
      return reply(404, githubBodies.notFound(`${DOCS}/releases/assets#delete-a-release-asset`));
    }
    return reply(404, githubBodies.notFound(DOCS));
  }

  private handleUpload(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: Buffer,
    reply: Reply,
  ): void {
    const match = new RegExp(`^/repos/${this.owner}/${this.repo}/releases/(\\d+)/assets$`).exec(url.pathname);
    const release = match ? this.releases.find((r) => r.id === Number(match[1])) : undefined;
    if (method !== 'POST' || !release) {
      return reply(404, githubBodies.notFound(`${DOCS}/releases/assets#upload-a-release-asset`));
    }
    if (release.immutable) return reply(422, githubBodies.immutableUpload);
    const requested = url.searchParams.get('name');
    if (!requested) {
      return reply(422, {
        message: 'Validation Failed',
        errors: [{ resource: 'ReleaseAsset', code: 'missing_field', field: 'name' }],
        status: '422',
      });
    }
    if (!headers['content-type']) return reply(400, { message: 'Bad Content-Type header value' });
    // GitHub renames what it does not accept in a file name; the client must not depend on it.
    const name = requested.replace(/[^A-Za-z0-9._+-]/g, '.').replace(/^\.+|\.+$/g, '');
    if (release.assets.some((a) => a.name === name)) return reply(422, githubBodies.alreadyExists);
    const asset = this.addAsset(release, name, this.transformUpload(body), {
      contentType: headers['content-type'],
    });
    return reply(201, this.assetJson(release, asset));
  }

  /** One page of a list with GitHub's Link header (order prev, next, last, first). */
  private page<T>(url: URL, linkPath: string, items: T[], reply: Reply, toJson: (item: T) => unknown): void {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
    const pageNumber = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
    const link = (page: number, rel: string) =>
      `<${this.url}${linkPath}?per_page=${perPage}&page=${page}>; rel="${rel}"`;
    const links: string[] = [];
    if (pageNumber > 1) links.push(link(pageNumber - 1, 'prev'));
    if (pageNumber < last) links.push(link(pageNumber + 1, 'next'), link(last, 'last'));
    if (pageNumber > 1) links.push(link(1, 'first'));
    reply(200, slice.map(toJson), links.length > 0 ? { link: links.join(', ') } : {});
  }

  private releaseJson(release: StandInRelease): Record<string, unknown> {
    const api = `${this.url}/repos/${this.owner}/${this.repo}/releases/${release.id}`;
    return {
      url: api,
      assets_url: `${api}/assets`,
      upload_url: `${this.uploadUrl}/repos/${this.owner}/${this.repo}/releases/${release.id}/assets{?name,label}`,
      html_url: release.draft
        ? `${this.serverUrl}/${this.owner}/${this.repo}/releases/tag/untagged-${release.id}`
        : `${this.serverUrl}/${this.owner}/${this.repo}/releases/tag/${release.tag}`,
      id: release.id,
      tag_name: release.tag,
      target_commitish: release.targetCommitish,
      name: release.tag,
      body: release.body,
      draft: release.draft,
      prerelease: false,
      immutable: release.immutable,
      assets: release.assets.slice(0, 100).map((a) => this.assetJson(release, a)),
    };
  }

  private assetJson(release: StandInRelease, asset: StandInAsset): Record<string, unknown> {
    const tag = release.draft ? `untagged-${release.id}` : release.tag;
    return {
      url: `${this.url}/repos/${this.owner}/${this.repo}/releases/assets/${asset.id}`,
      id: asset.id,
      name: asset.name,
      label: '',
      content_type: asset.contentType,
      state: asset.state,
      size: asset.data.length,
      digest: `sha256:${createHash('sha256').update(asset.data).digest('hex')}`,
      download_count: 0,
      browser_download_url: `${this.serverUrl}/${this.owner}/${this.repo}/releases/download/${tag}/${asset.name}`,
    };
  }
}

type Reply = (status: number, payload?: unknown, extra?: Record<string, string>) => void;

interface ReleaseInput {
  tag_name?: string;
  target_commitish?: string;
  draft?: boolean;
  body?: string | null;
  make_latest?: string;
}

function badMakeLatest(value: string | undefined): boolean {
  return value !== undefined && !['true', 'false', 'legacy'].includes(value);
}

/** GitHub counts a body's characters (code points), not bytes or UTF-16 units. */
function tooLong(body: string | null | undefined): boolean {
  return typeof body === 'string' && [...body].length > 125_000;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

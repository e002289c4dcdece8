import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in of GitHub's attestation store (REST): `POST /repos/{owner}/{repo}/attestations`
 * keeps a Sigstore bundle under each subject digest it signs (read from the DSSE statement, or
 * the message signature's digest), `GET /repos/{owner}/{repo}/attestations/{subject_digest}` lists
 * them newest last with GitHub's cursor pagination (`per_page`, `before`/`after`, a Link header),
 * and a digest with none is a 404, as GitHub answers. Writing needs the token; reading a public
 * repository does not, a private one answers 404 to a request without it. Error bodies are
 * GitHub's; faults are programmable; every request is recorded without the credential.
 */

export interface StoredEntry {
  id: number;
  bundle: unknown;
  /** Listed as `bundle: null` with only a `bundle_url`, as GitHub lists a large bundle. */
  urlOnly: boolean;
}

export interface StoreFault {
  method?: string;
  /** Matched against the decoded path without the query. */
  path?: RegExp;
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface StoreRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  auth: 'none' | 'valid' | 'invalid' | 'read-only';
  json?: unknown;
  status: number;
}

export interface AttestationStoreOptions {
  owner?: string;
  repo?: string;
  /** The token that may write (and read). */
  token: string;
  /** A token that can read but not write (`attestations: read` only): a write gets 403. */
  readOnlyToken?: string;
  /** A private repository: reading needs a token too. */
  private?: boolean;
}

const DOCS = 'https://docs.github.com/rest/repos/attestations';

export const storeBodies = {
  notFound: { message: 'Not Found', documentation_url: `${DOCS}#list-attestations`, status: '404' },
  badCredentials: {
    message: 'Bad credentials',
    documentation_url: 'https://docs.github.com/rest',
    status: '401',
  },
  requiresAuthentication: {
    message: 'Requires authentication',
    documentation_url: `${DOCS}#create-an-attestation`,
    status: '401',
  },
  notAccessible: {
    message: 'Resource not accessible by integration',
    documentation_url: `${DOCS}#create-an-attestation`,
    status: '403',
  },
  invalidBundle: {
    message: 'Validation Failed',
    errors: [{ resource: 'Attestation', code: 'invalid', field: 'bundle' }],
    documentation_url: `${DOCS}#create-an-attestation`,
    status: '422',
  },
  serverError: { message: 'Server Error' },
  secondaryRateLimit: {
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
    status: '429',
  },
};

/** The sha256 digests a bundle signs: the DSSE statement's subjects, or a message signature's digest. */
export function subjectDigestsOf(bundle: unknown): string[] {
  const b = bundle as {
    dsseEnvelope?: { payload?: unknown };
    messageSignature?: { messageDigest?: { algorithm?: unknown; digest?: unknown } };
  } | null;
  if (typeof b?.dsseEnvelope?.payload === 'string') {
    try {
      const statement = JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8')) as {
        subject?: { digest?: { sha256?: unknown } }[];
      };
      return (statement.subject ?? [])
        .map((s) => s.digest?.sha256)
        .filter((d): d is string => typeof d === 'string' && /^[0-9a-f]{64}$/.test(d))
        .map((d) => `sha256:${d}`);
    } catch {
      return [];
    }
  }
  const digest = b?.messageSignature?.messageDigest;
  if (digest?.algorithm === 'SHA2_256' && typeof digest.digest === 'string') {
    return [`sha256:${Buffer.from(digest.digest, 'base64').toString('hex')}`];
  }
  return [];
}

export class AttestationStoreApi {
  readonly owner: string;
  readonly repo: string;
  readonly repositoryId = 734_501_229;
  readonly requests: StoreRequest[] = [];
  /** digest → entries, oldest first. */
  readonly byDigest = new Map<string, StoredEntry[]>();
  private readonly faultList: StoreFault[] = [];
  private nextId = 5_000_000;
  private server!: http.Server;
  url = '';

  private constructor(private readonly options: AttestationStoreOptions) {
    this.owner = options.owner ?? 'aotanami';
    this.repo = options.repo ?? 'aotanami';
  }

  static async start(options: AttestationStoreOptions): Promise<AttestationStoreApi> {
    const api = new AttestationStoreApi(options);
    api.server = http.createServer((req, res) => void api.handle(req, res));
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    return api;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  fault(fault: StoreFault): void {
    this.faultList.push({ times: 1, ...fault });
  }

  /** Stores a bundle as a POST would (for seeding a test), returning its id. */
  add(bundle: unknown, options: { urlOnly?: boolean; digests?: string[] } = {}): number {
    const id = this.nextId++;
    for (const digest of options.digests ?? subjectDigestsOf(bundle)) {
      const list = this.byDigest.get(digest) ?? [];
      list.push({ id, bundle, urlOnly: options.urlOnly ?? false });
      this.byDigest.set(digest, list);
    }
    return id;
  }

  entries(digest: string): StoredEntry[] {
    return this.byDigest.get(digest) ?? [];
  }

  /** Every bundle stored, one per id. */
  all(): StoredEntry[] {
    const seen = new Map<number, StoredEntry>();
    for (const list of this.byDigest.values()) for (const entry of list) seen.set(entry.id, entry);
    return [...seen.values()].sort((a, b) => a.id - b.id);
  }

  private authOf(header: string | undefined): StoreRequest['auth'] {
    if (header === undefined) return 'none';
    const value = header.replace(/^(token|Bearer) /, '');
    if (value === this.options.token) return 'valid';
    if (this.options.readOnlyToken !== undefined && value === this.options.readOnlyToken) return 'read-only';
    return 'invalid';
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const record: StoreRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      auth: this.authOf(req.headers.authorization),
      status: 0,
    };
    this.requests.push(record);
    const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(json));
    };
    const url = new URL(req.url ?? '/', this.url);
    const pathname = decodeURIComponent(url.pathname);
    const fault = this.faultList.find(
      (f) =>
        (f.times ?? 1) > 0 &&
        (f.method === undefined || f.method === record.method) &&
        (f.path?.test(pathname) ?? true),
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      reply(fault.status, fault.body ?? storeBodies.serverError, fault.headers);
      return;
    }
    if (record.auth === 'invalid') return reply(401, storeBodies.badCredentials);
    const base = `/repos/${this.owner}/${this.repo}/attestations`;
    const known = pathname.toLowerCase().startsWith(base.toLowerCase());
    if (!known) return reply(404, storeBodies.notFound);
    if (record.method === 'POST' && pathname.toLowerCase() === base.toLowerCase()) {
      if (record.auth === 'none') return reply(401, storeBodies.requiresAuthentication);
      if (record.auth === 'read-only') return reply(403, storeBodies.notAccessible);
      let parsed: { bundle?: unknown };
      try {
        parsed = JSON.parse(body.toString('utf8')) as { bundle?: unknown };
      } catch {
        return reply(400, { message: 'Problems parsing JSON', status: '400' });
      }
      record.json = parsed;
      const digests = subjectDigestsOf(parsed.bundle);
      if (typeof parsed.bundle !== 'object' || parsed.bundle === null || digests.length === 0) {
        return reply(422, storeBodies.invalidBundle);
      }
      return reply(201, { id: this.add(parsed.bundle, { digests }) });
    }
    const match = /^\/(sha256:[0-9a-f]{64})$/.exec(pathname.slice(base.length));
    if (record.method !== 'GET' || !match) return reply(404, storeBodies.notFound);
    if (this.options.private && record.auth === 'none') return reply(404, storeBodies.notFound);
    const digest = match[1] as string;
    const list = this.entries(digest);
    if (list.length === 0) return reply(404, storeBodies.notFound);
    const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page') ?? 30) || 30, 1), 100);
    // Cursors are opaque to clients: here, the position they stand for.
    const cursor = (n: number) => Buffer.from(`cursor:${n}`).toString('base64url');
    const position = (value: string | null) =>
      value === null ? undefined : Number(Buffer.from(value, 'base64url').toString('utf8').slice(7));
    const after = position(url.searchParams.get('after'));
    const before = position(url.searchParams.get('before'));
    const start = after ?? (before !== undefined ? Math.max(0, before - perPage) : 0);
    const end = Math.min(list.length, before !== undefined && after === undefined ? before : start + perPage);
    const slice = list.slice(start, end);
    const link = (rel: string, key: string, at: number) =>
      `<${this.url}${base}/${digest}?per_page=${perPage}&${key}=${cursor(at)}>; rel="${rel}"`;
    const links: string[] = [];
    if (start > 0) links.push(link('prev', 'before', start));
    if (end < list.length) links.push(link('next', 'after', end));
    reply(
      200,
      {
        attestations: slice.map((entry) => ({
          bundle: entry.urlOnly ? null : entry.bundle,
          repository_id: this.repositoryId,
          bundle_url: `${this.url}/attestation-bundles/${entry.id}`,
          initiator: 'actions',
        })),
      },
      links.length > 0 ? { link: links.join(', ') } : {},
    );
  }
}

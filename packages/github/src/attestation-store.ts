import { InputError, OperationalError, redact, type Logger } from '@release-actions/core';
import { createClient, DEFAULT_API_URL, type ClientTuning, type GitHubClient } from './client.js';
import { describeFailure, statusOf, type GithubErrorCode } from './errors.js';
import { parseRepository } from './target.js';

/**
 * GitHub's attestation store: `POST /repos/{owner}/{repo}/attestations` keeps a Sigstore bundle
 * with the repository, `GET /repos/{owner}/{repo}/attestations/sha256:<hex>` lists those whose
 * subject is that digest. Writing needs `attestations: write`; reading a private repository
 * needs `attestations: read` (or contents read), a public one can be read without a token.
 */

export interface AttestationStoreOptions {
  /** owner/name whose store is written or read. */
  repository: string;
  /** Absent or empty: anonymous (reads of a public repository only). */
  token?: string;
  /** GITHUB_API_URL; https://api.github.com when absent. */
  baseUrl?: string;
  /** GITHUB_SERVER_URL, for the attestation's web page; https://github.com when absent. */
  serverUrl?: string;
  logger: Logger;
  tuning?: ClientTuning;
  /** Bundles per page asked of GitHub (1–100, default 100). */
  perPage?: number;
  /** At most this many pages are read for one digest (default 30). */
  maxPages?: number;
}

export interface StoredAttestation {
  id: number;
  /** The attestation's page on GitHub. */
  url: string;
}

/** One attestation listed for a digest: its bundle as text, or why it cannot be read. */
export interface ListedAttestation {
  /** Names it in reasons: "attestation 42 in owner/repo". */
  label: string;
  /** The bundle, serialized. */
  text?: string;
  problem?: string;
  repositoryId?: number;
}

interface ListedEntry {
  id?: unknown;
  bundle?: unknown;
  bundle_url?: unknown;
  repository_id?: unknown;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The `after` cursor of the Link header's rel="next" URL, if there is a next page. */
function nextCursor(link: string | undefined): string | undefined {
  const next = /<([^<>]+)>;\s*rel="next"/.exec(link ?? '')?.[1];
  if (next === undefined) return undefined;
  try {
    return new URL(next).searchParams.get('after') ?? undefined;
  } catch {
    return undefined;
  }
}

export class AttestationStore {
  readonly repository: string;
  private readonly owner: string;
  private readonly repo: string;

  private constructor(
    private readonly client: GitHubClient,
    private readonly options: AttestationStoreOptions,
  ) {
    const { owner, repo } = parseRepository(options.repository);
    this.owner = owner;
    this.repo = repo;
    this.repository = `${owner}/${repo}`;
  }

  static async open(options: AttestationStoreOptions): Promise<AttestationStore> {
    parseRepository(options.repository);
    const perPage = options.perPage ?? 100;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      throw new InputError(`per page must be 1 to 100, not ${perPage}.`);
    }
    const client = await createClient({
      token: options.token ?? '',
      baseUrl: options.baseUrl ?? DEFAULT_API_URL,
      logger: options.logger,
      ...options.tuning,
    });
    return new AttestationStore(client, options);
  }

  private fail(error: unknown, operation: string, need: string): Error {
    const token = this.options.token ?? '';
    const status = statusOf(error);
    if (status === 403 && !/rate limit/i.test(String((error as Error).message))) {
      return new InputError<GithubErrorCode>(
        `Could not ${operation}: GitHub answered 403 (${redact((error as Error).message.split(' - https://')[0] ?? '', [token])}). The token needs \`${need}\` on ${this.repository}; add \`permissions: ${need}\` to the job.`,
        { input: 'token', code: 'PERMISSION_DENIED' },
      );
    }
    return describeFailure(error, { operation, repository: this.repository, token });
  }

  /** The attestation's page, as GitHub and actions/attest name it. */
  private pageOf(id: number): string {
    const server = (this.options.serverUrl ?? 'https://github.com').replace(/\/+$/, '');
    return `${server}/${this.repository}/attestations/${id}`;
  }

  /** Stores one bundle (parsed JSON) and returns GitHub's id for it. */
  async write(bundle: unknown, what: string): Promise<StoredAttestation> {
    const operation = `store the bundle of ${what} in the attestation store of ${this.repository}`;
    let response;
    try {
      response = await this.client.request('POST /repos/{owner}/{repo}/attestations', {
        owner: this.owner,
        repo: this.repo,
        bundle: bundle as never,
      });
    } catch (error) {
      throw this.fail(error, operation, 'attestations: write');
    }
    const id = (response.data as { id?: unknown }).id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
      throw new OperationalError<GithubErrorCode>(
        `Could not ${operation}: GitHub answered ${response.status} without an attestation id.`,
        { code: 'API_FAILED' },
      );
    }
    return { id, url: this.pageOf(id) };
  }

  /**
   * Every attestation stored for `digest`, page by page (GitHub's Link header carries the
   * `after` cursor). A 404 is an empty store for the digest: GitHub answers so when it holds
   * none (and for a repository the token cannot see, which the caller's message says).
   */
  async list(digest: string): Promise<ListedAttestation[]> {
    if (!DIGEST.test(digest)) throw new InputError(`"${digest}" is not a sha256 digest.`);
    const operation = `list the attestations of ${digest} in ${this.repository}`;
    const maxPages = this.options.maxPages ?? 30;
    const found: ListedAttestation[] = [];
    let pages = 0;
    try {
      // The cursor is read from the Link header's next URL rather than following that URL as a
      // template: a digest's colon in it would be taken for a parameter.
      let after: string | undefined;
      do {
        const page = await this.client.request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', {
          owner: this.owner,
          repo: this.repo,
          subject_digest: digest,
          per_page: this.options.perPage ?? 100,
          ...(after === undefined ? {} : { after }),
        });
        pages += 1;
        const entries = (page.data as { attestations?: unknown }).attestations;
        if (!Array.isArray(entries)) {
          throw new OperationalError<GithubErrorCode>(
            `Could not ${operation}: GitHub's answer has no attestations list.`,
            { code: 'API_FAILED' },
          );
        }
        for (const entry of entries as ListedEntry[]) found.push(this.read(entry, found.length + 1));
        after = nextCursor(page.headers.link);
        if (after !== undefined && pages >= maxPages) {
          this.options.logger.warning(
            `Read ${found.length} attestations of ${digest} in ${this.repository} (${maxPages} pages) and stopped there.`,
          );
          break;
        }
      } while (after !== undefined);
    } catch (error) {
      if (statusOf(error) === 404) return found;
      if (error instanceof OperationalError || error instanceof InputError) throw error;
      throw this.fail(error, operation, 'attestations: read');
    }
    return found;
  }

  private read(entry: ListedEntry, position: number): ListedAttestation {
    const id = typeof entry.id === 'number' ? entry.id : undefined;
    const label = `attestation ${id ?? `#${position}`} in ${this.repository}`;
    const out: ListedAttestation = { label };
    if (typeof entry.repository_id === 'number') out.repositoryId = entry.repository_id;
    if (entry.bundle !== null && typeof entry.bundle === 'object') {
      out.text = JSON.stringify(entry.bundle);
    } else if (typeof entry.bundle_url === 'string') {
      // GitHub keeps large bundles apart, compressed; this client does not fetch them.
      out.problem =
        'GitHub lists it only by its bundle_url (a large bundle stored apart); it is not read here, download it with `gh attestation download`';
    } else out.problem = 'GitHub listed it without a bundle';
    return out;
  }
}

/** Opens the store of `repository`; the token is optional for reads of a public repository. */
export async function openAttestationStore(options: AttestationStoreOptions): Promise<AttestationStore> {
  return AttestationStore.open(options);
}

import { InputError, OperationalError, ReleaseActionsError, redact } from '@release-actions/core';

/** The codes `publish` reports under (the `::error` title, what a script branches on). */
export type GithubErrorCode =
  /** The tag has no release and create-draft was not set. */
  | 'RELEASE_NOT_FOUND'
  /** Two files would become the same asset name. */
  | 'ASSET_CONFLICT'
  /** GitHub refused the token (401). */
  | 'TOKEN_REJECTED'
  /** The token lacks the permission (403): `contents: write`. */
  | 'PERMISSION_DENIED'
  /** GitHub's rate limit held after the retries allowed. */
  | 'RATE_LIMITED'
  /** Any other failed or unanswered API call, or an upload GitHub stored differently. */
  | 'API_FAILED'
  /** The release body has the notes' start marker without its end marker. */
  | 'NOTES_BLOCK_UNCLOSED'
  /**
   * The release is published and immutable (its assets and tag are locked), or the tag belonged to
   * an immutable release and cannot be used again.
   */
  | 'RELEASE_IMMUTABLE';

/** The parts of Octokit's RequestError we read; typed here so this module needs no Octokit import. */
interface RequestFailure {
  status: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
}

function isRequestFailure(error: unknown): error is RequestFailure {
  return error instanceof Error && typeof (error as Partial<RequestFailure>).status === 'number';
}

export function statusOf(error: unknown): number | undefined {
  return isRequestFailure(error) ? error.status : undefined;
}

/** Whether GitHub refused an upload because an asset of that name exists (422, code already_exists). */
export function isAlreadyExists(error: unknown): boolean {
  if (!isRequestFailure(error) || error.status !== 422) return false;
  const errors = (error.response?.data as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) && errors.some((e) => (e as { code?: unknown })?.code === 'already_exists');
}

/**
 * What GitHub refused because a release is immutable, read from its 422: `assets` (an upload or a
 * deletion on a published immutable release), `tag` (the tag name was used by an immutable release
 * and cannot be reused), `release` (any other change immutability forbids, e.g. back to draft).
 */
export type ImmutableRefusal = 'assets' | 'tag' | 'release';

export function immutableRefusal(error: unknown): ImmutableRefusal | undefined {
  if (!isRequestFailure(error) || error.status !== 422) return undefined;
  const data = error.response?.data as { message?: unknown; errors?: unknown } | undefined;
  const texts = [data?.message, ...(Array.isArray(data?.errors) ? data.errors : [])].map((item) =>
    typeof item === 'string'
      ? item
      : typeof (item as { message?: unknown } | undefined)?.message === 'string'
        ? (item as { message: string }).message
        : '',
  );
  const said = texts.filter((text) => /immutable/i.test(text));
  if (said.length === 0) return undefined;
  if (said.some((text) => /tag_name|\btag\b/i.test(text))) return 'tag';
  if (said.some((text) => /asset/i.test(text))) return 'assets';
  return 'release';
}

/** GitHub's message of a failed call, without the token; undefined for anything else than an API answer. */
export function refusalMessage(error: unknown, token: string): string | undefined {
  return isRequestFailure(error) ? redact(detailedMessage(error), [token]) : undefined;
}

/** GitHub's message, followed by the messages of its `errors` that say more than the headline. */
function detailedMessage(error: RequestFailure): string {
  const headline = githubMessage(error);
  const errors = (error.response?.data as { errors?: unknown } | undefined)?.errors;
  const more = (Array.isArray(errors) ? errors : [])
    .map((e) => (e as { message?: unknown } | undefined)?.message)
    .filter((m): m is string => typeof m === 'string' && m !== '' && !headline.includes(m));
  return more.length === 0 ? headline : `${headline}: ${more.join('; ')}`;
}

/** GitHub's own message (the body's `message`), without the documentation link Octokit appends. */
function githubMessage(error: RequestFailure): string {
  const data = error.response?.data;
  if (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { message?: unknown }).message === 'string'
  ) {
    return (data as { message: string }).message;
  }
  return error.message.split(' - https://')[0] ?? error.message;
}

export interface FailureContext {
  /** What was being done, e.g. "upload sbom-spdx.json to the release of v1.2.0". */
  operation: string;
  repository: string;
  token: string;
}

/**
 * Turns a failed API call into one line a person can act on. The token is removed from every
 * message, whatever it came from (an echoed header, a URL in a proxy's error page).
 */
export function describeFailure(
  error: unknown,
  context: FailureContext,
): ReleaseActionsError<GithubErrorCode> {
  const clean = (text: string) => redact(text, [context.token]);
  if (error instanceof ReleaseActionsError) return error;
  const failed = (message: string, code: GithubErrorCode = 'API_FAILED') =>
    new OperationalError<GithubErrorCode>(message, { code });
  if (!isRequestFailure(error)) {
    const text = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
      return failed(clean(`Could not ${context.operation}: GitHub did not answer in time.`));
    }
    return failed(clean(`Could not ${context.operation}: ${text}`));
  }
  const message = clean(githubMessage(error));
  const status = error.status;
  if (status === 401) {
    return new InputError<GithubErrorCode>(
      `GitHub rejected the token (401 ${message}) while trying to ${context.operation}; pass a valid token.`,
      { input: 'token', code: 'TOKEN_REJECTED' },
    );
  }
  if (status === 403 && /rate limit/i.test(message)) {
    return failed(
      `Could not ${context.operation}: GitHub's rate limit was still exceeded after retrying (${message}).`,
      'RATE_LIMITED',
    );
  }
  if (status === 403) {
    return new InputError<GithubErrorCode>(
      `Could not ${context.operation}: GitHub answered 403 (${message}). The token needs the \`contents: write\` permission on ${context.repository}; add \`permissions: contents: write\` to the job.`,
      { code: 'PERMISSION_DENIED' },
    );
  }
  if (status === 404) {
    return failed(
      `Could not ${context.operation}: GitHub answered 404 (${message}); check that ${context.repository} exists and the token can read it.`,
    );
  }
  if (status === 429) {
    return failed(
      `Could not ${context.operation}: GitHub kept answering 429 (${message}) after the allowed retries.`,
      'RATE_LIMITED',
    );
  }
  if (status === 422 && immutableRefusal(error) !== undefined) {
    return new InputError<GithubErrorCode>(
      `Could not ${context.operation}: GitHub answered 422 (${clean(detailedMessage(error))}); the release is immutable, and GitHub locks its assets and tag once it is published.`,
      { code: 'RELEASE_IMMUTABLE' },
    );
  }
  if (status >= 500) {
    return failed(
      `Could not ${context.operation}: GitHub answered ${status} (${message}) after the allowed retries.`,
    );
  }
  return failed(`Could not ${context.operation}: GitHub answered ${status} (${message}).`);
}

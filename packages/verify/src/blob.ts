import { OperationalError } from '@release-actions/errors';
import {
  isLoopbackHost,
  lookupDockerCredentials,
  parseChallenges,
  registryApiHost,
  type Credentials,
} from '@release-actions/oci';
import { withRetry, type RetryPolicy } from '@release-actions/tools';
import { createHash } from 'node:crypto';

/**
 * Reads one blob (a Sigstore bundle layer) by digest. The registry client in @release-actions/oci
 * reads manifests only; bundles live in blobs, so this is the one extra read, with the same
 * rules: plain HTTP only to loopback, credentials from the caller or the Docker config, a Bearer
 * token asked for pull access only, never credentials to another origin, transient failures
 * retried within a bound, and the body hashed and compared with the digest before it is used.
 */
export interface BlobOptions {
  credentials?: Credentials;
  maxBytes?: number;
  timeoutMs?: number;
  /** Retry of 5xx, 429, 408 and network failures (default 4 attempts from 1 s, within 60 s). */
  retry?: RetryPolicy;
}

const MAX_BUNDLE_BYTES = 8 * 1024 * 1024;
const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  initialDelayMs: 1000,
  maxDelayMs: 10_000,
  deadlineMs: 60_000,
};

class Transient extends OperationalError {}

type Get = (url: string, authorization?: string) => Promise<Response>;

function getter(timeoutMs: number, policy: RetryPolicy): Get {
  const once = async (url: string, authorization?: string): Promise<Response> => {
    const headers: Record<string, string> = {};
    if (authorization !== undefined) headers['authorization'] = authorization;
    let response: Response;
    try {
      // fetch drops Authorization when a redirect leaves the origin (blob storage, CDNs).
      response = await fetch(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Transient(
        `cannot reach ${new URL(url).origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      );
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      throw new Transient(`${new URL(url).origin} answered HTTP ${response.status}`);
    }
    return response;
  };
  return (url, authorization) =>
    withRetry(() => once(url, authorization), policy, { isTransient: (error) => error instanceof Transient });
}

async function authorize(
  get: Get,
  registry: string,
  repository: string,
  header: string,
  credentials: Credentials | undefined,
): Promise<string> {
  const basic =
    credentials === undefined
      ? undefined
      : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const challenge = parseChallenges(header).find((c) => c.scheme === 'bearer' || c.scheme === 'basic');
  if (challenge?.scheme === 'basic' && basic !== undefined) return basic;
  const realm = challenge?.params['realm'];
  if (challenge?.scheme !== 'bearer' || realm === undefined || !URL.canParse(realm)) {
    throw new OperationalError(
      `registry ${registry} requires authentication for ${repository} and none is configured`,
    );
  }
  const tokenUrl = new URL(realm);
  if (tokenUrl.protocol !== 'https:' && !(tokenUrl.protocol === 'http:' && isLoopbackHost(tokenUrl.host))) {
    throw new OperationalError(
      `registry ${registry} points to token service ${tokenUrl.origin}, which is not HTTPS; refusing it`,
    );
  }
  if (challenge.params['service'] !== undefined)
    tokenUrl.searchParams.set('service', challenge.params['service']);
  tokenUrl.searchParams.set('scope', `repository:${repository}:pull`);
  const response = await get(tokenUrl.toString(), basic);
  const body = (await response.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown };
  const token = body.token ?? body.access_token;
  if (response.status !== 200 || typeof token !== 'string' || token === '') {
    throw new OperationalError(
      `token service ${tokenUrl.origin} gave no token for ${registry}/${repository} (HTTP ${response.status})`,
    );
  }
  return `Bearer ${token}`;
}

export async function fetchBlob(
  registry: string,
  repository: string,
  digest: string,
  options: BlobOptions = {},
): Promise<Buffer> {
  const get = getter(options.timeoutMs ?? 30_000, options.retry ?? DEFAULT_RETRY);
  const host = registryApiHost(registry);
  const scheme = isLoopbackHost(host) ? 'http' : 'https';
  const url = `${scheme}://${host}/v2/${repository}/blobs/${digest}`;
  let response = await get(url);
  if (response.status === 401) {
    const credentials = options.credentials ?? lookupDockerCredentials(registry).credentials;
    const authorization = await authorize(
      get,
      registry,
      repository,
      response.headers.get('www-authenticate') ?? '',
      credentials,
    );
    response = await get(url, authorization);
  }
  if (response.status !== 200) {
    throw new OperationalError(
      `registry ${registry} answered HTTP ${response.status} for blob ${repository}@${digest}`,
    );
  }
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > (options.maxBytes ?? MAX_BUNDLE_BYTES)) {
    throw new OperationalError(
      `blob ${repository}@${digest} is ${body.length} bytes, too large for a Sigstore bundle`,
    );
  }
  const [algorithm, hex] = digest.split(':');
  if (algorithm !== 'sha256' || createHash('sha256').update(body).digest('hex') !== hex) {
    throw new OperationalError(
      `registry ${registry} sent a blob for ${repository}@${digest} that does not match its digest`,
    );
  }
  return body;
}

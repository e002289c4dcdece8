/**
 * A small registry client over Node's fetch: what signing, attesting and verifying by digest need
 * (tag → digest, index → platform manifests, referrers) and the few writes that attaching an
 * artifact takes.
 *
 * Why not @sigstore/oci for all of it: its API is attachArtifactToImage / getImageDigest /
 * getRegistryCredentials only (no manifest reads, platforms or referrers listing, no DOCKER_CONFIG),
 * its current release (0.7.x) requires Node ≥ 22.22 while our code also runs on Node 20, and the
 * last release for Node 20 (0.6.0) predates its fixes for exact-host credential matching and
 * credential scoping across redirects (and imports promise-retry without declaring it). So
 * everything registry-facing lives here, in one module; the tests check that what @sigstore/oci
 * attaches, this client lists, and that both write the same referrers layout.
 */
import { InputError, OperationalError, redact, silentLogger, withRetry } from '@release-actions/core';
import type { Logger, RetryPolicy } from '@release-actions/core';
import { createHash } from 'node:crypto';
import { parseChallenges, type Challenge } from './challenge.js';
import { lookupDockerCredentials, type Credentials, type DockerConfigOptions } from './credentials.js';
import { MANIFEST_ACCEPT, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, isIndex } from './media-types.js';
import {
  canonicalReference,
  canonicalRegistry,
  checkDigest,
  digestProblem,
  formatReference,
  parseReference,
  referrersTag,
  registryApiHost,
  type ImageReference,
} from './reference.js';

export interface RegistryClientOptions {
  logger?: Logger;
  /** Credentials by registry host (as written in references, e.g. `ghcr.io`, `127.0.0.1:5000`). */
  credentials?: Readonly<Record<string, Credentials>>;
  /** Where to read the Docker config (DOCKER_CONFIG, home), or false to not read it. */
  dockerConfig?: DockerConfigOptions | false;
  /** Retry of 5xx, 429, 408 and network failures (default 5 attempts from 1 s, within 60 s). */
  retry?: RetryPolicy;
  /** Timeout of one HTTP request (default 30 s). */
  timeoutMs?: number;
  /**
   * Registries reached over plain HTTP. Default: loopback hosts only (localhost, 127.0.0.0/8,
   * [::1]), which is also what Docker treats as insecure by default.
   */
  plainHttp?: (registry: string) => boolean;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface PlatformManifest extends Descriptor {
  platform: Platform;
}

export interface Manifest extends Descriptor {
  /** The exact bytes, whose hash is `digest`. */
  bytes: Buffer;
  json: Record<string, unknown>;
}

export interface Resolved {
  /** `registry/repository@digest`. */
  reference: string;
  registry: string;
  repository: string;
  /** The tag the digest was resolved from, if the reference had one. */
  tag?: string;
  digest: string;
  mediaType: string;
  size: number;
  /** For an index: its platform manifests (attestation manifests left out). */
  platforms?: PlatformManifest[];
}

export interface Referrer extends Descriptor {
  artifactType?: string;
}

export interface BlobReadOptions {
  /** Largest body accepted, in bytes (default 8 MiB: blobs read here are held in memory). */
  maxBytes?: number;
}

export interface AttachOptions {
  /** Media type of the artifact (the manifest's artifactType and its layer's mediaType). */
  artifactType: string;
  content: Buffer;
  annotations?: Record<string, string>;
}

/** The manifest or tag does not exist in the registry. */
export class ManifestNotFoundError extends OperationalError {
  override readonly name: string = 'ManifestNotFoundError';
}

class TransientStatus extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

interface RequestSpec {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT';
  /** Path under /v2/<repository>/, or a full URL (upload locations). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  push?: boolean;
}

const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  initialDelayMs: 1000,
  maxDelayMs: 10_000,
  deadlineMs: 60_000,
};
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_BLOB_BYTES = 8 * 1024 * 1024;
const MAX_REFERRER_PAGES = 20;

export function isLoopbackHost(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function toReference(reference: string | ImageReference): ImageReference {
  return typeof reference === 'string' ? parseReference(reference) : reference;
}

function digestOf(bytes: Buffer, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

// fetch's errors may come from another realm (test VMs), so they are recognised by name, not instanceof.
function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : undefined;
}

function networkCause(error: unknown): string {
  const name = errorName(error);
  if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
  const { cause, message } = error as { cause?: { code?: string; message?: string }; message?: string };
  return cause?.code ?? cause?.message ?? message ?? String(error);
}

function isNetworkError(error: unknown): boolean {
  return ['TypeError', 'TimeoutError', 'AbortError'].includes(errorName(error) ?? '');
}

/** Failures that another attempt may not meet; a bad URL, a blocked port or an unknown host will not change. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function isTransientNetworkError(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'TimeoutError' || name === 'AbortError') return true;
  if (name !== 'TypeError') return false;
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

function mediaTypeOf(headers: Headers, json: Record<string, unknown> | undefined): string {
  const fromBody = typeof json?.['mediaType'] === 'string' ? json['mediaType'] : undefined;
  const fromHeader = headers.get('content-type')?.split(';')[0]?.trim();
  // A manifest's own mediaType field is authoritative; the header may be generic (application/json).
  return fromBody ?? fromHeader ?? OCI_MANIFEST;
}

function parseJson(bytes: Buffer, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new OperationalError(`${what} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OperationalError(`${what} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function descriptorsOf(json: Record<string, unknown>, what: string): Record<string, unknown>[] {
  const manifests = json['manifests'];
  if (!Array.isArray(manifests)) throw new OperationalError(`${what} has no "manifests" list`);
  return manifests.filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null);
}

function toDescriptor(entry: Record<string, unknown>, what: string): Descriptor {
  const { mediaType, digest, size, artifactType, annotations } = entry;
  if (typeof digest !== 'string' || typeof mediaType !== 'string' || typeof size !== 'number') {
    throw new OperationalError(`${what} has an entry without mediaType, digest and size`);
  }
  checkDigest(digest);
  const descriptor: Descriptor = { mediaType, digest, size };
  if (typeof artifactType === 'string') descriptor.artifactType = artifactType;
  if (typeof annotations === 'object' && annotations !== null) {
    descriptor.annotations = annotations as Record<string, string>;
  }
  return descriptor;
}

/** Platform manifests of an index; BuildKit's attestation manifests (platform unknown/unknown) are not platforms. */
export function platformsOf(index: Record<string, unknown>, what = 'index'): PlatformManifest[] {
  const out: PlatformManifest[] = [];
  for (const entry of descriptorsOf(index, what)) {
    const platform = entry['platform'] as Record<string, unknown> | undefined;
    const annotations = entry['annotations'] as Record<string, unknown> | undefined;
    if (annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    if (typeof platform?.['os'] !== 'string' || typeof platform['architecture'] !== 'string') continue;
    if (platform['os'] === 'unknown') continue;
    const descriptor = toDescriptor(entry, what);
    const p: Platform = { os: platform['os'], architecture: platform['architecture'] };
    if (typeof platform['variant'] === 'string' && platform['variant'] !== '')
      p.variant = platform['variant'];
    out.push({ ...descriptor, platform: p });
  }
  return out;
}

export class RegistryClient {
  private readonly logger: Logger;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly plainHttp: (registry: string) => boolean;
  /** Authorization header values by registry + repository + access. */
  private readonly authorizations = new Map<string, string>();
  /** Every password and token seen, redacted from all messages. */
  private readonly secrets = new Set<string>();

  constructor(private readonly options: RegistryClientOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.plainHttp = options.plainHttp ?? isLoopbackHost;
    for (const credentials of Object.values(options.credentials ?? {})) this.rememberSecret(credentials);
  }

  /** Tag → digest (a digest reference is checked to exist); for an index, its platform manifests too. */
  async resolve(input: string | ImageReference): Promise<Resolved> {
    const ref = toReference(input);
    let { digest, mediaType, size } = await this.headManifest(ref);
    let platforms: PlatformManifest[] | undefined;
    if (digest === undefined || mediaType === undefined || size === undefined || isIndex(mediaType)) {
      const manifest = await this.getManifest(ref);
      ({ digest, mediaType, size } = manifest);
      if (isIndex(mediaType)) platforms = platformsOf(manifest.json, `index ${formatReference(ref)}`);
    }
    // No tag and no digest means `latest`, as for docker pull; say so, since it is rarely meant.
    const tag = ref.digest === undefined ? (ref.tag ?? 'latest') : ref.tag;
    if (ref.digest === undefined) {
      this.logger.info(`Resolved ${formatReference({ ...ref, tag })} to ${digest}`);
    }
    const resolved: Resolved = {
      reference: canonicalReference(ref, digest),
      registry: ref.registry,
      repository: ref.repository,
      digest,
      mediaType,
      size,
    };
    if (tag !== undefined) resolved.tag = tag;
    if (platforms !== undefined) resolved.platforms = platforms;
    return resolved;
  }

  /** The manifest's exact bytes, parsed, with its digest verified against the body. */
  async getManifest(input: string | ImageReference): Promise<Manifest> {
    const ref = toReference(input);
    const name = formatReference(ref);
    const response = await this.request(ref, {
      method: 'GET',
      path: `manifests/${ref.digest ?? ref.tag ?? 'latest'}`,
      headers: { accept: MANIFEST_ACCEPT },
    });
    this.expectManifestFound(response, ref);
    if (response.body.length > MAX_MANIFEST_BYTES) {
      throw new OperationalError(
        `manifest of ${name} is ${response.body.length} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit`,
      );
    }
    const expected = ref.digest ?? response.headers.get('docker-content-digest') ?? undefined;
    const algorithm = expected?.split(':')[0] ?? 'sha256';
    const digest = digestOf(response.body, algorithm);
    if (expected !== undefined && expected !== digest) {
      throw new OperationalError(
        `registry ${ref.registry} sent a manifest for ${name} whose ${algorithm} is ${digest}, not ${expected}; refusing it`,
      );
    }
    const json = parseJson(response.body, `manifest of ${name}`);
    return {
      mediaType: mediaTypeOf(response.headers, json),
      digest,
      size: response.body.length,
      bytes: response.body,
      json,
    };
  }

  /** The platform manifests of an index (empty for a single-platform manifest). */
  async listPlatforms(input: string | ImageReference): Promise<PlatformManifest[]> {
    const ref = toReference(input);
    const manifest = await this.getManifest(ref);
    return isIndex(manifest.mediaType) ? platformsOf(manifest.json, `index ${formatReference(ref)}`) : [];
  }

  /**
   * Artifacts that refer to `subject` (a reference with a digest): the OCI referrers API, and
   * where the registry has none (it answers 404), the `sha256-<hex>` tag that cosign and
   * @sigstore/oci maintain instead.
   */
  async listReferrers(subject: string | ImageReference, artifactType?: string): Promise<Referrer[]> {
    const ref = toReference(subject);
    if (ref.digest === undefined) {
      throw new InputError(`referrers need a digest: "${formatReference(ref)}" has none; resolve it first`);
    }
    const what = `referrers of ${canonicalReference(ref)}`;
    const filter = artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(artifactType)}`;
    let path = `referrers/${ref.digest}${filter}`;
    const found: Referrer[] = [];
    let filtered = true;
    for (let page = 0; page < MAX_REFERRER_PAGES; page++) {
      const response = await this.request(ref, { method: 'GET', path, headers: { accept: OCI_INDEX } });
      if (response.status === 404 && page === 0) return this.listReferrersByTag(ref, artifactType);
      if (response.status !== 200) throw this.statusError(response, `list ${what}`, ref);
      if (
        artifactType !== undefined &&
        !response.headers.get('oci-filters-applied')?.includes('artifactType')
      ) {
        filtered = false;
      }
      found.push(...descriptorsOf(parseJson(response.body, what), what).map((d) => toDescriptor(d, what)));
      const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(response.headers.get('link') ?? '')?.[1];
      if (next === undefined) break;
      path = new URL(next, this.baseUrl(ref.registry)).toString();
    }
    return filtered ? found : found.filter((r) => r.artifactType === artifactType);
  }

  private async listReferrersByTag(ref: ImageReference, artifactType?: string): Promise<Referrer[]> {
    const tagged: ImageReference = {
      registry: ref.registry,
      repository: ref.repository,
      tag: referrersTag(ref.digest ?? ''),
    };
    let index: Manifest;
    try {
      index = await this.getManifest(tagged);
    } catch (error) {
      if (error instanceof ManifestNotFoundError) return [];
      throw error;
    }
    const what = `referrers index ${formatReference(tagged)}`;
    if (index.mediaType !== OCI_INDEX) {
      throw new OperationalError(`${what} is a ${index.mediaType}, not an OCI image index`);
    }
    const referrers = descriptorsOf(index.json, what).map((d) => toDescriptor(d, what));
    for (const referrer of referrers) {
      // Tools that rewrite the index (skopeo copy) drop the entries' artifactType; the manifest has it.
      if (referrer.artifactType !== undefined) continue;
      const manifest = await this.getManifest({
        registry: ref.registry,
        repository: ref.repository,
        digest: referrer.digest,
      });
      const config = manifest.json['config'] as { mediaType?: unknown } | undefined;
      const type = manifest.json['artifactType'] ?? config?.mediaType;
      if (typeof type === 'string') referrer.artifactType = type;
    }
    return artifactType === undefined ? referrers : referrers.filter((r) => r.artifactType === artifactType);
  }

  /**
   * A blob's bytes (e.g. the Sigstore bundle layer of an artifact) from the repository of `input`,
   * refused when over `maxBytes` or when they do not hash to `digest`. A redirect to blob storage
   * is followed without the registry's credentials.
   */
  async getBlob(
    input: string | ImageReference,
    digest: string,
    options: BlobReadOptions = {},
  ): Promise<Buffer> {
    const ref = toReference(input);
    checkDigest(digest);
    const name = `${ref.repository}@${digest}`;
    const response = await this.request(ref, { method: 'GET', path: `blobs/${digest}` });
    if (response.status !== 200) throw this.statusError(response, `read blob ${name}`, ref);
    const limit = options.maxBytes ?? MAX_BLOB_BYTES;
    if (response.body.length > limit) {
      throw new OperationalError(
        `blob ${name} is ${response.body.length} bytes, over the ${limit}-byte limit`,
      );
    }
    if (digestOf(response.body, digest.split(':')[0]) !== digest) {
      throw new OperationalError(
        `registry ${ref.registry} sent a blob for ${name} that does not match its digest`,
      );
    }
    return response.body;
  }

  /** Uploads a blob (monolithic POST + PUT) unless the registry already has it. */
  async pushBlob(
    input: string | ImageReference,
    content: Buffer,
    mediaType = 'application/octet-stream',
  ): Promise<Descriptor> {
    const ref = toReference(input);
    const digest = digestOf(content);
    const descriptor: Descriptor = { mediaType, digest, size: content.length };
    const head = await this.request(ref, { method: 'HEAD', path: `blobs/${digest}`, push: true });
    if (head.status === 200) return descriptor;
    const start = await this.request(ref, { method: 'POST', path: 'blobs/uploads/', push: true });
    if (start.status !== 202) throw this.statusError(start, `start a blob upload to ${ref.repository}`, ref);
    const location = start.headers.get('location');
    if (location === null)
      throw new OperationalError(`registry ${ref.registry} gave no upload location for ${ref.repository}`);
    const url = new URL(location, this.baseUrl(ref.registry));
    url.searchParams.set('digest', digest);
    const put = await this.request(ref, {
      method: 'PUT',
      path: url.toString(),
      headers: { 'content-type': 'application/octet-stream' },
      body: content,
      push: true,
    });
    if (put.status !== 201) throw this.statusError(put, `upload blob ${digest} to ${ref.repository}`, ref);
    return descriptor;
  }

  /** Uploads a manifest under `tagOrDigest` (default: its digest); returns its descriptor and the OCI-Subject header. */
  async pushManifest(
    input: string | ImageReference,
    content: Buffer,
    mediaType: string,
    tagOrDigest?: string,
  ): Promise<Descriptor & { subjectDigest?: string }> {
    const ref = toReference(input);
    const digest = digestOf(content);
    const response = await this.request(ref, {
      method: 'PUT',
      path: `manifests/${tagOrDigest ?? digest}`,
      headers: { 'content-type': mediaType },
      body: content,
      push: true,
    });
    if (response.status !== 201)
      throw this.statusError(response, `push manifest to ${formatReference(ref)}`, ref);
    const result: Descriptor & { subjectDigest?: string } = { mediaType, digest, size: content.length };
    const subject = response.headers.get('oci-subject');
    if (subject !== null) result.subjectDigest = subject;
    return result;
  }

  /**
   * Attaches an artifact to `subject` the way cosign v3 and @sigstore/oci do: an OCI manifest with
   * `subject` and `artifactType`, one layer holding the content and the empty config; where the
   * registry has no referrers API, the artifact is also added to the `sha256-<hex>` tag index.
   */
  async attachArtifact(subject: string | ImageReference, options: AttachOptions): Promise<Descriptor> {
    const ref = toReference(subject);
    const resolved = await this.resolve(ref);
    const subjectDescriptor: Descriptor = {
      mediaType: resolved.mediaType,
      digest: resolved.digest,
      size: resolved.size,
    };
    const layer = await this.pushBlob(ref, options.content, options.artifactType);
    const config = await this.pushBlob(ref, Buffer.from('{}'), OCI_EMPTY);
    const manifest: Record<string, unknown> = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: options.artifactType,
      config,
      layers: [layer],
      subject: subjectDescriptor,
    };
    if (options.annotations !== undefined) manifest['annotations'] = options.annotations;
    const pushed = await this.pushManifest(ref, Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST);
    const descriptor: Descriptor = {
      mediaType: OCI_MANIFEST,
      digest: pushed.digest,
      size: pushed.size,
      artifactType: options.artifactType,
    };
    if (options.annotations !== undefined) descriptor.annotations = options.annotations;

    const probe = await this.request(ref, {
      method: 'GET',
      path: `referrers/${resolved.digest}`,
      headers: { accept: OCI_INDEX },
    });
    if (pushed.subjectDigest === undefined || probe.status !== 200) {
      const tagged: ImageReference = {
        registry: ref.registry,
        repository: ref.repository,
        tag: referrersTag(resolved.digest),
      };
      let entries: Record<string, unknown>[] = [];
      try {
        const index = await this.getManifest(tagged);
        entries = descriptorsOf(index.json, `referrers index ${formatReference(tagged)}`);
      } catch (error) {
        if (!(error instanceof ManifestNotFoundError)) throw error;
      }
      if (!entries.some((e) => e['digest'] === descriptor.digest)) {
        const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...entries, descriptor] };
        await this.pushManifest(tagged, Buffer.from(JSON.stringify(index)), OCI_INDEX, tagged.tag);
      }
    }
    return descriptor;
  }

  /** What a HEAD tells; anything it leaves unknown (some registries omit headers) is left to a GET. */
  private async headManifest(
    ref: ImageReference,
  ): Promise<{ digest?: string; mediaType?: string; size?: number }> {
    const response = await this.request(ref, {
      method: 'HEAD',
      path: `manifests/${ref.digest ?? ref.tag ?? 'latest'}`,
      headers: { accept: MANIFEST_ACCEPT },
    });
    this.expectManifestFound(response, ref);
    const header = response.headers.get('docker-content-digest') ?? undefined;
    if (ref.digest !== undefined && header !== undefined && header !== ref.digest) {
      throw new OperationalError(
        `registry ${ref.registry} answered ${header} for ${formatReference(ref)}; refusing it`,
      );
    }
    const result: { digest?: string; mediaType?: string; size?: number } = {};
    const digest = header ?? ref.digest;
    if (digest !== undefined && digestProblem(digest) === undefined) result.digest = digest;
    const contentType = response.headers.get('content-type')?.split(';')[0]?.trim();
    if (contentType?.startsWith('application/vnd.')) result.mediaType = contentType;
    const length = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isInteger(length) && length > 0) result.size = length;
    return result;
  }

  private expectManifestFound(response: HttpResponse, ref: ImageReference): void {
    if (response.status === 404) {
      throw new ManifestNotFoundError(
        `${formatReference(ref)} was not found in registry ${ref.registry} (${ref.digest !== undefined ? 'unknown digest' : `unknown tag "${ref.tag ?? 'latest'}"`})`,
      );
    }
    if (response.status !== 200)
      throw this.statusError(response, `read manifest ${formatReference(ref)}`, ref);
  }

  private statusError(response: HttpResponse, action: string, ref: ImageReference): OperationalError {
    let detail = '';
    try {
      const errors = (
        JSON.parse(response.body.toString('utf8')) as { errors?: { code?: string; message?: string }[] }
      ).errors;
      detail = errors?.map((e) => [e.code, e.message].filter(Boolean).join(' ')).join('; ') ?? '';
    } catch {
      detail = '';
    }
    const message = `cannot ${action}: registry ${ref.registry} answered HTTP ${response.status}${detail ? ` (${detail})` : ''}`;
    return new OperationalError(this.redact(message));
  }

  private baseUrl(registry: string): string {
    const host = registryApiHost(registry);
    return `${this.plainHttp(registry) ? 'http' : 'https'}://${host}`;
  }

  private rememberSecret(credentials: Credentials): void {
    this.secrets.add(credentials.password);
    this.secrets.add(Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64'));
  }

  private redact(text: string): string {
    return redact(text, [...this.secrets]);
  }

  private credentialsFor(registry: string): {
    credentials?: Credentials;
    source: string;
    unsupported?: string;
  } {
    const explicit = Object.entries(this.options.credentials ?? {}).find(
      ([key]) => canonicalRegistry(key) === canonicalRegistry(registry),
    )?.[1];
    if (explicit !== undefined) return { credentials: explicit, source: 'the given credentials' };
    if (this.options.dockerConfig === false) return { source: 'no credentials were given' };
    const lookup = lookupDockerCredentials(registry, this.options.dockerConfig ?? {});
    if (lookup.credentials !== undefined) {
      this.rememberSecret(lookup.credentials);
      return { credentials: lookup.credentials, source: `the credentials in ${lookup.file}` };
    }
    const result: { source: string; unsupported?: string } = {
      source: `no credentials were given and ${lookup.file} has none for it`,
    };
    if (lookup.unsupported !== undefined) result.unsupported = lookup.unsupported;
    return result;
  }

  private async request(ref: ImageReference, spec: RequestSpec): Promise<HttpResponse> {
    const access = spec.push === true ? 'pull,push' : 'pull';
    const key = `${canonicalRegistry(ref.registry)}|${ref.repository}|${access}`;
    const url = /^https?:\/\//.test(spec.path)
      ? spec.path
      : `${this.baseUrl(ref.registry)}/v2/${ref.repository}/${spec.path}`;
    // Upload locations and Link pages may point elsewhere (blob storage): no registry credentials there.
    if (new URL(url).origin !== new URL(this.baseUrl(ref.registry)).origin) {
      return this.send(ref.registry, url, spec);
    }
    const authorization = this.authorizations.get(key);
    let response = await this.send(ref.registry, url, spec, authorization);
    if (response.status !== 401) return response;

    const challenge = parseChallenges(response.headers.get('www-authenticate') ?? '').find(
      (c) => c.scheme === 'bearer' || c.scheme === 'basic',
    );
    if (challenge === undefined) {
      throw new OperationalError(
        `registry ${ref.registry} asked for authentication without a Bearer or Basic challenge`,
      );
    }
    const fresh = await this.authenticate(ref, access, challenge);
    this.authorizations.set(key, fresh.header);
    response = await this.send(ref.registry, url, spec, fresh.header);
    if (response.status === 401 || response.status === 403) {
      throw new OperationalError(
        this.redact(
          fresh.credentials === undefined
            ? `registry ${ref.registry} requires authentication for ${ref.repository} and ${fresh.source}${fresh.unsupported ? `; ${fresh.unsupported}` : ''}`
            : `registry ${ref.registry} rejected ${fresh.source} (user "${fresh.credentials.username}") for ${access} access to ${ref.repository} (HTTP ${response.status}); check the username and password or token`,
        ),
      );
    }
    return response;
  }

  private async authenticate(
    ref: ImageReference,
    access: string,
    challenge: Challenge,
  ): Promise<{ header: string; credentials?: Credentials; source: string; unsupported?: string }> {
    const found = this.credentialsFor(ref.registry);
    const basic =
      found.credentials === undefined
        ? undefined
        : `Basic ${Buffer.from(`${found.credentials.username}:${found.credentials.password}`).toString('base64')}`;

    if (challenge.scheme === 'basic') {
      if (basic === undefined) {
        throw new OperationalError(
          `registry ${ref.registry} requires authentication for ${ref.repository} and ${found.source}${found.unsupported ? `; ${found.unsupported}` : ''}`,
        );
      }
      return { header: basic, ...found };
    }

    const realm = challenge.params['realm'];
    if (realm === undefined || !URL.canParse(realm)) {
      throw new OperationalError(`registry ${ref.registry} sent a Bearer challenge without a usable realm`);
    }
    const tokenUrl = new URL(realm);
    // Credentials travel to the token service only over TLS, or to a loopback one.
    if (tokenUrl.protocol !== 'https:' && !(tokenUrl.protocol === 'http:' && isLoopbackHost(tokenUrl.host))) {
      throw new OperationalError(
        `registry ${ref.registry} points to token service ${tokenUrl.origin}, which is not HTTPS; refusing it`,
      );
    }
    if (challenge.params['service'] !== undefined)
      tokenUrl.searchParams.set('service', challenge.params['service']);
    tokenUrl.searchParams.set('scope', `repository:${ref.repository}:${access}`);
    const response = await this.send(ref.registry, tokenUrl.toString(), { method: 'GET', path: '' }, basic);
    if (response.status === 401 || response.status === 403) {
      throw new OperationalError(
        this.redact(
          found.credentials === undefined
            ? `registry ${ref.registry} requires authentication for ${ref.repository} and ${found.source}${found.unsupported ? `; ${found.unsupported}` : ''}`
            : `token service ${tokenUrl.origin} rejected ${found.source} (user "${found.credentials.username}") for ${ref.registry}/${ref.repository} (HTTP ${response.status}); check the username and password or token`,
        ),
      );
    }
    if (response.status !== 200) {
      throw new OperationalError(
        `token service ${tokenUrl.origin} answered HTTP ${response.status} for ${ref.registry}/${ref.repository}`,
      );
    }
    let token: unknown;
    try {
      const body = JSON.parse(response.body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = body.token ?? body.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token === '') {
      throw new OperationalError(
        `token service ${tokenUrl.origin} answered without a token for ${ref.registry}/${ref.repository}`,
      );
    }
    this.secrets.add(token);
    return { header: `Bearer ${token}`, ...found };
  }

  /** One HTTP exchange, retried on 5xx, 429, 408, timeouts and network failures. */
  private async send(
    registry: string,
    url: string,
    spec: RequestSpec,
    authorization?: string,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...spec.headers };
    if (authorization !== undefined) headers['authorization'] = authorization;
    const display = `${spec.method} ${url.replace(/\?.*$/, '')}`;
    let attempts = 0;
    try {
      return await withRetry(
        async () => {
          attempts++;
          // fetch drops Authorization when a redirect leaves the origin (blob storage, CDNs).
          const init: RequestInit = {
            method: spec.method,
            headers,
            signal: AbortSignal.timeout(this.timeoutMs),
          };
          if (spec.body !== undefined) init.body = spec.body;
          const response = await fetch(url, init);
          const body = spec.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await response.arrayBuffer());
          if (response.status >= 500 || response.status === 429 || response.status === 408) {
            throw new TransientStatus(response.status);
          }
          return { status: response.status, headers: response.headers, body };
        },
        this.retry,
        {
          isTransient: (error) => error instanceof TransientStatus || isTransientNetworkError(error),
          onRetry: (error, attempt, delay) =>
            this.logger.warning(
              `${display}: ${error instanceof TransientStatus ? error.message : networkCause(error)}; attempt ${attempt + 1} in ${Math.round(delay / 100) / 10} s`,
            ),
        },
      );
    } catch (error) {
      const times = attempts === 1 ? 'once' : `${attempts} times`;
      if (error instanceof TransientStatus) {
        throw new OperationalError(
          `registry ${registry} answered HTTP ${error.status} to ${display} (tried ${times})`,
        );
      }
      if (isNetworkError(error)) {
        throw new OperationalError(
          `cannot reach registry ${registry} at ${new URL(url).origin}: ${networkCause(error)} (tried ${times})`,
        );
      }
      throw error;
    }
  }
}

export interface Subject {
  /** `registry/repository@digest`. */
  reference: string;
  digest: string;
  mediaType: string;
  /** Set for the platform manifests of an index. */
  platform?: Platform;
}

/**
 * What is signed or attested for a resolved image: the image itself (index or manifest) first,
 * then each platform manifest of an index, all by digest in the same repository.
 */
export function subjectsOf(resolved: Resolved): Subject[] {
  const base = `${resolved.registry}/${resolved.repository}`;
  const subjects: Subject[] = [
    { reference: resolved.reference, digest: resolved.digest, mediaType: resolved.mediaType },
  ];
  for (const manifest of resolved.platforms ?? []) {
    subjects.push({
      reference: `${base}@${manifest.digest}`,
      digest: manifest.digest,
      mediaType: manifest.mediaType,
      platform: manifest.platform,
    });
  }
  return subjects;
}

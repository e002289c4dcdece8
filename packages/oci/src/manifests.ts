import { OperationalError } from '@release-actions/core';
import type { RegistryConnection } from './connection.js';
import {
  digestOf,
  mediaTypeOf,
  parseJson,
  platformsOf,
  type Manifest,
  type PlatformManifest,
  type Resolved,
} from './descriptors.js';
import { ManifestNotFoundError, type OciErrorCode } from './errors.js';
import { MANIFEST_ACCEPT, isIndex } from './media-types.js';
import {
  canonicalReference,
  checkDigest,
  digestProblem,
  formatReference,
  type ImageReference,
} from './reference.js';
import type { HttpResponse } from './transport.js';

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_BLOB_BYTES = 8 * 1024 * 1024;

export interface BlobReadOptions {
  /** Largest body accepted, in bytes (default 8 MiB: blobs read here are held in memory). */
  maxBytes?: number;
}

function invalid(message: string): OperationalError<OciErrorCode> {
  return new OperationalError<OciErrorCode>(message, { code: 'CONTENT_INVALID' });
}

function manifestPath(ref: ImageReference): string {
  return `manifests/${ref.digest ?? ref.tag ?? 'latest'}`;
}

function expectManifestFound(
  connection: RegistryConnection,
  response: HttpResponse,
  ref: ImageReference,
): void {
  if (response.status === 404) {
    throw new ManifestNotFoundError(
      `${formatReference(ref)} was not found in registry ${ref.registry} (${ref.digest !== undefined ? 'unknown digest' : `unknown tag "${ref.tag ?? 'latest'}"`})`,
    );
  }
  if (response.status !== 200) {
    throw connection.statusError(response, `read manifest ${formatReference(ref)}`, ref);
  }
}

/** The manifest's exact bytes, parsed, with its digest verified against the body. */
export async function getManifest(connection: RegistryConnection, ref: ImageReference): Promise<Manifest> {
  const name = formatReference(ref);
  const response = await connection.request(ref, {
    method: 'GET',
    path: manifestPath(ref),
    headers: { accept: MANIFEST_ACCEPT },
  });
  expectManifestFound(connection, response, ref);
  if (response.body.length > MAX_MANIFEST_BYTES) {
    throw invalid(
      `manifest of ${name} is ${response.body.length} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit`,
    );
  }
  const expected = ref.digest ?? response.headers.get('docker-content-digest') ?? undefined;
  const algorithm = expected?.split(':')[0] ?? 'sha256';
  const digest = digestOf(response.body, algorithm);
  if (expected !== undefined && expected !== digest) {
    throw invalid(
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

/** What a HEAD tells; anything it leaves unknown (some registries omit headers) is left to a GET. */
async function headManifest(
  connection: RegistryConnection,
  ref: ImageReference,
): Promise<{ digest?: string; mediaType?: string; size?: number }> {
  const response = await connection.request(ref, {
    method: 'HEAD',
    path: manifestPath(ref),
    headers: { accept: MANIFEST_ACCEPT },
  });
  expectManifestFound(connection, response, ref);
  const header = response.headers.get('docker-content-digest') ?? undefined;
  if (ref.digest !== undefined && header !== undefined && header !== ref.digest) {
    throw invalid(`registry ${ref.registry} answered ${header} for ${formatReference(ref)}; refusing it`);
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

/** Tag → digest (a digest reference is checked to exist); for an index, its platform manifests too. */
export async function resolve(connection: RegistryConnection, ref: ImageReference): Promise<Resolved> {
  let { digest, mediaType, size } = await headManifest(connection, ref);
  let platforms: PlatformManifest[] | undefined;
  if (digest === undefined || mediaType === undefined || size === undefined || isIndex(mediaType)) {
    const manifest = await getManifest(connection, ref);
    ({ digest, mediaType, size } = manifest);
    if (isIndex(mediaType)) platforms = platformsOf(manifest.json, `index ${formatReference(ref)}`);
  }
  // No tag and no digest means `latest`, as for docker pull; say so, since it is rarely meant.
  const tag = ref.digest === undefined ? (ref.tag ?? 'latest') : ref.tag;
  if (ref.digest === undefined) {
    connection.logger.info(`Resolved ${formatReference({ ...ref, tag })} to ${digest}`);
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

/** The platform manifests of an index (empty for a single-platform manifest). */
export async function listPlatforms(
  connection: RegistryConnection,
  ref: ImageReference,
): Promise<PlatformManifest[]> {
  const manifest = await getManifest(connection, ref);
  return isIndex(manifest.mediaType) ? platformsOf(manifest.json, `index ${formatReference(ref)}`) : [];
}

/**
 * A blob's bytes from the repository of `ref`, refused when over `maxBytes` or when they do not
 * hash to `digest`. A redirect to blob storage is followed without the registry's credentials.
 */
export async function getBlob(
  connection: RegistryConnection,
  ref: ImageReference,
  digest: string,
  options: BlobReadOptions = {},
): Promise<Buffer> {
  checkDigest(digest);
  const name = `${ref.repository}@${digest}`;
  const response = await connection.request(ref, { method: 'GET', path: `blobs/${digest}` });
  if (response.status !== 200) throw connection.statusError(response, `read blob ${name}`, ref);
  const limit = options.maxBytes ?? MAX_BLOB_BYTES;
  if (response.body.length > limit) {
    throw invalid(`blob ${name} is ${response.body.length} bytes, over the ${limit}-byte limit`);
  }
  if (digestOf(response.body, digest.split(':')[0]) !== digest) {
    throw invalid(`registry ${ref.registry} sent a blob for ${name} that does not match its digest`);
  }
  return response.body;
}

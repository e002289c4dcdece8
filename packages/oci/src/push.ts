import { OperationalError } from '@release-actions/core';
import type { RegistryConnection } from './connection.js';
import { digestOf, indexEntries, type Descriptor } from './descriptors.js';
import { ManifestNotFoundError, type OciErrorCode } from './errors.js';
import { getManifest, resolve } from './manifests.js';
import { OCI_EMPTY, OCI_INDEX, OCI_MANIFEST } from './media-types.js';
import { formatReference, type ImageReference } from './reference.js';
import { referrersIndexOf } from './referrers.js';

export interface AttachOptions {
  /** Media type of the artifact (the manifest's artifactType and its layer's mediaType). */
  artifactType: string;
  content: Buffer;
  annotations?: Record<string, string>;
}

/** Uploads a blob (monolithic POST + PUT) unless the registry already has it. */
export async function pushBlob(
  connection: RegistryConnection,
  ref: ImageReference,
  content: Buffer,
  mediaType = 'application/octet-stream',
): Promise<Descriptor> {
  const digest = digestOf(content);
  const descriptor: Descriptor = { mediaType, digest, size: content.length };
  const head = await connection.request(ref, { method: 'HEAD', path: `blobs/${digest}`, push: true });
  if (head.status === 200) return descriptor;
  const start = await connection.request(ref, { method: 'POST', path: 'blobs/uploads/', push: true });
  if (start.status !== 202) {
    throw connection.statusError(start, `start a blob upload to ${ref.repository}`, ref);
  }
  const location = start.headers.get('location');
  if (location === null) {
    throw new OperationalError<OciErrorCode>(
      `registry ${ref.registry} gave no upload location for ${ref.repository}`,
      { code: 'REGISTRY_ERROR' },
    );
  }
  const url = new URL(location, connection.baseUrl(ref.registry));
  url.searchParams.set('digest', digest);
  const put = await connection.request(ref, {
    method: 'PUT',
    path: url.toString(),
    headers: { 'content-type': 'application/octet-stream' },
    body: content,
    push: true,
  });
  if (put.status !== 201)
    throw connection.statusError(put, `upload blob ${digest} to ${ref.repository}`, ref);
  return descriptor;
}

/** Uploads a manifest under `tagOrDigest` (default: its digest); returns its descriptor and the OCI-Subject header. */
export async function pushManifest(
  connection: RegistryConnection,
  ref: ImageReference,
  content: Buffer,
  mediaType: string,
  tagOrDigest?: string,
): Promise<Descriptor & { subjectDigest?: string }> {
  const digest = digestOf(content);
  const response = await connection.request(ref, {
    method: 'PUT',
    path: `manifests/${tagOrDigest ?? digest}`,
    headers: { 'content-type': mediaType },
    body: content,
    push: true,
  });
  if (response.status !== 201) {
    throw connection.statusError(response, `push manifest to ${formatReference(ref)}`, ref);
  }
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
export async function attachArtifact(
  connection: RegistryConnection,
  ref: ImageReference,
  options: AttachOptions,
): Promise<Descriptor> {
  const resolved = await resolve(connection, ref);
  const layer = await pushBlob(connection, ref, options.content, options.artifactType);
  const config = await pushBlob(connection, ref, Buffer.from('{}'), OCI_EMPTY);
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: options.artifactType,
    config,
    layers: [layer],
    subject: { mediaType: resolved.mediaType, digest: resolved.digest, size: resolved.size },
  };
  if (options.annotations !== undefined) manifest['annotations'] = options.annotations;
  const pushed = await pushManifest(connection, ref, Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST);
  const descriptor: Descriptor = {
    mediaType: OCI_MANIFEST,
    digest: pushed.digest,
    size: pushed.size,
    artifactType: options.artifactType,
  };
  if (options.annotations !== undefined) descriptor.annotations = options.annotations;
  await listInTagIndex(connection, ref, resolved.digest, descriptor, pushed.subjectDigest !== undefined);
  return descriptor;
}

/**
 * Makes `referrer` findable from `subjectDigest` where the registry does not index referrers
 * itself (it did not answer the push with OCI-Subject, or has no referrers API): adds it to the
 * `sha256-<hex>` tag index, once.
 */
async function listInTagIndex(
  connection: RegistryConnection,
  ref: ImageReference,
  subjectDigest: string,
  referrer: Descriptor,
  indexedOnPush: boolean,
): Promise<void> {
  const probe = await connection.request(ref, {
    method: 'GET',
    path: `referrers/${subjectDigest}`,
    headers: { accept: OCI_INDEX },
  });
  if (indexedOnPush && probe.status === 200) return;
  const tagged = referrersIndexOf(ref, subjectDigest);
  let entries: Record<string, unknown>[] = [];
  try {
    const index = await getManifest(connection, tagged);
    entries = indexEntries(index.json, `referrers index ${formatReference(tagged)}`);
  } catch (error) {
    if (!(error instanceof ManifestNotFoundError)) throw error;
  }
  if (entries.some((e) => e['digest'] === referrer.digest)) return;
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...entries, referrer] };
  await pushManifest(connection, tagged, Buffer.from(JSON.stringify(index)), OCI_INDEX, tagged.tag);
}

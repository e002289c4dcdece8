import { InputError, OperationalError } from '@release-actions/core';
import type { RegistryConnection } from './connection.js';
import { descriptorsOf, parseJson, type Referrer } from './descriptors.js';
import { ManifestNotFoundError, type OciErrorCode } from './errors.js';
import { getManifest } from './manifests.js';
import { OCI_INDEX } from './media-types.js';
import { canonicalReference, formatReference, referrersTag, type ImageReference } from './reference.js';

const MAX_REFERRER_PAGES = 20;

/** Where the referrers of `subjectDigest` are listed on a registry without the referrers API. */
export function referrersIndexOf(ref: ImageReference, subjectDigest: string): ImageReference {
  return { registry: ref.registry, repository: ref.repository, tag: referrersTag(subjectDigest) };
}

/**
 * Artifacts that refer to `subject` (a reference with a digest): the OCI referrers API, and
 * where the registry has none (it answers 404), the `sha256-<hex>` tag that cosign and
 * @sigstore/oci maintain instead.
 */
export async function listReferrers(
  connection: RegistryConnection,
  ref: ImageReference,
  artifactType?: string,
): Promise<Referrer[]> {
  if (ref.digest === undefined) {
    throw new InputError<OciErrorCode>(
      `referrers need a digest: "${formatReference(ref)}" has none; resolve it first`,
      { code: 'REFERENCE_INVALID' },
    );
  }
  const what = `referrers of ${canonicalReference(ref)}`;
  const filter = artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(artifactType)}`;
  let path = `referrers/${ref.digest}${filter}`;
  const found: Referrer[] = [];
  let filtered = true;
  for (let page = 0; page < MAX_REFERRER_PAGES; page++) {
    const response = await connection.request(ref, { method: 'GET', path, headers: { accept: OCI_INDEX } });
    if (response.status === 404 && page === 0) return listReferrersByTag(connection, ref, artifactType);
    if (response.status !== 200) throw connection.statusError(response, `list ${what}`, ref);
    if (
      artifactType !== undefined &&
      !response.headers.get('oci-filters-applied')?.includes('artifactType')
    ) {
      filtered = false;
    }
    found.push(...descriptorsOf(parseJson(response.body, what), what));
    const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(response.headers.get('link') ?? '')?.[1];
    if (next === undefined) break;
    path = new URL(next, connection.baseUrl(ref.registry)).toString();
  }
  return filtered ? found : found.filter((r) => r.artifactType === artifactType);
}

async function listReferrersByTag(
  connection: RegistryConnection,
  ref: ImageReference,
  artifactType?: string,
): Promise<Referrer[]> {
  const tagged = referrersIndexOf(ref, ref.digest ?? '');
  let index;
  try {
    index = await getManifest(connection, tagged);
  } catch (error) {
    if (error instanceof ManifestNotFoundError) return [];
    throw error;
  }
  const what = `referrers index ${formatReference(tagged)}`;
  if (index.mediaType !== OCI_INDEX) {
    throw new OperationalError<OciErrorCode>(`${what} is a ${index.mediaType}, not an OCI image index`, {
      code: 'CONTENT_INVALID',
    });
  }
  const referrers = descriptorsOf(index.json, what);
  for (const referrer of referrers) {
    // Tools that rewrite the index (skopeo copy) drop the entries' artifactType; the manifest has it.
    if (referrer.artifactType !== undefined) continue;
    const manifest = await getManifest(connection, {
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

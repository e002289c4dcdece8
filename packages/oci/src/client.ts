/**
 * A small registry client over Node's fetch: what signing, attesting and verifying by digest need
 * (tag → digest, index → platform manifests, referrers) and the few writes that attaching an
 * artifact takes. The work is done by one module per concern (transport, auth, manifests,
 * referrers, push); this class holds the connection they share.
 *
 * Why not @sigstore/oci for all of it: its API is attachArtifactToImage / getImageDigest /
 * getRegistryCredentials only (no manifest reads, platforms or referrers listing, no DOCKER_CONFIG),
 * its current release (0.7.x) requires Node ≥ 22.22 while our code also runs on Node 20, and the
 * last release for Node 20 (0.6.0) predates its fixes for exact-host credential matching and
 * credential scoping across redirects (and imports promise-retry without declaring it). The tests
 * check that what @sigstore/oci attaches, this client lists, and that both write the same layout.
 */
import { RegistryConnection, type ConnectionOptions } from './connection.js';
import type { Descriptor, Manifest, PlatformManifest, Referrer, Resolved } from './descriptors.js';
import * as manifests from './manifests.js';
import * as push from './push.js';
import { parseReference, type ImageReference } from './reference.js';
import { listReferrers } from './referrers.js';

export type RegistryClientOptions = ConnectionOptions;

function toReference(reference: string | ImageReference): ImageReference {
  return typeof reference === 'string' ? parseReference(reference) : reference;
}

// Methods are async so that a malformed reference rejects like every other failure, not throws.
export class RegistryClient {
  private readonly connection: RegistryConnection;

  constructor(options: RegistryClientOptions = {}) {
    this.connection = new RegistryConnection(options);
  }

  /** Tag → digest (a digest reference is checked to exist); for an index, its platform manifests too. */
  async resolve(reference: string | ImageReference): Promise<Resolved> {
    return manifests.resolve(this.connection, toReference(reference));
  }

  /** The manifest's exact bytes, parsed, with its digest verified against the body. */
  async getManifest(reference: string | ImageReference): Promise<Manifest> {
    return manifests.getManifest(this.connection, toReference(reference));
  }

  /** The platform manifests of an index (empty for a single-platform manifest). */
  async listPlatforms(reference: string | ImageReference): Promise<PlatformManifest[]> {
    return manifests.listPlatforms(this.connection, toReference(reference));
  }

  /** A blob of the repository of `reference`, checked against `digest` and a size limit. */
  async getBlob(
    reference: string | ImageReference,
    digest: string,
    options?: manifests.BlobReadOptions,
  ): Promise<Buffer> {
    return manifests.getBlob(this.connection, toReference(reference), digest, options);
  }

  /** Artifacts that refer to `subject` (by digest): the referrers API, else the `sha256-<hex>` tag. */
  async listReferrers(subject: string | ImageReference, artifactType?: string): Promise<Referrer[]> {
    return listReferrers(this.connection, toReference(subject), artifactType);
  }

  /** Uploads a blob unless the registry already has it. */
  async pushBlob(
    reference: string | ImageReference,
    content: Buffer,
    mediaType?: string,
  ): Promise<Descriptor> {
    return push.pushBlob(this.connection, toReference(reference), content, mediaType);
  }

  /** Uploads a manifest under `tagOrDigest` (default: its digest). */
  async pushManifest(
    reference: string | ImageReference,
    content: Buffer,
    mediaType: string,
    tagOrDigest?: string,
  ): Promise<Descriptor & { subjectDigest?: string }> {
    return push.pushManifest(this.connection, toReference(reference), content, mediaType, tagOrDigest);
  }

  /** Attaches an artifact to `subject` as cosign v3 and @sigstore/oci do (see push.ts). */
  async attachArtifact(subject: string | ImageReference, options: push.AttachOptions): Promise<Descriptor> {
    return push.attachArtifact(this.connection, toReference(subject), options);
  }
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RegistryClient, mediaTypes } from '@release-actions/oci';
import { attachArtifactToImage, getImageDigest } from '@sigstore/oci';
import { Layout, type Descriptor } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';

/**
 * Interoperability with @sigstore/oci, which attaches Sigstore bundles the way cosign v3 does:
 * what it writes to a registry without the referrers API (distribution 2.8) is what our client
 * must find, and what our client attaches must sit in the same `sha256-<hex>` index beside it.
 */
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const auth = { username: 'signer', password: 'interop-secret-1' };
let registry: Registry;
let layout: Layout;
let image: Descriptor;

beforeAll(async () => {
  registry = await startRegistry({ auth });
  layout = new Layout();
  image = layout.image('app', { os: 'linux', architecture: 'arm64' }, 'interop\n');
  await layout.push('app', registry.host, 'team/app', { destTag: '3.0', creds: auth });
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
});

describe('@sigstore/oci and our client on the same registry', () => {
  it('agree on the digest of a tag', async () => {
    const theirs = await getImageDigest({
      imageName: `${registry.host}/team/app`,
      imageTag: '3.0',
      credentials: auth,
    });
    const ours = await new RegistryClient({
      credentials: { [registry.host]: auth },
      dockerConfig: false,
    }).resolve(`${registry.host}/team/app:3.0`);
    expect(ours.digest).toBe(theirs);
    expect(ours.digest).toBe(image.digest);
  });

  it('lists what @sigstore/oci attached, and appends to the same referrers index', async () => {
    const theirs = await attachArtifactToImage({
      imageName: `${registry.host}/team/app`,
      imageDigest: image.digest,
      artifact: Buffer.from('{"bundle":"from @sigstore/oci"}'),
      mediaType: BUNDLE,
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope' },
      credentials: auth,
    });
    const client = new RegistryClient({ credentials: { [registry.host]: auth }, dockerConfig: false });
    const subject = `${registry.host}/team/app@${image.digest}`;

    const listed = await client.listReferrers(subject, BUNDLE);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      mediaType: mediaTypes.OCI_MANIFEST,
      digest: theirs.digest,
      size: theirs.size,
      artifactType: BUNDLE,
    });
    expect(listed[0]?.annotations?.['dev.sigstore.bundle.content']).toBe('dsse-envelope');
    const manifest = await client.getManifest(`${registry.host}/team/app@${theirs.digest}`);
    expect(manifest.json['subject']).toEqual({
      mediaType: mediaTypes.OCI_MANIFEST,
      digest: image.digest,
      size: image.size,
    });
    expect(manifest.json['artifactType']).toBe(BUNDLE);

    const ours = await client.attachArtifact(subject, {
      artifactType: BUNDLE,
      content: Buffer.from('{"bundle":"from our client"}'),
    });
    expect((await client.listReferrers(subject, BUNDLE)).map((r) => r.digest)).toEqual([
      theirs.digest,
      ours.digest,
    ]);
    // Our manifest has the shape of theirs (besides the content and annotations).
    const ourManifest = await client.getManifest(`${registry.host}/team/app@${ours.digest}`);
    const shape = (json: Record<string, unknown>): unknown => ({
      schemaVersion: json['schemaVersion'],
      mediaType: json['mediaType'],
      artifactType: json['artifactType'],
      config: json['config'],
      layerTypes: (json['layers'] as { mediaType: string }[]).map((l) => l.mediaType),
      subject: json['subject'],
    });
    expect(shape(ourManifest.json)).toEqual(shape(manifest.json));
  });
});

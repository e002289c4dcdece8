import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { subjectsOf } from '@release-actions/cosign';
import { ManifestNotFoundError, RegistryClient, mediaTypes } from '@release-actions/oci';
import { OperationalError } from '@release-actions/core';
import type { Logger } from '@release-actions/core';
import { Layout, type BuiltIndex, type Descriptor } from '../../harness/images.js';
import { startRegistry, type Registry } from '../../harness/registry.js';

/** Reads, resolves and referrers against Debian's docker-registry on loopback, without auth. */
let registry: Registry;
let layout: Layout;
let single: Descriptor;
let multi: BuiltIndex;

const quickRetry = { attempts: 3, initialDelayMs: 20, maxDelayMs: 50 };

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string): void => void lines.push(m);
  return { lines, debug: push, info: push, notice: push, warning: push };
}

beforeAll(async () => {
  registry = await startRegistry();
  layout = new Layout();
  single = layout.image('single', { os: 'linux', architecture: 'amd64' }, 'single image\n');
  await layout.push('single', registry.host, 'team/app', { destTag: '1.0' });
  multi = layout.index('multi', [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ]);
  await layout.push('multi', registry.host, 'team/multi', { destTag: 'v2' });
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  layout?.remove();
});

describe('RegistryClient against docker-registry 2.8 (no auth)', () => {
  it('resolves a tag to the digest of the manifest in the layout', async () => {
    const logger = recordingLogger();
    const client = new RegistryClient({ logger, dockerConfig: false, retry: quickRetry });
    const resolved = await client.resolve(`${registry.host}/team/app:1.0`);
    expect(resolved).toEqual({
      reference: `${registry.host}/team/app@${single.digest}`,
      registry: registry.host,
      repository: 'team/app',
      tag: '1.0',
      digest: single.digest,
      mediaType: mediaTypes.OCI_MANIFEST,
      size: single.size,
    });
    expect(logger.lines).toContain(`Resolved ${registry.host}/team/app:1.0 to ${single.digest}`);
  });

  it('resolves a reference without tag or digest as latest, and says so', async () => {
    await layout.push('single', registry.host, 'team/latest', { destTag: 'latest' });
    const logger = recordingLogger();
    const client = new RegistryClient({ logger, dockerConfig: false, retry: quickRetry });
    const resolved = await client.resolve(`${registry.host}/team/latest`);
    expect(resolved.tag).toBe('latest');
    expect(resolved.digest).toBe(single.digest);
    expect(logger.lines).toContain(`Resolved ${registry.host}/team/latest:latest to ${single.digest}`);
  });

  it('takes a digest as given and confirms it exists', async () => {
    const client = new RegistryClient({ dockerConfig: false, retry: quickRetry });
    const resolved = await client.resolve(`${registry.host}/team/app@${single.digest}`);
    expect(resolved.digest).toBe(single.digest);
    expect(resolved.tag).toBeUndefined();
    expect(subjectsOf(resolved)).toEqual([
      { reference: resolved.reference, digest: single.digest, mediaType: mediaTypes.OCI_MANIFEST },
    ]);
    expect(resolved.reference).toBe(`${registry.host}/team/app@${single.digest}`);
  });

  it('resolves a tag given with a digest to the digest', async () => {
    const client = new RegistryClient({ dockerConfig: false, retry: quickRetry });
    const resolved = await client.resolve(`${registry.host}/team/app:not-a-real-tag@${single.digest}`);
    expect(resolved.reference).toBe(`${registry.host}/team/app@${single.digest}`);
  });

  it('enumerates the platforms of a two-platform index', async () => {
    const client = new RegistryClient({ dockerConfig: false, retry: quickRetry });
    const resolved = await client.resolve(`${registry.host}/team/multi:v2`);
    expect(resolved.digest).toBe(multi.index.digest);
    expect(resolved.mediaType).toBe(mediaTypes.OCI_INDEX);
    expect(resolved.platforms).toEqual([
      {
        mediaType: mediaTypes.OCI_MANIFEST,
        digest: multi.manifests[0]?.digest,
        size: multi.manifests[0]?.size,
        platform: { os: 'linux', architecture: 'amd64' },
      },
      {
        mediaType: mediaTypes.OCI_MANIFEST,
        digest: multi.manifests[1]?.digest,
        size: multi.manifests[1]?.size,
        platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      },
    ]);
    expect(subjectsOf(resolved)).toEqual([
      {
        reference: `${registry.host}/team/multi@${multi.index.digest}`,
        digest: multi.index.digest,
        mediaType: mediaTypes.OCI_INDEX,
      },
      ...multi.manifests.map((m) => ({
        reference: `${registry.host}/team/multi@${m.digest}`,
        digest: m.digest,
        mediaType: mediaTypes.OCI_MANIFEST,
        platform: m.platform,
      })),
    ]);
    const platforms = await client.listPlatforms(`${registry.host}/team/multi@${multi.index.digest}`);
    expect(platforms.map((p) => `${p.platform.os}/${p.platform.architecture}`)).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    // Each platform manifest is itself resolvable by digest.
    for (const p of platforms) {
      expect((await client.resolve(`${registry.host}/team/multi@${p.digest}`)).mediaType).toBe(
        mediaTypes.OCI_MANIFEST,
      );
    }
  });

  it('returns the exact manifest bytes, whose sha256 is the digest', async () => {
    const client = new RegistryClient({ dockerConfig: false, retry: quickRetry });
    const manifest = await client.getManifest(`${registry.host}/team/multi:v2`);
    expect(manifest.digest).toBe(multi.index.digest);
    expect(manifest.bytes.length).toBe(multi.index.size);
    expect(manifest.json['mediaType']).toBe(mediaTypes.OCI_INDEX);
    expect(await client.listPlatforms(`${registry.host}/team/app:1.0`)).toEqual([]);
  });

  it('names the reference when a tag does not exist', async () => {
    const client = new RegistryClient({ dockerConfig: false, retry: quickRetry });
    const attempt = client.resolve(`${registry.host}/team/app:nope`);
    await expect(attempt).rejects.toThrow(ManifestNotFoundError);
    await expect(client.resolve(`${registry.host}/team/app:nope`)).rejects.toThrow(
      `${registry.host}/team/app:nope was not found in registry ${registry.host} (unknown tag "nope")`,
    );
    const missingDigest = `sha256:${'0'.repeat(64)}`;
    await expect(client.resolve(`${registry.host}/team/app@${missingDigest}`)).rejects.toThrow(
      `${registry.host}/team/app@${missingDigest} was not found`,
    );
    await expect(client.resolve(`${registry.host}/no/such-repo:1`)).rejects.toThrow(ManifestNotFoundError);
  });

  it('lists referrers through the sha256-<hex> tag when the registry has no referrers API', async () => {
    const client = new RegistryClient({ dockerConfig: false, retry: quickRetry });
    const subject = multi.manifests[0] as Descriptor;
    // No referrers yet: an empty list, not an error.
    expect(await client.listReferrers(`${registry.host}/team/multi@${subject.digest}`)).toEqual([]);

    // A referrer written by skopeo (not by the client under test) …
    const { artifact, indexTag } = layout.referrer(
      subject,
      'application/vnd.example.sbom+json',
      '{"sbom":true}',
    );
    await layout.push(indexTag, registry.host, 'team/multi');
    const listed = await client.listReferrers(`${registry.host}/team/multi@${subject.digest}`);
    expect(listed).toEqual([
      {
        mediaType: mediaTypes.OCI_MANIFEST,
        digest: artifact.digest,
        size: artifact.size,
        artifactType: 'application/vnd.example.sbom+json',
      },
    ]);
    const artifactManifest = await client.getManifest(`${registry.host}/team/multi@${artifact.digest}`);
    expect((artifactManifest.json['subject'] as { digest: string }).digest).toBe(subject.digest);

    // … and one attached by the client, which must keep the first in the tag index.
    const bundle = Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}');
    const attached = await client.attachArtifact(`${registry.host}/team/multi@${subject.digest}`, {
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      content: bundle,
      annotations: { 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1' },
    });
    const all = await client.listReferrers(`${registry.host}/team/multi@${subject.digest}`);
    expect(all.map((r) => r.digest)).toEqual([artifact.digest, attached.digest]);
    const bundles = await client.listReferrers(
      `${registry.host}/team/multi@${subject.digest}`,
      'application/vnd.dev.sigstore.bundle.v0.3+json',
    );
    expect(bundles).toEqual([
      {
        mediaType: mediaTypes.OCI_MANIFEST,
        digest: attached.digest,
        size: attached.size,
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        annotations: { 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1' },
      },
    ]);
    const attachedManifest = await client.getManifest(`${registry.host}/team/multi@${attached.digest}`);
    expect(attachedManifest.json['subject']).toEqual({
      mediaType: subject.mediaType,
      digest: subject.digest,
      size: subject.size,
    });

    // Attaching the same artifact again does not duplicate it.
    await client.attachArtifact(`${registry.host}/team/multi@${subject.digest}`, {
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      content: bundle,
      annotations: { 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1' },
    });
    expect(await client.listReferrers(`${registry.host}/team/multi@${subject.digest}`)).toHaveLength(2);
  });

  it('refuses to list referrers of a reference without a digest', async () => {
    const client = new RegistryClient({ dockerConfig: false, retry: quickRetry });
    await expect(client.listReferrers(`${registry.host}/team/app:1.0`)).rejects.toThrow(
      'referrers need a digest',
    );
  });
});

describe('RegistryClient when the registry is down', () => {
  it('fails with a clear error after bounded retries', async () => {
    const stopped = await startRegistry();
    const host = stopped.host;
    await stopped.stop();
    const logger = recordingLogger();
    const client = new RegistryClient({
      logger,
      dockerConfig: false,
      retry: { attempts: 3, initialDelayMs: 50, maxDelayMs: 100 },
    });
    const started = Date.now();
    const error = await client.resolve(`${host}/team/app:1.0`).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(OperationalError);
    expect((error as Error).message).toBe(
      `cannot reach registry ${host} at http://${host}: ECONNREFUSED (tried 3 times)`,
    );
    expect(logger.lines.filter((l) => l.includes('ECONNREFUSED'))).toHaveLength(2);
    expect(elapsed).toBeLessThan(5000);
  });
});

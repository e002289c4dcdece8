import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXPECTED_PACKAGES, PLATFORMS, startRealImage, type RealImage } from './harness/image.js';

const INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** The test image itself: what the registry serves is the index and the platform images the harness reports. */
describe('the real test image', () => {
  let image: RealImage & { stop(): Promise<void> };
  beforeAll(async () => {
    image = await startRealImage();
  });
  afterAll(async () => {
    await image?.stop();
  });

  async function get(
    ref: string,
    accept: string,
  ): Promise<{ digest: string | null; body: Record<string, unknown> }> {
    const response = await fetch(`${image.registry.url}/v2/${image.repository}/manifests/${ref}`, {
      headers: { accept },
    });
    expect(response.status).toBe(200);
    return {
      digest: response.headers.get('docker-content-digest'),
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it('serves an OCI index over linux/amd64 and linux/arm64 under the tag and the index digest', async () => {
    const byTag = await get(image.tag, INDEX);
    expect(byTag.digest).toBe(image.indexDigest);
    const manifests = byTag.body.manifests as {
      digest: string;
      platform: { os: string; architecture: string };
    }[];
    expect(manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`)).toEqual([...PLATFORMS]);
    expect(manifests.map((m) => m.digest)).toEqual(image.images.map((i) => i.digest));
    expect(image.reference).toBe(`${image.registry.host}/${image.repository}@${image.indexDigest}`);
  });

  it('has two layers per platform (the dpkg database, the npm app) and differs per platform', async () => {
    for (const platform of PLATFORMS) {
      const { body } = await get(image.image(platform).digest, MANIFEST);
      expect((body.layers as unknown[]).length).toBe(2);
    }
    expect(image.image('linux/amd64').digest).not.toBe(image.image('linux/arm64').digest);
    expect(EXPECTED_PACKAGES['linux/amd64']).toContainEqual({
      name: 'libssl3',
      version: '3.0.11-1~deb12u2',
      type: 'deb',
    });
    expect(EXPECTED_PACKAGES['linux/arm64']).toContainEqual({
      name: 'lodash',
      version: '4.17.20',
      type: 'npm',
    });
  });
});

import type { Platform, RegistryClient } from '@release-actions/oci';
import type { ImageLookup } from './platform-sboms.js';

type Json = Record<string, unknown>;

/** The registry client as the SBOM step's lookup: resolve, and a single image's platform from its config. */
export function registryLookup(client: RegistryClient): ImageLookup {
  return {
    resolve: (reference) => client.resolve(reference),
    async platformOf(reference): Promise<Platform | undefined> {
      const manifest = await client.getManifest(reference);
      const config = manifest.json['config'] as Json | undefined;
      if (typeof config?.['digest'] !== 'string') return undefined;
      const body = JSON.parse((await client.getBlob(reference, config['digest'])).toString('utf8')) as Json;
      if (typeof body['os'] !== 'string' || typeof body['architecture'] !== 'string') return undefined;
      const platform: Platform = { os: body['os'], architecture: body['architecture'] };
      if (typeof body['variant'] === 'string' && body['variant'] !== '') platform.variant = body['variant'];
      return platform;
    },
  };
}

import type { BundleSource } from '@release-actions/verify';
import {
  openAttestationStore,
  type AttestationStore,
  type AttestationStoreOptions,
} from './attestation-store.js';

/**
 * GitHub's attestation store as a source of bundles for the native engine of verify. The client
 * is opened on the first digest asked for, so a verification that fails on its inputs never
 * loads Octokit.
 */
export function attestationSource(options: AttestationStoreOptions): BundleSource {
  let store: Promise<AttestationStore> | undefined;
  return {
    description: `GitHub's attestation store of ${options.repository}`,
    async bundles(digest) {
      store ??= openAttestationStore(options);
      const listed = await (await store).list(digest);
      options.logger.info(
        `GitHub's attestation store of ${options.repository}: ${listed.length} attestation(s) for ${digest}.`,
      );
      return listed.map(({ label, text, problem }) => ({
        label,
        ...(text === undefined ? {} : { text }),
        ...(problem === undefined ? {} : { problem }),
      }));
    },
  };
}

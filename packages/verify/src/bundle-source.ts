import { InputError } from '@release-actions/core';

/**
 * Where the native engine reads Sigstore bundles: the registry (cosign v3's referrers, always
 * available) or a store given by the front end, such as GitHub's attestation store. This package
 * only names the interface; the front ends build the GitHub one (packages/github), so verify
 * never depends on the GitHub client.
 */
export const BUNDLE_SOURCES = ['registry', 'github', 'both'] as const;
export type BundleSourceChoice = (typeof BUNDLE_SOURCES)[number];
export type SourceName = 'registry' | 'github';

/** One bundle a source holds for a digest, serialized, or why it cannot be read. */
export interface SourcedBundle {
  /** Names the bundle in reasons, e.g. "attestation 42 in owner/repo". */
  label: string;
  text?: string;
  problem?: string;
}

export interface BundleSource {
  /** In logs and reasons: "GitHub's attestation store of owner/repo". */
  description: string;
  /** Every bundle the source holds whose subject is `digest` (sha256:<hex>), not yet trusted. */
  bundles(digest: string): Promise<SourcedBundle[]>;
}

/** The sources a choice reads, in the order results are reported. */
export function sourcesOf(choice: BundleSourceChoice): SourceName[] {
  return choice === 'both' ? ['registry', 'github'] : [choice];
}

/**
 * A store is read only by the native engine: cosign reads bundles from the registry and
 * nowhere else, so verifying "from GitHub" with it would verify something else.
 */
export function checkSource(
  choice: BundleSourceChoice,
  engine: 'cosign' | 'native',
  source: BundleSource | undefined,
): void {
  if (choice === 'registry') return;
  if (engine !== 'native') {
    throw new InputError(
      `${choice} needs engine native: cosign reads bundles only from the registry; set engine: native (--engine native) to verify the bundles of GitHub's attestation store.`,
      { input: 'source' },
    );
  }
  if (source === undefined) {
    throw new InputError(`${choice} needs GitHub's attestation store, and none was given.`, {
      input: 'source',
    });
  }
}

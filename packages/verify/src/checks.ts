import { InputError } from '@release-actions/core';

/** What a consumer can ask `verify` to check. */
export const CHECK_NAMES = ['signature', 'sbom-spdx', 'sbom-cyclonedx', 'provenance', 'vex'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/**
 * The checks run when none are named. `vex` is asked for by name: a release without ignore
 * rules carries no VEX document, and that is no failure of its supply chain.
 */
export const DEFAULT_CHECKS: readonly CheckName[] = [
  'signature',
  'sbom-spdx',
  'sbom-cyclonedx',
  'provenance',
];

/** The in-toto predicate type each kind of bundle carries, as cosign v3 writes them. */
export const PREDICATE_TYPES = {
  signature: 'https://sigstore.dev/cosign/sign/v1',
  'sbom-spdx': 'https://spdx.dev/Document',
  'sbom-cyclonedx': 'https://cyclonedx.org/bom',
  vex: 'https://openvex.dev/ns',
} as const;

/** cosign's `--type` for each attestation check. */
export const COSIGN_TYPES = {
  'sbom-spdx': 'spdxjson',
  'sbom-cyclonedx': 'cyclonedx',
  vex: 'openvex',
} as const;

/** The SLSA generator that our reusable workflow calls; slsa-verifier is told to expect it. */
export const SLSA_CONTAINER_BUILDER_ID =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml';

/** slsa-github-generator's generic generator: the provenance of release files (`.intoto.jsonl`). */
export const SLSA_GENERIC_BUILDER_ID =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml';

export function parseChecks(values: readonly string[]): CheckName[] {
  const wanted = values.map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
  if (wanted.length === 0) return [...DEFAULT_CHECKS];
  const unknown = wanted.filter((v) => !(CHECK_NAMES as readonly string[]).includes(v));
  if (unknown.length > 0) {
    throw new InputError(
      `${unknown.map((u) => `"${u}"`).join(', ')} not accepted; use any of ${CHECK_NAMES.join(', ')}.`,
      { input: 'checks' },
    );
  }
  return CHECK_NAMES.filter((name) => wanted.includes(name));
}

/** Tags slsa-verifier can compare with the provenance: a git tag name, not a ref. */
export function checkSourceTag(tag: string | undefined): string | undefined {
  if (tag === undefined || tag === '') return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9._+/-]{0,127}$/.test(tag) || tag.includes('..')) {
    throw new InputError(`"${tag}" is not a git tag name (e.g. v1.2.3).`, { input: 'source-tag' });
  }
  return tag;
}

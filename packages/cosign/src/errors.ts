/**
 * What went wrong in sign or attest, for the `::error` title and scripts (docs/errors.md). Input
 * problems without a code of their own are INPUT_INVALID; registry failures carry the oci codes.
 */
export type CosignErrorCode =
  /** Keyless signing was required, but the job has no OIDC token (no `id-token: write`, or a fork). */
  | 'NO_OIDC_TOKEN'
  /** The key input is neither a KMS URI nor a PEM private key. */
  | 'KEY_INVALID'
  /** A private deployment's signing config or trusted root is not one. */
  | 'TRUST_FILE_INVALID'
  /** A predicate is not what its type says, or is empty. */
  | 'PREDICATE_INVALID'
  /** The attestation is larger than the transparency log accepts. */
  | 'ENTRY_TOO_LARGE'
  /** Fulcio, Rekor, a timestamp authority or the registry kept failing transiently: try later. */
  | 'SIGSTORE_UNAVAILABLE'
  /** cosign reported success but left no readable Sigstore bundle. */
  | 'BUNDLE_INVALID';

/**
 * The codes `verify` reports under (the `::error` title, what a script branches on). The first
 * three are verdicts (exit 1); a check that could not run is not one (exit 2).
 */
export type VerifyErrorCode =
  /** A check ran and does not hold (bad signature, wrong statement, no log entry…). */
  | 'VERIFY_FAILED'
  /** A certificate's identity, issuer, repository, ref, trigger or commit is not the policy's. */
  | 'IDENTITY_MISMATCH'
  /** No signature or attestation of the kind a check needs was found next to the image. */
  | 'NO_SIGNATURE'
  /** A check could not run (registry, tool): nothing was decided. */
  | 'VERIFY_INCOMPLETE'
  | 'TRUSTED_ROOT_INVALID'
  /** The key is missing, private, or not a PEM public key. */
  | 'KEY_INVALID';

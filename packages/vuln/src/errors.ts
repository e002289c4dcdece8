/**
 * The codes of the errors and the verdict this package reports; a script branches on them, so
 * they stay stable. Inputs that are simply not acceptable keep the common `INPUT_INVALID`.
 */
export type VulnErrorCode =
  /** The gate judged the target and it fails the policy (the verdict's code). */
  | 'SCAN_BLOCKED'
  /** grype could not be run, exited with an error, or wrote no report. */
  | 'GRYPE_FAILED'
  /** A grype JSON report cannot be read, is not JSON, or lacks the fields the gate needs. */
  | 'REPORT_INVALID'
  /** grype's report is about another target than the one asked for. */
  | 'REPORT_TARGET_MISMATCH'
  /** An ignore file cannot be read or a rule in it is incomplete or malformed. */
  | 'IGNORE_RULE_INVALID'
  /** An ignore rule expires further ahead than the cap (max-ignore-days) allows. */
  | 'IGNORE_RULE_TOO_LONG'
  /** An OpenVEX document cannot be read or is malformed. */
  | 'VEX_INVALID'
  /** An SBOM given to scan cannot be read as SPDX, CycloneDX or syft JSON. */
  | 'SBOM_INVALID';

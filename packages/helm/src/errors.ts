/**
 * What went wrong in the chart step, for the `::error` title and scripts (docs/errors.md). Input
 * problems without a code of their own are INPUT_INVALID; registry failures carry the oci codes.
 */
export type HelmErrorCode =
  /** The chart directory or package is not a Helm chart (no Chart.yaml, no name or version, not a chart archive). */
  | 'CHART_INVALID'
  /** The registry already holds this chart version with other content: bump the version. */
  | 'CHART_VERSION_CONFLICT'
  /** helm succeeded but did not say what it made or pushed (no package file, no digest line). */
  | 'HELM_FAILED'
  /** helm reported one digest and the registry serves another. */
  | 'CHART_DIGEST_MISMATCH';

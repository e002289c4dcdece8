/**
 * The Actions cache, for the packages that need it (vuln's grype DB cache). An entry point of its
 * own (@release-actions/kit/actions-cache), loaded on first use: @actions/cache is about 1 MB of
 * bundle that only the actions importing this module carry, and the CLI never does.
 */
export const loadActionsCache = async () => await import('@actions/cache');

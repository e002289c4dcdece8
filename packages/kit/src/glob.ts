/**
 * @actions/glob, for the packages that match file patterns (github's release assets). An entry
 * point of its own (@release-actions/kit/glob), loaded only when a pattern is given.
 */
export const loadGlob = async () => await import('@actions/glob');

/**
 * The parts of the runner's toolkit that domain packages need, handed to them by the actions.
 * Loaded on first use: @actions/cache alone is about 1 MB of bundle that most steps never run,
 * and the CLI, which has no runner, never links it at all.
 */
export const loadActionsCache = async () => await import('@actions/cache');
export const loadGlob = async () => await import('@actions/glob');

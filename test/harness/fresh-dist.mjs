import { distIsCurrent, STALE_DIST } from '../../scripts/sources-hash.mjs';

/**
 * Global setup of the e2e project (and of the real tier): the suites run the committed bundles, so
 * against a dist/ built from other sources they would test old code. This fails rather than
 * building first: a build here could only hide its own errors among the test output, and a
 * developer who changed the sources and forgot the build learns it at once, before any suite
 * starts. The error's stack is its message alone: jest prints the stack, and the one line says
 * all there is to say.
 */
export default function freshDist(_globalConfig, projectConfig) {
  if (distIsCurrent(projectConfig.rootDir)) return;
  const stale = new Error(STALE_DIST);
  stale.stack = STALE_DIST;
  throw stale;
}

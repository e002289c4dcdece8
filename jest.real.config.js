import { shared } from './jest.config.js';

/**
 * The real-tool tier: the shipped bundles and the CLI with the real syft, grype, cosign, helm and
 * slsa-verifier on PATH, built by `npm run tools:real`, against the loopback registry and a real
 * Sigstore on loopback. A missing tool fails the tier; nothing here is skipped.
 */
export default {
  ...shared,
  displayName: 'real',
  roots: ['<rootDir>/test/real'],
  // It runs the bundles too: the same refusal of a stale dist/ as the e2e project.
  globalSetup: '<rootDir>/test/harness/fresh-dist.mjs',
  // The real tools use both cores themselves (syft and grype catalogue and match in parallel).
  maxWorkers: 1,
  testTimeout: 180_000,
};

import base from './jest.config.js';

/**
 * The real-tool tier: the shipped bundles and the CLI with the real syft, grype, cosign, helm and
 * slsa-verifier on PATH, built by `npm run tools:real`, against the loopback registry and a real
 * Sigstore on loopback. A missing tool fails the tier; nothing here is skipped.
 */
export default {
  ...base,
  roots: ['<rootDir>/test/real'],
  testPathIgnorePatterns: ['/node_modules/'],
  // The real tools use both cores themselves (syft and grype catalogue and match in parallel).
  maxWorkers: 1,
  testTimeout: 180_000,
};

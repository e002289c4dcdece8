import os from 'node:os';

/** Packages whose JSON imports lack the import attribute (see test/harness/json-import-attributes.mjs). */
const BUNDLER_ONLY = '@actions/(?:workflow-parser|languageservice)';

/** Jest runs the TypeScript sources as ESM through ts-jest (type-checking is `npm run typecheck`'s job). */
export const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  testMatch: ['**/*.test.ts'],
  // The scratch folders of the bundles a test file ran are removed when the file is done.
  setupFilesAfterEnv: ['<rootDir>/test/harness/remove-scratch.ts'],
  // Upstream fixtures include a .snap file of grype's; it is data, not one of our snapshots.
  modulePathIgnorePatterns: ['<rootDir>/test/fixtures/'],
  moduleNameMapper: {
    // A package's extra entry points (package.json "exports"), e.g. @release-actions/kit/glob.
    '^@release-actions/([a-z-]+)/([a-z-]+)$': '<rootDir>/packages/$1/src/$2.ts',
    '^@release-actions/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
    [`/node_modules/${BUNDLER_ONLY}/dist/.+\\.js$`]: '<rootDir>/test/harness/json-import-attributes.mjs',
  },
  // Everything else under node_modules runs as published.
  transformIgnorePatterns: [`/node_modules/(?!${BUNDLER_ONLY}/)`],
};

/**
 * `npm test`: the unit project (test/unit) and the e2e project (test/e2e: the shipped bundles and
 * the CLI); `npm test -- --selectProjects unit` for one. The real-tool tier is
 * jest.real.config.js (`npm run test:real`).
 */
export default {
  // Most suites wait on child processes (the bundles, the loopback registry, skopeo), not on the CPU:
  // jest's default of one worker per core but one ran the suite serially on 2 cores (300 s), two
  // workers take 180 s there.
  maxWorkers: Math.max(2, os.availableParallelism()),
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    {
      ...shared,
      displayName: 'e2e',
      roots: ['<rootDir>/test/e2e'],
      // Runs once before the first e2e suite; not at all when no e2e suite is selected.
      globalSetup: '<rootDir>/test/harness/fresh-dist.mjs',
    },
  ],
};

import os from 'node:os';

/** Jest runs the TypeScript sources as ESM through ts-jest (type-checking is `npm run typecheck`'s job). */
export default {
  // Most suites wait on child processes (the bundles, the loopback registry, skopeo), not on the CPU:
  // jest's default of one worker per core but one ran the suite serially on 2 cores (300 s), two
  // workers take 180 s there.
  maxWorkers: Math.max(2, os.availableParallelism()),
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The real-tool tier (test/real/) has its own project: npm run test:real (jest.real.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/real/'],
  // Upstream fixtures include a .snap file of grype's; it is data, not one of our snapshots.
  modulePathIgnorePatterns: ['<rootDir>/test/fixtures/'],
  moduleNameMapper: {
    '^@release-actions/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testTimeout: 30000,
};

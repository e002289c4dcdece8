/** Jest runs the TypeScript sources as ESM through ts-jest (type-checking is `npm run typecheck`'s job). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
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

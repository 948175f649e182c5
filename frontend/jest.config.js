// Dates in tests are checked in one time zone, whatever the machine's.
process.env.TZ = 'UTC';

/** Jest for the web client: TypeScript/TSX through swc, jsdom, CSS modules as identity maps. */
export default {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/src'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // openapi-typescript (used by src/api/schema.test.ts) loads a few ESM-only packages.
  transformIgnorePatterns: ['/node_modules/(?!(parse-json|index-to-position|supports-color|change-case)/)'],
  moduleNameMapper: { '\\.css$': 'identity-obj-proxy' },
  setupFilesAfterEnv: ['<rootDir>/jest.setup.ts'],
  clearMocks: true,
  restoreMocks: true,
};

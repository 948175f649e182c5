const swc = require('../jest.swc.cjs');

/**
 * End-to-end suites: the real application over HTTP on a real PostgreSQL (an embedded
 * server started for the run, or a fresh database on DATABASE_URL's server).
 */
module.exports = {
  ...swc,
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: 'tests/.*\\.test\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  globalSetup: '<rootDir>/support/global-setup.ts',
  globalTeardown: '<rootDir>/support/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
};

const swc = require('../../jest.swc.cjs');

/** The protocol's own specs, beside the code they test. */
module.exports = {
  ...swc,
  rootDir: 'src',
  testEnvironment: 'node',
  testRegex: '\\.spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Sources import each other as './x.js' (ES module style); Jest finds the .ts beside it.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

const swc = require('../jest.swc.cjs');

/** Unit specs live beside the code they test. */
module.exports = {
  ...swc,
  rootDir: 'src',
  testEnvironment: 'node',
  testRegex: '\\.spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

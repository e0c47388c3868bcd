// One jest run for the whole workspace: every project's unit tests (beside the code) and
// integration tests (in each project's test/ folder), plus the system tests in test/.
// The global setup starts the test bed of real servers once per run (test/testbed).
const preset = require('./jest.preset');

module.exports = {
  ...preset,
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/services/*/jest.config.js', '<rootDir>/tools/*/jest.config.js', '<rootDir>/test/jest.config.js'],
  globalSetup: '<rootDir>/test/testbed/jest-global-setup.ts',
  globalTeardown: '<rootDir>/test/testbed/jest-global-teardown.ts',
  reporters: ['default', '<rootDir>/test/reporters/summary-line.js'],
  testTimeout: 30000,
};

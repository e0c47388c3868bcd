// One jest run for the whole workspace: every project's unit tests (beside the code) and
// integration tests (in each project's test/ folder), plus the system tests in test/.
// The global setup starts the test bed of real servers once per run (test/testbed).
// DV_JEST_TIERS=integration (scripts/test.sh, whose unit tier runs before through `nx run-many -t
// test`, cached per project, no servers): each project's *.spec.ts is left out here.
const fs = require('node:fs');
const path = require('node:path');
const preset = require('./jest.preset');

const tiers = process.env.DV_JEST_TIERS ?? 'all';
if (tiers !== 'all' && tiers !== 'integration') throw new Error(`DV_JEST_TIERS must be "all" or "integration", not "${tiers}"`);

const configs = ['apps', 'libs', 'services', 'tools']
  .flatMap((group) => fs.readdirSync(path.join(__dirname, group)).map((name) => path.join(__dirname, group, name, 'jest.config.js')))
  .filter((file) => fs.existsSync(file))
  .concat(path.join(__dirname, 'test/jest.config.js'));

function integrationOnly(file) {
  const config = require(file);
  return { ...config, testMatch: config.testMatch.filter((pattern) => !pattern.endsWith('.spec.ts')) };
}

module.exports = {
  ...preset,
  // A project with unit tests only has nothing left in the integration tier (an empty testMatch would match every file).
  projects: tiers === 'all' ? configs : configs.map(integrationOnly).filter((config) => config.testMatch.length > 0),
  globalSetup: '<rootDir>/test/testbed/jest-global-setup.ts',
  globalTeardown: '<rootDir>/test/testbed/jest-global-teardown.ts',
  reporters: ['default', '<rootDir>/test/reporters/summary-line.js'],
  testTimeout: 30000,
};

// System tests: everything under test/ named *.test.ts, against the test bed the root global setup starts.
module.exports = {
  ...require('../jest.preset'),
  displayName: 'system',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/testbed/', '<rootDir>/bench/'],
};

module.exports = {
  ...require('../../jest.preset'),
  displayName: 'telemetry',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
};

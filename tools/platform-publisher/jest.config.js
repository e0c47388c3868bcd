module.exports = {
  ...require('../../jest.preset'),
  displayName: 'platform-publisher',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
};

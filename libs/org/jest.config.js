module.exports = {
  ...require('../../jest.preset'),
  displayName: 'org',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
};

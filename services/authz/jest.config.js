module.exports = {
  ...require('../../jest.preset'),
  displayName: 'authz',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
};

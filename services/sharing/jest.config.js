module.exports = {
  ...require('../../jest.preset'),
  displayName: 'sharing',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
};

module.exports = {
  ...require('../../jest.preset'),
  displayName: 'volume',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
};

module.exports = {
  ...require('../../jest.preset'),
  displayName: 'api-docs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};

module.exports = {
  ...require('../../jest.preset'),
  displayName: 'kube',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
};

module.exports = {
  ...require('../../jest.preset'),
  displayName: 'workload-admission',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
};

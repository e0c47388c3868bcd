module.exports = {
  ...require('../../jest.preset'),
  displayName: 'nats-permissions',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
};

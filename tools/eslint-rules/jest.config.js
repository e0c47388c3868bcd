module.exports = {
  ...require('../../jest.preset'),
  displayName: 'eslint-rules',
  rootDir: __dirname,
  testMatch: ['<rootDir>/rules/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // promtool/amtool integration tests spawn processes; give them room on a 2-core machine.
  testTimeout: 120000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/support/tool-log-setup.js',
  globalTeardown: '<rootDir>/test/support/tool-log-teardown.js',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};

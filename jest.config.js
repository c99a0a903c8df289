/** Jest projects by layer: unit (pure), infra (CDK template), integration (moto + simulator), browser (Chromium). */
const transform = { '^.+\\.ts$': ['@swc/jest'] };
const common = {
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};

module.exports = {
  // `npm test` runs with --coverage: the product's code (handlers, use cases, domain, adapters, the
  // stack) must stay covered at least this much, by all layers together (the floor is set just under
  // what the suite reaches; raise it when the suite does).
  coverageProvider: 'v8',
  collectCoverageFrom: [
    'functions/**/*.ts',
    'lib/**/*.ts',
    // Types only (the ports, the generated event details): nothing in them runs, so nothing to cover.
    '!functions/app/ports/**',
    '!functions/app/events/details.ts',
    '!functions/app/events/outbox-event.ts',
  ],
  coverageReporters: ['text-summary', 'json-summary'],
  coverageThreshold: { global: { lines: 97, branches: 88, functions: 97, statements: 97 } },
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
};

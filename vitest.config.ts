import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (fast, no network; *.spec.ts beside the code) and `integration` (a real
 * Fabric network that the global setup brings up if it is not running, and stops if it started it).
 */
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{chaincode,gateway,network,verifier}/src/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/{integration,e2e}/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

const realNetwork = {
  environment: 'node' as const,
  globalSetup: ['test/support/global-setup.ts'],
  fileParallelism: false,
  testTimeout: 180_000,
  hookTimeout: 900_000,
};

/**
 * Projects, run in this order (`groupOrder`): `unit` (fast, no network; *.spec.ts beside the
 * code); `integration` (a real Fabric network that the global setup brings up if it is not
 * running, and stops if it started it); `browser` (the web app in headless Chromium against the
 * running gateways); `faults` (kills and restarts nodes of the real network, so it runs alone and
 * last).
 */
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            '{ledger-api,chaincode,gateway,network,verifier,web,bench,demo}/src/**/*.spec.ts',
          ],
          environment: 'node',
          globalSetup: ['test/support/unit-setup.ts'],
          sequence: { groupOrder: 0 },
          // The fuzz specs' seed and runs (chaincode/src/testing/fuzz.ts), read here so that no
          // code under chaincode/src reads the environment.
          provide: {
            fuzzSeed: Number.parseInt(process.env.FUZZ_SEED ?? '', 10),
            fuzzRuns: Number.parseInt(process.env.FUZZ_RUNS ?? '', 10),
          },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/{integration,e2e}/**/*.test.ts'],
          ...realNetwork,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          ...realNetwork,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          ...realNetwork,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});

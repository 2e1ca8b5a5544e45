import { defineConfig } from 'vitest/config';

const realNetwork = {
  environment: 'node' as const,
  globalSetup: ['test/support/global-setup.ts'],
  fileParallelism: false,
  testTimeout: 180_000,
  hookTimeout: 900_000,
};

/**
 * Integration files that must have the network to themselves: they stop or restart nodes or
 * gateways, change the channel or the organizations, change settings other files read, or assert
 * that the ledger does not move. Every other integration file makes its own patients, users and
 * records, and names regions no other file uses, so several of them run at once.
 */
const ALONE_ON_THE_NETWORK = [
  // Stops and starts the whole network; upgrades the chaincode.
  'test/integration/network.test.ts',
  // Starts and stops a peer that joins from a snapshot; waits for gossip to forget it.
  'test/integration/snapshot-join.test.ts',
  // Re-registers an organization, counts the registered ones, sets the request limits.
  'test/integration/chaincode.test.ts',
  // Changes the channel configuration (an ACL, a CA's revocation list).
  'test/e2e/governance.test.ts',
  // Restarts a gateway.
  'test/e2e/gateway-identity.test.ts',
  // Asserts that the ledger's height does not move while bad calls are refused.
  'test/e2e/gateway-journey.test.ts',
  // Changes the threshold of the research institute's county, which every cohort reads.
  'test/e2e/research-thresholds.test.ts',
  // Publishes the next version of organizations' notices.
  'test/e2e/notices.test.ts',
];

/**
 * Projects, run in this order (`groupOrder`): `unit` (fast, no network; *.spec.ts beside the
 * code); `integration` (a real Fabric network that the global setup brings up if it is not
 * running, and stops if it started it; three files at a time: they wait on blocks far more than
 * they compute, about a third of two CPUs each); `integration-alone` (the files above, one at a
 * time); `browser` (the web app in headless Chromium against the running gateways); `faults`
 * (kills and restarts nodes of the real network, so it runs alone and last).
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
          // Two files at a time (vitest's default here is one fewer than the CPUs: one on two).
          maxWorkers: 2,
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
          exclude: ALONE_ON_THE_NETWORK,
          ...realNetwork,
          fileParallelism: true,
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'integration-alone',
          include: ALONE_ON_THE_NETWORK,
          ...realNetwork,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          ...realNetwork,
          sequence: { groupOrder: 3 },
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          ...realNetwork,
          sequence: { groupOrder: 4 },
        },
      },
    ],
  },
});

import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  deployChaincode,
  down,
  loadTopology,
  repoRoot,
  runDir,
  runningProcess,
  startGateways,
  trackedNames,
  up,
  waitWhileFaultInjection,
  withFileLock,
  bootstrapRegistry,
  run,
} from '@consent-ledger/network';

const log = (line: string): void => {
  console.log(`[integration setup] ${line}`);
};

/**
 * Brings the whole system up for the integration tests if it is not running (network, chaincode,
 * registry, gateways), and at the end, or when the setup fails, stops only the processes this run
 * started.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const topology = loadTopology();
  // Nodes a fault-injection test has stopped for a moment are not this run's to start and stop.
  await waitWhileFaultInjection({ log });
  const runningBefore = new Set(
    trackedNames().filter((name) => runningProcess(name) !== undefined),
  );
  const builtBefore =
    existsSync(path.join(repoRoot, 'chaincode', 'dist', 'index.js')) &&
    existsSync(path.join(repoRoot, 'gateway', 'dist', 'main.js'));
  if (!builtBefore) {
    log('Building the workspaces...');
    await run('npm', ['run', 'build'], { cwd: repoRoot, env: process.env, timeoutMs: 600_000 });
  }
  const stopStarted = async (): Promise<void> => {
    const started = new Set(trackedNames().filter((name) => !runningBefore.has(name)));
    if (started.size > 0) {
      log(`Stopping what this run started: ${[...started].join(', ')}`);
      await down(log, topology, started);
    }
  };
  try {
    const install = await up(log, topology);
    // Concurrent runs (several engineers) must not package and deploy at the same time.
    await withFileLock(path.join(runDir, 'deploy.lock'), () =>
      deployChaincode({ install, topology, log }),
    );
    await bootstrapRegistry({ topology, log });
    await startGateways(topology, log);
  } catch (error) {
    // Vitest runs no teardown when the setup throws: stop what this run started, then fail.
    log('Setup failed');
    await stopStarted();
    throw error;
  }
  return stopStarted;
}

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkHealth,
  down,
  gatewayUrl,
  runningProcess,
  startGateways,
  up,
} from '@consent-ledger/network';
import { topology } from '../support/ledger.ts';
import { restoreSystem, runFault, systemProcessNames } from './support/fault-run.ts';

const log = (line: string): void => {
  console.log(`[faults] ${line}`);
};

describe('fault: the whole network is stopped and started again under load', () => {
  afterAll(async () => {
    await restoreSystem();
  });

  it('pauses the load and resumes it; every acknowledged transaction survives on every peer', async () => {
    const result = await runFault({
      name: 'network-restart',
      description:
        'stop every CA, orderer, peer and gateway (SIGTERM by PID, the network down), 5 s, then up and the gateways',
      warmupMs: 15_000,
      afterMs: 15_000,
      inject: async (load) => {
        const names = new Set(systemProcessNames());
        const stopAt = Date.now();
        await down(log, topology, names);
        const stoppedMs = Date.now() - stopAt;
        const stillRunning = [...names].filter((name) => runningProcess(name) !== undefined);
        const commitsBefore = load.committed.length;
        await sleep(5_000);
        const commitsWhileDown = load.committed.length - commitsBefore;
        const upAt = Date.now();
        // One call: `up` itself waits for nodes that are healthy but not yet serving admin calls.
        await up(log, topology);
        const networkUpMs = Date.now() - upAt;
        await startGateways(topology, log);
        const allUpMs = Date.now() - upAt;
        // The load resumes by itself (its gRPC connections reconnect).
        await load.waitForCommits(1, 120_000);
        return {
          stopMs: stoppedMs,
          stillRunningAfterDown: stillRunning,
          downMs: upAt - stopAt,
          commitsWhileDown,
          upToNetworkReadyMs: networkUpMs,
          upToGatewaysReadyMs: allUpMs,
          upToFirstCommitMs: Date.now() - upAt,
          outageMs: Date.now() - stopAt,
        };
      },
    });
    expect(result.details.stillRunningAfterDown).toEqual([]);
    expect(result.throughput.before.committed).toBeGreaterThan(0);
    expect(result.throughput.after.committed).toBeGreaterThan(0);
    expect(result.ledger.lost).toEqual([]);
    expect(result.ledger.hashMismatches).toEqual([]);
    expect(result.ledger.broken).toEqual([]);
    const nodes = systemProcessNames().filter((name) => !name.startsWith('gateway.'));
    for (const name of nodes) expect(runningProcess(name), name).toBeDefined();
    for (const org of topology.organizations)
      expect((await checkHealth(`${gatewayUrl(org)}/health/live`)).healthy, org.name).toBe(true);
  });
});

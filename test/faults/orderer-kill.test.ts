import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  killProcess,
  runningProcess,
  startOrderer,
  waitUntil,
  type OrdererNode,
  ordererNodes,
} from '@consent-ledger/network';
import { topology } from '../support/ledger.ts';
import { fabric, restoreSystem, runFault } from './support/fault-run.ts';
import { peerHeight } from './support/ledger-check.ts';

/** A metric of an orderer's channel, from its Prometheus endpoint (undefined when unreachable). */
async function ordererMetric(node: OrdererNode, metric: string): Promise<number | undefined> {
  try {
    const response = await fetch(`http://${node.host}:${String(node.operationsPort)}/metrics`, {
      signal: AbortSignal.timeout(2_000),
    });
    const match = new RegExp(`^${metric}\\{channel="${topology.channel.name}"\\} (\\d+)`, 'm').exec(
      await response.text(),
    );
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** The Raft leader of the channel (the one whose loss forces an election). */
async function raftLeader(): Promise<OrdererNode> {
  for (const node of ordererNodes(topology))
    if ((await ordererMetric(node, 'consensus_etcdraft_is_leader')) === 1) return node;
  throw new Error('no orderer reports itself the Raft leader');
}

describe('fault: one of the three Raft orderers is killed (SIGKILL) under load', () => {
  afterAll(async () => {
    await restoreSystem();
  });

  it('keeps ordering with two of three, and the restarted orderer catches up; nothing acknowledged is lost', async () => {
    const result = await runFault({
      name: 'orderer-kill',
      description: 'SIGKILL the Raft leader orderer, 20 s down, restart it',
      warmupMs: 15_000,
      afterMs: 15_000,
      inject: async (load) => {
        const leader = await raftLeader();
        const pid = runningProcess(leader.name)?.pid;
        const killedAt = Date.now();
        expect(await killProcess(leader.name)).toBe(true);
        const commitsBefore = load.committed.length;
        // Raft re-elects among the two left: the load must go on while the node is down.
        await load.waitForCommits(1, 60_000);
        const firstCommitAfterKillMs = Date.now() - killedAt;
        await sleep(Math.max(0, 20_000 - (Date.now() - killedAt)));
        const commitsWhileDown = load.committed.length - commitsBefore;
        const restartAt = Date.now();
        await startOrderer(await fabric(), topology, leader);
        const healthyMs = Date.now() - restartAt;
        // Caught up: its ledger reaches the height the peers had when it came back.
        const target = await peerHeight('gov');
        await waitUntil(
          async () => ((await ordererMetric(leader, 'ledger_blockchain_height')) ?? 0) >= target,
          { description: `${leader.name} to catch up to ${String(target)}`, timeoutMs: 120_000 },
        );
        const newLeader = await raftLeader();
        return {
          killed: leader.name,
          killedPid: pid,
          downMs: restartAt - killedAt,
          firstCommitAfterKillMs,
          commitsWhileDown,
          restartToHealthyMs: healthyMs,
          restartToCaughtUpMs: Date.now() - restartAt,
          leaderAfter: newLeader.name,
        };
      },
    });
    expect(result.details.commitsWhileDown).toBeGreaterThan(0);
    expect(result.throughput.during.committed).toBeGreaterThan(0);
    expect(result.throughput.after.committed).toBeGreaterThan(0);
    expect(result.ledger.lost).toEqual([]);
    expect(result.ledger.hashMismatches).toEqual([]);
    expect(result.ledger.broken).toEqual([]);
    expect(result.acknowledged).toBeGreaterThan(0);
    for (const node of ordererNodes(topology)) expect(runningProcess(node.name)).toBeDefined();
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  killProcess,
  peerRuntime,
  runningProcess,
  startPeer,
  waitUntil,
} from '@consent-ledger/network';
import { org } from '../support/ledger.ts';
import { fabric, restoreSystem, runFault } from './support/fault-run.ts';
import { peerHeight } from './support/ledger-check.ts';

const victim = org('community');
const victimPeer = victim.peers[0];

describe('fault: a peer is killed (SIGKILL) under load and restarted', () => {
  afterAll(async () => {
    await restoreSystem();
  });

  it('keeps serving through the other peers; the restarted peer catches up; nothing acknowledged is lost', async () => {
    if (victimPeer === undefined) throw new Error('community has no peer');
    const name = peerRuntime(victim, victimPeer).name;
    const result = await runFault({
      name: 'peer-kill',
      description: `SIGKILL ${name} (its chaincode goes with its process group), 20 s down, restart it`,
      warmupMs: 15_000,
      afterMs: 15_000,
      inject: async (load) => {
        const pid = runningProcess(name)?.pid;
        const killedAt = Date.now();
        expect(await killProcess(name)).toBe(true);
        const commitsBefore = load.committed.length;
        // The workers on the dead peer move to the next one; the others never stop.
        await load.waitForCommits(1, 60_000);
        const firstCommitAfterKillMs = Date.now() - killedAt;
        await sleep(Math.max(0, 20_000 - (Date.now() - killedAt)));
        const whileDown = load.committed.slice(commitsBefore);
        const restartAt = Date.now();
        await startPeer(await fabric(), victim, victimPeer);
        const healthyMs = Date.now() - restartAt;
        const target = await peerHeight('gov');
        await waitUntil(async () => (await peerHeight('community').catch(() => 0n)) >= target, {
          description: `${name} to catch up to height ${String(target)}`,
          timeoutMs: 120_000,
          intervalMs: 500,
        });
        return {
          killed: name,
          killedPid: pid,
          downMs: restartAt - killedAt,
          firstCommitAfterKillMs,
          commitsWhileDown: whileDown.length,
          peersServingWhileDown: [...new Set(whileDown.map((tx) => tx.peer))].sort(),
          restartToHealthyMs: healthyMs,
          restartToCaughtUpMs: Date.now() - restartAt,
          caughtUpTo: String(target),
        };
      },
    });
    expect(result.details.commitsWhileDown).toBeGreaterThan(0);
    expect(result.details.peersServingWhileDown).not.toContain(name);
    expect(result.throughput.during.committed).toBeGreaterThan(0);
    expect(result.throughput.after.committed).toBeGreaterThan(0);
    expect(result.ledger.lost).toEqual([]);
    expect(result.ledger.hashMismatches).toEqual([]);
    expect(result.ledger.broken).toEqual([]);
    expect(runningProcess(name)).toBeDefined();
  });
});

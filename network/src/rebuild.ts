import { rmSync } from 'node:fs';
import path from 'node:path';
import type { FabricInstall } from './binaries.ts';
import { channelHeight, highestOtherHeight, joinPeer } from './channel.ts';
import { waitUntil } from './health.ts';
import { peerRuntime } from './layout.ts';
import type { Log } from './network.ts';
import { startPeer } from './nodes.ts';
import { stopProcess } from './processes.ts';
import type { Organization, Peer, Topology } from './topology.ts';

/** Options of {@link rebuildPeer}. */
export interface RebuildPeerOptions {
  readonly install: FabricInstall;
  readonly topology: Topology;
  readonly org: Organization;
  readonly peer: Peer;
  readonly log?: Log;
  /** How long to wait for the peer to catch up with the others (5 minutes by default). */
  readonly timeoutMs?: number;
}

/** What {@link rebuildPeer} did. */
export interface RebuildResult {
  /** The rebuilt peer's channel height when it caught up. */
  readonly height: number;
  /** The highest height among the other peers when the rebuilt peer joined. */
  readonly target: number;
  /** Seconds from stopping the peer to its catching up. */
  readonly seconds: number;
}

/** The folders of a peer's channel data: the ledgers (blocks, state, private data) and the transient store. */
export function peerLedgerFolders(org: Organization, peer: Peer): string[] {
  const { dataDir } = peerRuntime(org, peer);
  return [path.join(dataDir, 'ledgersData'), path.join(dataDir, 'transientstore')];
}

/**
 * Rebuilds a peer that lost its ledger (docs/privacy.md): stops it by PID, deletes its ledgers and
 * transient store (a peer cannot run with its private data store alone deleted), starts it, joins
 * it to the channel again from the genesis block, and waits until it has committed up to the
 * others' height. While committing it pulls the private data of its organization's collections
 * from the other members, and reconciliation fetches what it could not pull; installed chaincode
 * packages are kept. The peer's identity and configuration stay as they were.
 */
export async function rebuildPeer(options: Readonly<RebuildPeerOptions>): Promise<RebuildResult> {
  const { install, topology, org, peer } = options;
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const name = peerRuntime(org, peer).name;
  await stopProcess(name);
  for (const folder of peerLedgerFolders(org, peer))
    rmSync(folder, { recursive: true, force: true });
  log(`Stopped ${name} and deleted its ledgers`);
  await startPeer(install, org, peer);
  await joinPeer(install, topology, org, peer);
  const target = await highestOtherHeight(install, topology, name);
  log(`${name} joined ${topology.channel.name} again; catching up to height ${target}`);
  let height = 0;
  await waitUntil(
    async () => {
      height = await channelHeight(install, topology, org, peer);
      return height >= target;
    },
    {
      description: `${name} to reach height ${target}`,
      timeoutMs: options.timeoutMs ?? 300_000,
      intervalMs: 1_000,
    },
  );
  const seconds = (Date.now() - started) / 1000;
  log(`${name} rebuilt: height ${height} in ${seconds.toFixed(1)} s`);
  return { height, target, seconds };
}

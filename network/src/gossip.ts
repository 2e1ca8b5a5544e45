import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntil } from './health.ts';
import { peerId, type Topology } from './topology.ts';

/**
 * The channel's gossip membership as the topology's peers see it, from their Prometheus metrics.
 * The gateways' discovery offers endorsers from this view, so a test or a measurement waits on it
 * when peers come and go.
 */

/**
 * How long a peer keeps a silent member in its view (`peer.gossip.aliveExpirationTimeout`, set in
 * every peer's core.yaml by startPeer); it checks every tenth of that.
 */
export const GOSSIP_ALIVE_EXPIRATION_MS = 10_000;

/** How many peers of the channel a peer knows through gossip (0 when the metric is absent). */
async function peersKnown(url: string, channel: string): Promise<number> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  const pattern = new RegExp(
    `^gossip_membership_total_peers_known\\{channel="${channel}"\\} (\\d+)`,
    'm',
  );
  const match = pattern.exec(await response.text());
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

/** Waits until every peer of the topology knows as many other peers as `accepts` allows. */
async function waitForMembership(
  topology: Topology,
  accepts: (known: number, others: number) => boolean,
  what: string,
): Promise<void> {
  const peers = topology.organizations.flatMap((org) => org.peers.map((peer) => ({ org, peer })));
  const others = peers.length - 1;
  await Promise.all(
    peers.map(({ org, peer }) =>
      waitUntil(
        async () =>
          accepts(
            await peersKnown(
              `http://${peer.host}:${String(peer.operationsPort)}/metrics`,
              topology.channel.name,
            ),
            others,
          ),
        { description: `${peerId(org, peer)} ${what}`, timeoutMs: 120_000, intervalMs: 500 },
      ),
    ),
  );
}

/**
 * Waits until every peer knows every other peer of the topology through gossip: until then the
 * gateways' discovery cannot find endorsers in other organizations.
 */
export async function waitForGossip(topology: Topology): Promise<void> {
  await waitForMembership(
    topology,
    (known, others) => known >= others,
    'to see every other peer through gossip',
  );
}

/**
 * Waits until no peer of the topology knows a peer beyond the topology's own, after one of them
 * stopped: discovery offers a member until its alive messages have been missing for the alive
 * expiration, and a gateway that picks a stopped endorser waits out its deadline. The membership
 * metric is refreshed only every 5 s (`peer.gossip.membershipTrackerInterval`) and may not have
 * counted a short-lived peer yet, so it cannot tell alone: the expiration is waited out first,
 * then the metric must agree.
 */
export async function waitForGossipToForgetOthers(topology: Topology): Promise<void> {
  await sleep(GOSSIP_ALIVE_EXPIRATION_MS + GOSSIP_ALIVE_EXPIRATION_MS / 10 + 500);
  await waitForMembership(
    topology,
    (known, others) => known <= others,
    'to forget peers beyond the topology',
  );
}

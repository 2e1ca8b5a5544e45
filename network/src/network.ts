import { rmSync } from 'node:fs';
import { ensureFabricBinaries, type FabricInstall } from './binaries.ts';
import { ensureIdentity, publishOrdererTlsCert, startCa, tlsHosts, writeOrgMsp } from './ca.ts';
import { channelHeight, ensureGenesisBlock, joinOrderer, joinPeer } from './channel.ts';
import { waitForGossip } from './gossip.ts';
import { checkHealth } from './health.ts';
import {
  caProcessName,
  ordererIdentity,
  ordererPublicTlsCert,
  orgLayout,
  peerIdentity,
  peerRuntime,
} from './layout.ts';
import { startOrderer, startPeer } from './nodes.ts';
import { runDir, runPaths } from './paths.ts';
import { runningProcess, stopProcess, trackedNames } from './processes.ts';
import { writeConnectionProfiles } from './profiles.ts';
import {
  loadTopology,
  ordererNodes,
  peerId,
  type Organization,
  type Topology,
} from './topology.ts';
import { ensureTraversable, exchangeFolder, workspaceFolder } from './workspaces.ts';

/** A line of progress. */
export type Log = (line: string) => void;

/**
/**
 * One organization, in its own workspace and as its own user: starts its CA (if stopped), enrolls
 * what is not enrolled (its orderers, its peers, its Fabric admin) and publishes its MSP and its
 * orderers' TLS certificates in the exchange. Idempotent.
 */
export async function ensureOrgCrypto(
  install: FabricInstall,
  org: Organization,
  topology: Topology,
): Promise<void> {
  const layout = orgLayout(org);
  workspaceFolder(org.name, layout.dir);
  await startCa(install, layout, org.displayName);
  for (const node of ordererNodes(topology).filter((n) => n.org.name === org.name)) {
    const identity = ordererIdentity(node);
    await ensureIdentity(
      install,
      layout,
      { id: node.name, type: 'orderer', tlsHosts: tlsHosts(node.host) },
      identity,
    );
    publishOrdererTlsCert(layout, identity, ordererPublicTlsCert(node));
  }
  for (const peer of org.peers) {
    await ensureIdentity(
      install,
      layout,
      { id: peerId(org, peer), type: 'peer', tlsHosts: tlsHosts(peer.host) },
      peerIdentity(org, peer),
    );
  }
  await ensureIdentity(
    install,
    layout,
    {
      id: `${org.name}-admin`,
      type: 'admin',
      tlsHosts: ['localhost'],
      attributes: { role: 'admin' },
    },
    layout.admin,
  );
  writeOrgMsp(layout);
}

async function ensureCrypto(install: FabricInstall, topology: Topology): Promise<void> {
  await Promise.all(topology.organizations.map((org) => ensureOrgCrypto(install, org, topology)));
}

/**
 * Brings the network up, idempotently: builds or reuses the Fabric binaries, starts every CA,
 * enrolls what is not enrolled, creates the channel's genesis block once, starts what is stopped
 * (reusing existing ledgers), and joins what has not joined.
 */
export async function up(log: Log, topology: Topology = loadTopology()): Promise<FabricInstall> {
  const started = Date.now();
  const install = await ensureFabricBinaries(topology, log);
  ensureTraversable(log);
  exchangeFolder(runPaths.exchange);
  log('Starting certificate authorities and enrolling identities...');
  await ensureCrypto(install, topology);
  await ensureGenesisBlock(install, topology);
  log('Starting orderers...');
  const orderers = ordererNodes(topology);
  await Promise.all(orderers.map((node) => startOrderer(install, topology, node)));
  for (const node of orderers) await joinOrderer(install, topology, node);
  log('Starting peers...');
  await Promise.all(
    topology.organizations.flatMap((org) => org.peers.map((peer) => startPeer(install, org, peer))),
  );
  for (const org of topology.organizations) {
    for (const peer of org.peers) await joinPeer(install, topology, org, peer);
  }
  writeConnectionProfiles(topology);
  await waitForGossip(topology);
  log(
    `Network up in ${((Date.now() - started) / 1000).toFixed(1)} s: channel ${topology.channel.name}`,
  );
  return install;
}

/** Process names in the order they are stopped: clients (gateways) first, then peers, orderers, CAs. */
function stopGroups(topology: Topology): string[][] {
  const peers = topology.organizations.flatMap((org) =>
    org.peers.map((peer) => peerRuntime(org, peer).name),
  );
  const orderers = ordererNodes(topology).map((node) => node.name);
  const cas = topology.organizations.map(orgLayout).map(caProcessName);
  const known = new Set([...peers, ...orderers, ...cas]);
  const clients = trackedNames().filter((name) => !known.has(name));
  return [clients, peers, orderers, cas];
}

/**
 * Stops every process this project started, by PID, clients first; ledgers and crypto stay.
 * `only` limits it to the named processes (what a test run started, say).
 */
export async function down(
  log: Log,
  topology: Topology = loadTopology(),
  only?: ReadonlySet<string>,
): Promise<void> {
  for (const group of stopGroups(topology)) {
    const targets = only === undefined ? group : group.filter((name) => only.has(name));
    const stopped = await Promise.all(
      targets.map(async (name) => ((await stopProcess(name)) ? name : undefined)),
    );
    const names = stopped.filter((name) => name !== undefined);
    if (names.length > 0) log(`Stopped ${names.join(', ')}`);
  }
}

/** Stops everything and deletes the run folder: ledgers, crypto, logs. */
export async function reset(log: Log, topology: Topology = loadTopology()): Promise<void> {
  await down(log, topology);
  rmSync(runDir, { recursive: true, force: true });
  log(`Removed ${runDir}`);
}

/** One line of `status`. */
export interface ProcessStatus {
  readonly name: string;
  readonly pid?: number;
  readonly health: string;
  readonly height?: number;
}

/** Every process of the network, its PID, its health from /healthz and, for peers, the channel height. */
export async function status(
  install: FabricInstall,
  topology: Topology = loadTopology(),
): Promise<ProcessStatus[]> {
  const rows: Promise<ProcessStatus>[] = [];
  const probe = async (
    name: string,
    url: string,
    height?: () => Promise<number>,
  ): Promise<ProcessStatus> => {
    const running = runningProcess(name);
    if (running === undefined) return { name, health: 'stopped' };
    const health = await checkHealth(url);
    let blocks: number | undefined;
    if (health.healthy && height !== undefined) blocks = await height().catch(() => undefined);
    return {
      name,
      pid: running.pid,
      health: health.detail,
      ...(blocks === undefined ? {} : { height: blocks }),
    };
  };
  for (const layout of topology.organizations.map(orgLayout)) {
    rows.push(
      probe(caProcessName(layout), `http://${layout.ca.host}:${layout.ca.operationsPort}/healthz`),
    );
  }
  for (const node of ordererNodes(topology)) {
    rows.push(probe(node.name, `http://${node.host}:${node.operationsPort}/healthz`));
  }
  for (const org of topology.organizations) {
    for (const peer of org.peers) {
      rows.push(
        probe(
          peerRuntime(org, peer).name,
          `http://${peer.host}:${peer.operationsPort}/healthz`,
          () => channelHeight(install, topology, org, peer),
        ),
      );
    }
  }
  return Promise.all(rows);
}

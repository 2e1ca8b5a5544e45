import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { bin, type FabricInstall } from './binaries.ts';
import { ensureIdentity, tlsHosts } from './ca.ts';
import { run } from './exec.ts';
import { waitForGossipToForgetOthers } from './gossip.ts';
import { orgLayout, peerIdentity, peerRuntime } from './layout.ts';
import { adminCli, startPeer } from './nodes.ts';
import { workspaceFolder } from './workspaces.ts';
import { stopProcess } from './processes.ts';
import { peerId, type Organization, type Peer, type Topology } from './topology.ts';

/**
 * A peer beyond the topology's, for joining measurements and tests (an organization's second
 * peer joined from the first block or from a snapshot): its identity from the organization's CA,
 * its own ports and folders, and the chaincode packages its organization approved.
 */

/**
 * A second peer of an organization that the topology does not list: `name`, on the ports five to
 * seven above the organization's first peer's (x356-x358 for the community hospital's 7351, free in
 * every organization's block of the topology).
 */
export function extraPeerOf(org: Organization, name = 'peer1'): Peer {
  const [first] = org.peers;
  if (first === undefined) throw new Error(`${org.name} has no peer`);
  if (org.peers.some((peer) => peer.name === name)) {
    throw new Error(`${org.name} already lists a peer named ${name}`);
  }
  return {
    name,
    host: first.host,
    port: first.port + 5,
    chaincodePort: first.port + 6,
    operationsPort: first.port + 7,
  };
}

/** Options of {@link startExtraPeer}. */
export interface ExtraPeerOptions {
  readonly install: FabricInstall;
  readonly topology: Topology;
  readonly org: Organization;
  readonly peer: Peer;
  /** Chaincode names whose package the organization approved, installed on the new peer. */
  readonly chaincodes: readonly string[];
  readonly log?: (line: string) => void;
}

/** The package ID an organization approved for a chaincode on the channel, if any. */
async function approvedPackage(
  install: FabricInstall,
  topology: Topology,
  options: Readonly<{ org: Organization; peer: Peer; chaincode: string }>,
): Promise<string | undefined> {
  const output = await run(
    bin(install, 'peer'),
    [
      'lifecycle',
      'chaincode',
      'queryapproved',
      '-C',
      topology.channel.name,
      '-n',
      options.chaincode,
      '--output',
      'json',
    ],
    adminCli(install, options.org, options.peer),
  );
  const approved = JSON.parse(output) as {
    source?: { Type?: { LocalPackage?: { package_id?: string } } };
  };
  return approved.source?.Type?.LocalPackage?.package_id;
}

/**
 * Enrolls (once) and starts an extra peer of an organization, and installs on it the packages its
 * organization approved for `chaincodes`, copied from the organization's first peer (`peer
 * lifecycle chaincode getinstalledpackage`): installed before the peer joins, the chaincode serves
 * as soon as the peer has the channel. The peer is not joined to any channel.
 */
export async function startExtraPeer(options: Readonly<ExtraPeerOptions>): Promise<void> {
  const { install, topology, org, peer } = options;
  const log = options.log ?? (() => undefined);
  const [first] = org.peers;
  if (first === undefined) throw new Error(`${org.name} has no peer`);
  const layout = orgLayout(org);
  await ensureIdentity(
    install,
    layout,
    {
      id: peerId(org, peer),
      type: 'peer',
      tlsHosts: tlsHosts(peer.host),
    },
    peerIdentity(org, peer),
  );
  await startPeer(install, org, peer);
  const cli = adminCli(install, org, peer);
  const installed = await run(
    bin(install, 'peer'),
    ['lifecycle', 'chaincode', 'queryinstalled', '--output', 'json'],
    cli,
  );
  const have = new Set(
    (
      (JSON.parse(installed || '{}') as { installed_chaincodes?: { package_id: string }[] })
        .installed_chaincodes ?? []
    ).map((entry) => entry.package_id),
  );
  for (const chaincode of options.chaincodes) {
    const packageId = await approvedPackage(install, topology, { org, peer: first, chaincode });
    if (packageId === undefined) {
      throw new Error(
        `${org.name} approved no package of ${chaincode} on ${topology.channel.name}`,
      );
    }
    if (have.has(packageId)) continue;
    // In the organization's own workspace: the package is the one it approved.
    const dir = path.join(layout.dir, 'chaincode', 'installed', peerId(org, peer));
    rmSync(dir, { recursive: true, force: true });
    workspaceFolder(org.name, dir);
    await run(
      bin(install, 'peer'),
      [
        'lifecycle',
        'chaincode',
        'getinstalledpackage',
        '--package-id',
        packageId,
        '--output-directory',
        dir,
      ],
      adminCli(install, org, first),
    );
    const [file] = readdirSync(dir);
    if (file === undefined) throw new Error(`no package ${packageId} from ${peerId(org, first)}`);
    await run(bin(install, 'peer'), ['lifecycle', 'chaincode', 'install', path.join(dir, file)], {
      ...cli,
      timeoutMs: 600_000,
    });
    log(`${peerId(org, peer)}: installed ${packageId}`);
  }
}

/** What {@link removeExtraPeer} removes: an extra peer of an organization of the topology. */
export interface RemoveExtraPeerOptions {
  readonly topology: Topology;
  readonly org: Organization;
  readonly peer: Peer;
}

/**
 * Stops an extra peer by PID and deletes its configuration and ledgers (its identity stays, so a
 * later start enrolls nothing). When it was running, waits until the topology's peers have dropped
 * it from their gossip membership: until then discovery still offers it as an endorser, and a
 * gateway that picks it waits out its deadline.
 */
export async function removeExtraPeer(options: Readonly<RemoveExtraPeerOptions>): Promise<void> {
  const runtime = peerRuntime(options.org, options.peer);
  const wasRunning = await stopProcess(runtime.name);
  rmSync(path.dirname(runtime.dataDir), { recursive: true, force: true });
  if (wasRunning) await waitForGossipToForgetOthers(options.topology);
}

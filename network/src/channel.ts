import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { bin, type FabricInstall } from './binaries.ts';
import { run } from './exec.ts';
import { waitUntil } from './health.ts';
import { ordererPublicTlsCert, orgLayout } from './layout.ts';
import { adminCli } from './nodes.ts';
import { runPaths } from './paths.ts';
import {
  endpoint,
  ordererNodes,
  ordererOrganizations,
  type OrdererNode,
  type Organization,
  type Peer,
  type Topology,
} from './topology.ts';
import { exchangeFolder, orgUser } from './workspaces.ts';

const signature = (rule: string): { Type: string; Rule: string } => ({
  Type: 'Signature',
  Rule: rule,
});
const implicit = (rule: string): { Type: string; Rule: string } => ({
  Type: 'ImplicitMeta',
  Rule: rule,
});

/** The channel's genesis block. */
export function genesisBlockFile(topology: Topology): string {
  return path.join(runPaths.channelArtifacts, `${topology.channel.name}.block`);
}

/**
 * configtx.yaml for the channel: every organization in the application group; the organizations
 * that run orderers also in the orderer group, their orderers the Raft consenters; NodeOU-based
 * policies. Channel configuration changes need a majority of the members' admins (the groups'
 * `Admins`: MAJORITY); an organization's own definition (its MSP, say a new CRL) only its own
 * admins. Everything is read from the exchange: the members' public MSPs and orderer TLS
 * certificates.
 */
export function configtx(topology: Topology): string {
  const orgs = topology.organizations.map((org) => ({
    Name: org.mspId,
    ID: org.mspId,
    MSPDir: orgLayout(org).mspDir,
    Policies: {
      Readers: signature(`OR('${org.mspId}.admin', '${org.mspId}.peer', '${org.mspId}.client')`),
      Writers: signature(`OR('${org.mspId}.admin', '${org.mspId}.client')`),
      Admins: signature(`OR('${org.mspId}.admin')`),
      Endorsement: signature(`OR('${org.mspId}.peer')`),
    },
    AnchorPeers: org.peers.slice(0, 1).map((peer) => ({ Host: peer.host, Port: peer.port })),
  }));
  const profile = {
    Policies: {
      Readers: implicit('ANY Readers'),
      Writers: implicit('ANY Writers'),
      Admins: implicit('MAJORITY Admins'),
    },
    Capabilities: { V2_0: true },
    Orderer: {
      OrdererType: 'etcdraft',
      BatchTimeout: topology.channel.batchTimeout,
      BatchSize: {
        MaxMessageCount: topology.channel.maxMessageCount,
        AbsoluteMaxBytes: topology.channel.absoluteMaxBytes,
        PreferredMaxBytes: topology.channel.preferredMaxBytes,
      },
      EtcdRaft: {
        Consenters: ordererNodes(topology).map((node) => ({
          Host: node.host,
          Port: node.port,
          ClientTLSCert: ordererPublicTlsCert(node),
          ServerTLSCert: ordererPublicTlsCert(node),
        })),
        Options: {
          TickInterval: '500ms',
          ElectionTick: 10,
          HeartbeatTick: 1,
          MaxInflightBlocks: 5,
          // Small snapshots: a restarted orderer then replays its WAL from a snapshot that carries
          // the cluster membership, instead of re-applying the channel's first membership changes
          // from index 0. Fabric 2.5.0 was seen to stall in that re-application after a SIGKILL
          // (a restarted orderer that never caught up, on a young channel without a snapshot).
          SnapshotIntervalSize: '256 KB',
        },
      },
      Organizations: ordererOrganizations(topology).map((org) => ({
        Name: org.mspId,
        ID: org.mspId,
        MSPDir: orgLayout(org).mspDir,
        Policies: {
          Readers: signature(`OR('${org.mspId}.member')`),
          // Only the organization's orderers sign blocks (BlockValidation: ANY Writers).
          Writers: signature(`OR('${org.mspId}.orderer')`),
          Admins: signature(`OR('${org.mspId}.admin')`),
        },
        OrdererEndpoints: (org.orderers ?? []).map(endpoint),
      })),
      Policies: {
        Readers: implicit('ANY Readers'),
        Writers: implicit('ANY Writers'),
        Admins: implicit('MAJORITY Admins'),
        BlockValidation: implicit('ANY Writers'),
      },
      Capabilities: { V2_0: true },
    },
    Application: {
      Organizations: orgs,
      Policies: {
        Readers: implicit('ANY Readers'),
        Writers: implicit('ANY Writers'),
        Admins: implicit('MAJORITY Admins'),
        LifecycleEndorsement: implicit('MAJORITY Endorsement'),
        Endorsement: implicit('MAJORITY Endorsement'),
      },
      Capabilities: { V2_5: true },
    },
  };
  return stringify({ Profiles: { ConsentLedgerChannel: profile } });
}

/**
 * Generates configtx.yaml and the genesis block in the exchange, once (the block must not change
 * after joining), as the government (the consortium's lead), from the members' public MSPs.
 */
export async function ensureGenesisBlock(
  install: FabricInstall,
  topology: Topology,
): Promise<string> {
  const block = genesisBlockFile(topology);
  if (existsSync(block)) return block;
  exchangeFolder(runPaths.channelArtifacts);
  writeFileSync(path.join(runPaths.channelArtifacts, 'configtx.yaml'), configtx(topology));
  const lead = topology.organizations.find((org) => org.type === 'government');
  await run(
    bin(install, 'configtxgen'),
    [
      '-profile',
      'ConsentLedgerChannel',
      '-outputBlock',
      block,
      '-channelID',
      topology.channel.name,
    ],
    {
      env: { PATH: process.env.PATH, FABRIC_CFG_PATH: runPaths.channelArtifacts },
      user: lead === undefined ? undefined : orgUser(lead.name),
    },
  );
  return block;
}

/** osnadmin's arguments as the orderer's own organization's admin (its admin endpoint's only client). */
function osnadminArgs(node: OrdererNode): string[] {
  const layout = orgLayout(node.org);
  const admin = layout.admin;
  return [
    '-o',
    `${node.host}:${node.adminPort}`,
    '--ca-file',
    layout.caCert,
    '--client-cert',
    admin.tlsCert,
    '--client-key',
    admin.tlsKey,
  ];
}

/**
 * Runs an admin query again until it answers (30 s at most): a node that just reported healthy
 * may not serve its admin or gRPC endpoints yet, especially on a busy two-core machine.
 */
async function retried(description: string, query: () => Promise<string>): Promise<string> {
  let answer: string | undefined;
  await waitUntil(
    async () => {
      answer = await query();
      return true;
    },
    { description, timeoutMs: 30_000, intervalMs: 1_000 },
  );
  return answer ?? '';
}

/** Joins an orderer to the channel through the channel participation API, unless it is a member. */
export async function joinOrderer(
  install: FabricInstall,
  topology: Topology,
  node: OrdererNode,
): Promise<void> {
  const user = orgUser(node.org.name);
  const listed = await retried(`${node.name}'s channel list`, () =>
    run(bin(install, 'osnadmin'), ['channel', 'list', ...osnadminArgs(node)], { user }),
  );
  if (
    listed.includes(`"name": "${topology.channel.name}"`) ||
    listed.includes(`"name":"${topology.channel.name}"`)
  ) {
    return;
  }
  await run(
    bin(install, 'osnadmin'),
    [
      'channel',
      'join',
      '--channelID',
      topology.channel.name,
      '--config-block',
      genesisBlockFile(topology),
      ...osnadminArgs(node),
    ],
    { user },
  );
}

/** The channels a peer has joined, as its admin sees them. */
export async function peerChannels(
  install: FabricInstall,
  org: Organization,
  peer: Peer,
): Promise<string[]> {
  const output = await retried(`${peer.name}.${org.name}'s channel list`, () =>
    run(bin(install, 'peer'), ['channel', 'list'], adminCli(install, org, peer)),
  );
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('Channels peers has joined'));
}

/** Joins a peer to the channel with its organization's admin, unless it has joined already. */
export async function joinPeer(
  install: FabricInstall,
  topology: Topology,
  org: Organization,
  peer: Peer,
): Promise<void> {
  if ((await peerChannels(install, org, peer)).includes(topology.channel.name)) return;
  // Right after the orderers join, the channel's Raft cluster may still be electing a leader;
  // the peer fetches blocks itself, so joining only needs the genesis block.
  await waitUntil(
    async () => {
      await run(
        bin(install, 'peer'),
        ['channel', 'join', '-b', genesisBlockFile(topology)],
        adminCli(install, org, peer),
      );
      return true;
    },
    {
      description: `${peer.name}.${org.name} to join ${topology.channel.name}`,
      timeoutMs: 60_000,
      intervalMs: 1_000,
    },
  );
}

/** Block height of the channel on a peer, from `peer channel getinfo`. */
export async function channelHeight(
  install: FabricInstall,
  topology: Topology,
  org: Organization,
  peer: Peer,
): Promise<number> {
  const output = await run(
    bin(install, 'peer'),
    ['channel', 'getinfo', '-c', topology.channel.name],
    { ...adminCli(install, org, peer), timeoutMs: 15_000 },
  );
  const json = output.slice(output.indexOf('{'));
  return (JSON.parse(json) as { height: number }).height;
}

import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { bin, type FabricInstall } from './binaries.ts';
import { collectionsConfig } from './collections.ts';
import { run } from './exec.ts';
import { waitUntil } from './health.ts';
import { ordererPublicTlsCert, orgLayout, peerRuntime } from './layout.ts';
import { adminCli } from './nodes.ts';
import { runPaths } from './paths.ts';
import { runningProcess, tailLog } from './processes.ts';
import {
  ADDITIONAL_METADATA_FILE,
  hasChaincodePrivateHashes,
  latestSnapshotBlock,
  PRIVATE_HASHES_METADATA_FILE,
  parseChannelInfo,
  parseJoinBySnapshotStatus,
  parseSnapshotMetadata,
  SIGNABLE_METADATA_FILE,
  SnapshotError,
  SNAPSHOTS_KEPT,
  snapshotMismatches,
  snapshotsBeyond,
  type ChannelInfo,
  type JoinBySnapshotStatus,
  type SnapshotMetadata,
} from './snapshot-folders.ts';
import {
  endpoint,
  ordererNodes,
  ordererOrganizations,
  type OrdererNode,
  type Organization,
  type Peer,
  type Topology,
  peerId,
} from './topology.ts';
import { exchangeFolder, orgUser, separationEnabled, type OrgUser } from './workspaces.ts';

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
  // Made by the lead, kept by the operator: no member may replace the block others join from.
  if (separationEnabled()) {
    chownSync(block, 0, statSync(runPaths.channelArtifacts).gid);
    chmodSync(block, 0o444);
  }
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

/** `peer channel getinfo` of a peer: height and the hashes of its last two blocks. */
export async function channelInfo(
  install: FabricInstall,
  topology: Topology,
  org: Organization,
  peer: Peer,
): Promise<ChannelInfo> {
  const output = await run(
    bin(install, 'peer'),
    ['channel', 'getinfo', '-c', topology.channel.name],
    { ...adminCli(install, org, peer), timeoutMs: 15_000 },
  );
  return parseChannelInfo(output);
}

/**
 * A peer's `ledger.snapshots.rootDir` (writePeerConfig in nodes.ts): Fabric writes each snapshot
 * to `completed/<channel>/<last block number>/` under it.
 */
export function peerSnapshotsDir(org: Organization, peer: Peer): string {
  return path.join(peerRuntime(org, peer).dataDir, 'snapshots');
}

/** Where a channel's snapshots are shared with the members: `exchange/snapshots/<channel>/`. */
export function exchangeSnapshotsDir(channel: string): string {
  return path.join(runPaths.exchange, 'snapshots', channel);
}

/** A snapshot of the channel in the exchange area. */
export interface ChannelSnapshot {
  /** The snapshot's folder, `exchange/snapshots/<channel>/<last block number>`. */
  readonly dir: string;
  readonly metadata: SnapshotMetadata;
  /** The channel height a peer joined from it starts at (last block number + 1). */
  readonly height: number;
  /** Bytes of the snapshot's files. */
  readonly bytes: number;
}

/** Bytes of the files under a folder (0 when it does not exist). */
export function folderBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

const sha256File = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * Reads a snapshot folder and checks it: both metadata files parse, the snapshot is of the
 * topology's channel, every data file's SHA-256 matches the metadata, and the metadata's own hash
 * is the snapshot hash. This is what an organization receiving a snapshot checks before joining
 * from it (Fabric's guide, "Evaluate the snapshot"). Throws SNAPSHOT_INVALID or SNAPSHOT_CORRUPT.
 */
export function readSnapshot(dir: string, channel: string): ChannelSnapshot {
  const signableFile = path.join(dir, SIGNABLE_METADATA_FILE);
  const additionalFile = path.join(dir, ADDITIONAL_METADATA_FILE);
  if (!existsSync(signableFile) || !existsSync(additionalFile)) {
    throw new SnapshotError('SNAPSHOT_INVALID', `${dir} is not a complete ledger snapshot`);
  }
  const signable = readFileSync(signableFile, 'utf8');
  const metadata = parseSnapshotMetadata({
    signable,
    additional: readFileSync(additionalFile, 'utf8'),
  });
  if (metadata.channel !== channel) {
    throw new SnapshotError(
      'SNAPSHOT_INVALID',
      `${dir} is a snapshot of channel ${metadata.channel}, not ${channel}`,
    );
  }
  const actual = Object.fromEntries(
    Object.keys(metadata.fileHashes).map((file) => {
      const full = path.join(dir, file);
      return [file, existsSync(full) ? sha256File(full) : undefined];
    }),
  );
  const bad = snapshotMismatches(metadata.fileHashes, actual);
  if (bad.length > 0) {
    throw new SnapshotError(
      'SNAPSHOT_CORRUPT',
      `${dir}: ${bad.join(', ')} missing or not matching the snapshot metadata`,
    );
  }
  if (sha256File(signableFile) !== metadata.snapshotHash) {
    throw new SnapshotError(
      'SNAPSHOT_CORRUPT',
      `${dir}: ${SIGNABLE_METADATA_FILE} does not match the snapshot hash`,
    );
  }
  return { dir, metadata, height: metadata.lastBlockNumber + 1, bytes: folderBytes(dir) };
}

/** Runs a `peer` command against a peer as its organization's admin. */
function peerAdmin(
  install: FabricInstall,
  target: Readonly<{ org: Organization; peer: Peer }>,
  args: readonly string[],
): Promise<string> {
  return run(bin(install, 'peer'), args, {
    ...adminCli(install, target.org, target.peer),
    timeoutMs: 60_000,
  });
}

/** Wraps waitUntil's timeout in a {@link SnapshotError}. */
async function waitFor(
  description: string,
  condition: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  try {
    await waitUntil(condition, { description, timeoutMs, intervalMs: 500 });
  } catch (error) {
    throw new SnapshotError('SNAPSHOT_TIMEOUT', `Timed out waiting for ${description}`, {
      cause: error,
    });
  }
}

/** Options of {@link takeSnapshot}. */
export interface TakeSnapshotOptions {
  readonly install: FabricInstall;
  readonly topology: Topology;
  /** The member organization whose admin asks its peer for the snapshot. */
  readonly org: Organization;
  readonly peer: Peer;
  readonly log?: (line: string) => void;
  /** How long to wait for the peer to write the snapshot (10 minutes by default). */
  readonly timeoutMs?: number;
  /** How many of its snapshots the organization keeps in the exchange ({@link SNAPSHOTS_KEPT}). */
  readonly keep?: number;
}

/**
 * Asks a member's peer for a snapshot of the channel at its last committed block (`peer snapshot
 * submitrequest -b 0` as the organization's admin), waits until the peer has written it under its
 * snapshots folder, and copies it (checked against its metadata) into the exchange area as
 * `exchange/snapshots/<channel>/<last block number>/`. Idempotent: a snapshot the peer already
 * holds at its current last block is copied without a new request, and one already in the
 * exchange is returned as it is. While it writes the snapshot the peer endorses but does not
 * commit; other peers go on.
 */
export async function takeSnapshot(
  options: Readonly<TakeSnapshotOptions>,
): Promise<ChannelSnapshot> {
  const { install, topology, org, peer } = options;
  const log = options.log ?? (() => undefined);
  const channel = topology.channel.name;
  const completed = path.join(peerSnapshotsDir(org, peer), 'completed', channel);
  const newest = (): number | undefined =>
    existsSync(completed) ? latestSnapshotBlock(readdirSync(completed)) : undefined;
  const complete = (block: number): boolean =>
    existsSync(path.join(completed, String(block), ADDITIONAL_METADATA_FILE));
  const { height } = await channelInfo(install, topology, org, peer);
  if (height < 1)
    throw new SnapshotError('SNAPSHOT_INVALID', `${peerId(org, peer)} has no block of ${channel}`);
  const last = height - 1;
  const held = newest();
  if (held === undefined || held < last) {
    const pending = await peerAdmin(install, { org, peer }, [
      'snapshot',
      'listpending',
      '-c',
      channel,
      '--peerAddress',
      endpoint(peer),
      '--tlsRootCertFile',
      orgLayout(org).caCert,
    ]);
    // `Successfully got pending snapshot requests: []` when none is pending.
    if (!/\[\s*\d/.test(pending)) {
      await peerAdmin(install, { org, peer }, [
        'snapshot',
        'submitrequest',
        '-c',
        channel,
        '-b',
        '0',
        '--peerAddress',
        endpoint(peer),
        '--tlsRootCertFile',
        orgLayout(org).caCert,
      ]);
      log(`${peerId(org, peer)}: snapshot of ${channel} requested at height ${height}`);
    }
  }
  let block = 0;
  await waitFor(
    `${peerId(org, peer)} to write a snapshot of ${channel} at block ${last} or later`,
    () => {
      const found = newest();
      if (found === undefined || found < last || !complete(found)) return Promise.resolve(false);
      block = found;
      return Promise.resolve(true);
    },
    options.timeoutMs ?? 600_000,
  );
  const shared = exchangeSnapshotsDir(channel);
  const target = path.join(shared, String(block));
  // The organization publishes its own peer's snapshot: copied as its own user.
  const user = orgUser(org.name);
  if (!existsSync(target)) {
    exchangeFolder(shared);
    const partial = path.join(shared, `.${String(block)}.partial`);
    rmSync(partial, { recursive: true, force: true });
    await run('cp', ['-r', path.join(completed, String(block)), partial], { user });
    // Published: every member reads it (the joining peer runs as its own organization's user).
    await run('chmod', ['-R', 'a+rX', partial], { user });
    renameSync(partial, target);
  } else if (user !== undefined && lstatSync(target).uid !== user.uid) {
    // Another member's folder under this name (the exchange is writable by every member).
    throw new SnapshotError(
      'SNAPSHOT_CORRUPT',
      `${target} was not published by ${org.mspId}: refusing it`,
    );
  }
  const snapshot = readSnapshot(target, channel);
  log(
    `Snapshot of ${channel} at block ${String(block)} (${(snapshot.bytes / 1e6).toFixed(1)} MB) in ${target}`,
  );
  const pruned = await pruneSnapshots({
    completed,
    shared,
    user,
    keep: options.keep ?? SNAPSHOTS_KEPT,
  });
  if (pruned.length > 0) log(`${org.mspId} deleted its older snapshots: ${pruned.join(', ')}`);
  return snapshot;
}

/**
 * Deletes what an organization no longer needs once it has published a snapshot: its peer's own
 * older snapshots (the peer does not use a snapshot once written: Fabric's guide), and, in the
 * exchange, the snapshots it published beyond the newest `keep`. A snapshot is as large as the
 * channel's state, and each join by snapshot publishes one. Another member's folders are that
 * member's to delete (the exchange's sticky bit would refuse it anyway). Keeping more than one
 * leaves a join that has just started from the previous snapshot its files.
 */
async function pruneSnapshots(
  options: Readonly<{
    completed: string;
    shared: string;
    user: OrgUser | undefined;
    keep: number;
  }>,
): Promise<string[]> {
  const { completed, shared, user } = options;
  const own = readdirSync(shared).filter(
    (entry) => user === undefined || lstatSync(path.join(shared, entry)).uid === user.uid,
  );
  const doomed = [
    ...snapshotsBeyond(readdirSync(completed), 1).map((entry) => path.join(completed, entry)),
    ...snapshotsBeyond(own, options.keep).map((entry) => path.join(shared, entry)),
  ];
  // As the organization's own user: both folders are its own files.
  for (const dir of doomed) await run('rm', ['-rf', '--', dir], { user });
  return doomed;
}

/** `peer channel joinbysnapshotstatus` of a peer. */
export async function joinBySnapshotStatus(
  install: FabricInstall,
  org: Organization,
  peer: Peer,
): Promise<JoinBySnapshotStatus> {
  return parseJoinBySnapshotStatus(
    await peerAdmin(install, { org, peer }, ['channel', 'joinbysnapshotstatus']),
  );
}

/** Options of {@link joinPeerBySnapshot}. */
export interface JoinBySnapshotOptions {
  readonly install: FabricInstall;
  readonly topology: Topology;
  /** The joining peer's organization: its admin joins the peer. */
  readonly org: Organization;
  readonly peer: Peer;
  /** A snapshot folder (the exchange copy from {@link takeSnapshot}), readable by the peer. */
  readonly snapshotDir: string;
  /** The height to catch up to; by default the highest among the topology's other peers. */
  readonly target?: number;
  readonly log?: (line: string) => void;
  /** How long the join and the catching up may take (10 minutes by default). */
  readonly timeoutMs?: number;
}

/** What {@link joinPeerBySnapshot} did. */
export interface JoinBySnapshotResult {
  /** False when the peer had joined the channel already (nothing was done but catching up). */
  readonly joined: boolean;
  /** The height the snapshot started the peer at. */
  readonly snapshotHeight: number;
  readonly height: number;
  readonly target: number;
  readonly seconds: number;
}

/**
 * Joins a peer to the channel from a ledger snapshot (`peer channel joinbysnapshot` as its
 * organization's admin), after checking the snapshot against its metadata; waits until
 * `joinbysnapshotstatus` reports the join done and the peer has caught up with the channel's
 * height. Idempotent: a peer already on the channel is only waited for, a join in progress is
 * waited for, not started twice. The peer serves the chaincode only once its package is installed
 * (and its organization has approved the definition); private data is not in a snapshot: the peer
 * pulls its collections' data from the other members by reconciliation.
 */
export async function joinPeerBySnapshot(
  options: Readonly<JoinBySnapshotOptions>,
): Promise<JoinBySnapshotResult> {
  const { install, topology, org, peer } = options;
  const log = options.log ?? (() => undefined);
  const channel = topology.channel.name;
  const name = peerId(org, peer);
  const timeoutMs = options.timeoutMs ?? 600_000;
  const started = Date.now();
  const snapshot = readSnapshot(path.resolve(options.snapshotDir), channel);
  refuseIneligibleJoin(install, topology, org, snapshot);
  let joined = false;
  if (!(await peerChannels(install, org, peer)).includes(channel)) {
    const status = await joinBySnapshotStatus(install, org, peer);
    if (!status.inProgress) {
      try {
        await peerAdmin(install, { org, peer }, [
          'channel',
          'joinbysnapshot',
          '--snapshotpath',
          snapshot.dir,
        ]);
      } catch (error) {
        throw new SnapshotError(
          'SNAPSHOT_JOIN_FAILED',
          `${name} refused to join ${channel} from ${snapshot.dir}`,
          { cause: error },
        );
      }
      joined = true;
      log(
        `${name} joining ${channel} from the snapshot at block ${String(snapshot.metadata.lastBlockNumber)}`,
      );
    }
    await waitFor(
      `${name} to finish joining ${channel} by snapshot`,
      async () => {
        if (runningProcess(name) === undefined) {
          throw new SnapshotError(
            'SNAPSHOT_JOIN_FAILED',
            `${name} stopped while joining ${channel} by snapshot:\n${tailLog(name, 8)}`,
          );
        }
        return !(await joinBySnapshotStatus(install, org, peer)).inProgress;
      },
      timeoutMs,
    );
    if (!(await peerChannels(install, org, peer)).includes(channel)) {
      throw new SnapshotError(
        'SNAPSHOT_JOIN_FAILED',
        `${name} finished the join by snapshot without joining ${channel}: see its log`,
      );
    }
  }
  const target = options.target ?? (await highestOtherHeight(install, topology, name));
  let height = 0;
  await waitFor(
    `${name} to reach height ${String(target)}`,
    async () => {
      height = (await channelInfo(install, topology, org, peer)).height;
      return height >= target;
    },
    Math.max(1_000, timeoutMs - (Date.now() - started)),
  );
  const seconds = (Date.now() - started) / 1000;
  log(`${name} at height ${String(height)} (target ${String(target)}) in ${seconds.toFixed(1)} s`);
  return { joined, snapshotHeight: snapshot.height, height, target, seconds };
}

/** The patch (network/fabric-patches) that lets a Fabric 2.5.0 peer import any member's snapshot. */
export const SNAPSHOT_MEMBERSHIP_PATCH = '0001-snapshot-import-collection-membership.patch';

/**
 * Refuses, before the peer crashes, a join an unpatched Fabric 2.5.0 cannot do: a peer importing a
 * snapshot that holds private data hashes of a chaincode evaluates its organization's membership
 * of every collection of that chaincode before the channel's MSPs exist, and a collection its
 * organization is not a member of makes it dereference a nil identity deserializer and panic
 * (core/common/privdata/membershipinfo.go AmMemberOf, from pvtdatastorage's snapshot importer).
 * The binaries `npm start` builds carry {@link SNAPSHOT_MEMBERSHIP_PATCH}, which decides such a
 * collection by its members' MSP IDs alone, so this refuses only with 2.5.0 binaries built without
 * it; with those, only an organization in every collection (the regulator here) can join, the
 * others join from the first block (joinPeer).
 */
function refuseIneligibleJoin(
  install: FabricInstall,
  topology: Topology,
  org: Organization,
  snapshot: ChannelSnapshot,
): void {
  if (install.release !== '2.5.0' || install.patches.includes(SNAPSHOT_MEMBERSHIP_PATCH)) return;
  const outside = collectionsConfig(topology)
    .filter((collection) => !collection.policy.includes(`'${org.mspId}.member'`))
    .map((collection) => collection.name);
  const index = path.join(snapshot.dir, PRIVATE_HASHES_METADATA_FILE);
  if (outside.length === 0 || !existsSync(index)) return;
  if (!hasChaincodePrivateHashes(readFileSync(index, 'latin1'))) return;
  throw new SnapshotError(
    'SNAPSHOT_UNSUPPORTED',
    `${org.mspId} is not a member of ${outside.join(', ')}: a Fabric 2.5.0 peer built without ${SNAPSHOT_MEMBERSHIP_PATCH} crashes importing a snapshot with private data of collections its organization is outside of; join it from the first block`,
  );
}

/** The highest channel height among the topology's peers other than `except` that answer. */
export async function highestOtherHeight(
  install: FabricInstall,
  topology: Topology,
  except: string,
): Promise<number> {
  const heights = await Promise.all(
    topology.organizations.flatMap((org) =>
      org.peers
        .filter((peer) => peerId(org, peer) !== except)
        .map((peer) => channelHeight(install, topology, org, peer).catch(() => 0)),
    ),
  );
  return Math.max(0, ...heights);
}

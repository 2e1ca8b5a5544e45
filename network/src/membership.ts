import { type FabricInstall } from './binaries.ts';
import { bootstrapRegistry, deregisterOrganization } from './bootstrap.ts';
import { deployChaincode } from './chaincode.ts';
import {
  channelHeight,
  joinPeer,
  joinPeerBySnapshot,
  peerChannels,
  takeSnapshot,
} from './channel.ts';
import { gatewayProcessName, gatewayUrl, startGateway } from './gateways.ts';
import { waitUntil } from './health.ts';
import { peerRuntime } from './layout.ts';
import { ensureOrgCrypto, type Log } from './network.ts';
import { startPeer } from './nodes.ts';
import { topologyFile } from './paths.ts';
import { writeExchangeFile } from './workspaces.ts';
import { stopProcess } from './processes.ts';
import { writeConnectionProfiles } from './profiles.ts';
import {
  loadTopology,
  membersFile,
  ordererNodes,
  readMemberList,
  type MemberList,
  type Organization,
  type Peer,
  type Topology,
} from './topology.ts';

/**
 * Organizations joining and leaving the consortium (docs/deployment.md, "Joining and leaving"):
 * the channel configuration change itself is a majority-signed update (the governance module,
 * network/src/config-update.ts, through {@link MembershipVote}); around it, the new organization's
 * CA, identities, peer, chaincode approval, registry entry, connection profile and gateway, and for
 * a leaver the reverse. Every step is idempotent: a join or a leave cut off halfway runs again.
 */

/** Why a membership change is refused; `code` says which rule. */
export type MembershipErrorCode =
  | 'UNKNOWN_ORGANIZATION'
  | 'ALREADY_MEMBER'
  | 'NOT_A_MEMBER'
  | 'GOVERNMENT_STAYS'
  | 'RUNS_AN_ORDERER'
  | 'TOO_FEW_MEMBERS';

/** A join or leave that the consortium's rules refuse. */
export class MembershipError extends Error {
  override readonly name = 'MembershipError';
  readonly code: MembershipErrorCode;
  constructor(code: MembershipErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The channel configuration side of a membership change: propose the update, have a majority of
 * the current members' admins sign it (each in its own workspace), submit it.
 */
export interface MembershipVote {
  /** Whether the channel's configuration lists the organization (a resumed join or leave). */
  isChannelMember(topology: Topology, org: Organization): Promise<boolean>;
  /** Adds the organization's MSP to the channel (signed by a majority of `topology`'s members). */
  addOrganization(topology: Topology, org: Organization): Promise<void>;
  /** Removes the organization from the channel (signed by a majority of the remaining members). */
  removeOrganization(topology: Topology, org: Organization): Promise<void>;
}

/** How long each step of a join took, in ms. */
export interface JoinTimings {
  readonly crypto: number;
  readonly channelUpdate: number;
  readonly peer: number;
  readonly chaincode: number;
  readonly registry: number;
  readonly gateway: number;
  readonly total: number;
}

/**
 * From this channel height on, a new organization's peers join from a ledger snapshot rather than
 * the first block. A join from the first block fetches, validates and commits every block and pulls
 * each block's private data; from a snapshot it starts at a member's state (docs/reliability.md,
 * "Joining from a snapshot": 2.8 s against 50.9 s at 33 blocks, 4.6 s against 124.8 s at 119). A
 * short channel joins from the first block, so the new member holds every block itself.
 */
export const SNAPSHOT_JOIN_MIN_HEIGHT = 100;

/** What a join did. */
export interface JoinResult {
  readonly org: Organization;
  /**
   * How its peers joined: from a member's ledger snapshot, from the first block, or not at all
   * (a returning member's peers kept their ledger).
   */
  readonly joinedFrom: 'snapshot' | 'first-block' | 'own-ledger';
  /** The snapshot's height (its peers hold no block below it); absent from the first block. */
  readonly snapshotHeight?: number;
  /** The consortium after the join. */
  readonly topology: Topology;
  readonly gatewayUrl: string;
  readonly chaincodeSequence: number;
  readonly timings: JoinTimings;
}

/** What a leave did. */
export interface LeaveResult {
  readonly org: Organization;
  /** The consortium after the leave. */
  readonly topology: Topology;
  readonly chaincodeSequence: number;
  readonly totalMs: number;
}

/** Options of {@link joinOrganization} and {@link removeOrganization}. */
export interface MembershipOptions {
  readonly install: FabricInstall;
  /** The organization's name in the topology file (`county`). */
  readonly name: string;
  readonly vote: MembershipVote;
  readonly log?: Log;
  /** The topology file; the one `CONSENT_LEDGER_TOPOLOGY` names by default. */
  readonly topologyFile?: string;
  /**
   * A join's peers start from a ledger snapshot when the channel has at least this many blocks
   * ({@link SNAPSHOT_JOIN_MIN_HEIGHT} by default; 0 always, Infinity never).
   */
  readonly snapshotFromHeight?: number;
}

/** Writes the member list to the exchange (atomically: the whole file or the old one). */
export function writeMemberList(members: MemberList, file: string = membersFile()): void {
  writeExchangeFile(file, `${JSON.stringify(members, null, 2)}\n`);
}

/** The member list with an organization joined (or left), each name once. */
export function changedMemberList(
  members: MemberList,
  change: Readonly<{ name: string; joins: boolean; founder: boolean }>,
): MemberList {
  const without = (names: readonly string[]): string[] =>
    names.filter((name) => name !== change.name);
  if (change.joins) {
    return {
      joined: change.founder ? without(members.joined) : [...without(members.joined), change.name],
      left: without(members.left),
    };
  }
  return { joined: without(members.joined), left: [...without(members.left), change.name] };
}

/** Whether an organization runs one of the channel's orderers (it cannot leave). */
export function runsOrderer(topology: Topology, org: Organization): boolean {
  return ordererNodes(topology).some((node) => node.org.mspId === org.mspId);
}

/**
 * The rules a leave must keep: the government (the regulator, in every collection) and an
 * organization running an orderer stay, and enough members remain to endorse.
 */
export function checkLeave(topology: Topology, name: string): Organization {
  const org = topology.organizations.find((each) => each.name === name);
  if (org === undefined) {
    throw new MembershipError('NOT_A_MEMBER', `${name} is not a member of the consortium`);
  }
  if (org.type === 'government') {
    throw new MembershipError(
      'GOVERNMENT_STAYS',
      `${org.mspId} is the government: every private data collection includes the regulator`,
    );
  }
  if (runsOrderer(topology, org)) {
    throw new MembershipError(
      'RUNS_AN_ORDERER',
      `${org.mspId} runs an orderer: move its orderer to another member first`,
    );
  }
  const remaining = topology.organizations.length - 1;
  if (remaining < Math.max(2, topology.chaincode.endorsement.outOf)) {
    throw new MembershipError(
      'TOO_FEW_MEMBERS',
      `${remaining} members could not meet the endorsement policy (any ${topology.chaincode.endorsement.outOf})`,
    );
  }
  return org;
}

/** The organization a join is for: a candidate of the topology file, or a member (a resumed join). */
function joiningOrganization(topology: Topology, name: string): Organization {
  const org = [...topology.candidates, ...topology.organizations].find(
    (each) => each.name === name,
  );
  if (org === undefined) {
    throw new MembershipError(
      'UNKNOWN_ORGANIZATION',
      `no organization ${name} in the topology: add its entry (with \`joins: later\`) first`,
    );
  }
  return org;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const value = await work();
  return [value, Date.now() - started];
}

/**
 * The member whose peer a joining organization measures itself against and takes a snapshot
 * from: the government, which leads the consortium, or else the first other member.
 */
function referenceMember(
  topology: Topology,
  org: Organization,
): { member: Organization; peer: Peer } | undefined {
  const others = topology.organizations.filter((each) => each.name !== org.name);
  const member = others.find((each) => each.type === 'government') ?? others[0];
  const peer = member?.peers[0];
  return member === undefined || peer === undefined ? undefined : { member, peer };
}

/**
 * Waits until a peer has at least the height another member's peer has now (a joining peer
 * pulling the channel's blocks).
 */
async function waitForCatchUp(
  install: FabricInstall,
  topology: Topology,
  org: Organization,
): Promise<void> {
  const reference = referenceMember(topology, org);
  if (reference === undefined) return;
  const target = await channelHeight(install, topology, reference.member, reference.peer);
  for (const peer of org.peers) {
    await waitUntil(async () => (await channelHeight(install, topology, org, peer)) >= target, {
      description: `${peer.name}.${org.name} to catch up to block ${target}`,
      timeoutMs: 600_000,
      intervalMs: 1_000,
    });
  }
}

/**
 * Adds an organization of the topology file to the consortium: its CA and identities, its MSP in
 * the exchange, the majority-signed channel update, its peer started and joined (from the genesis
 * block) and caught up, the chaincode installed on it and the definition approved again by every
 * member with the endorsement policy and collections of the new member list, its registry entry,
 * the connection profiles, and its gateway on its port.
 */
export async function joinOrganization(options: MembershipOptions): Promise<JoinResult> {
  const { install, vote } = options;
  const log = options.log ?? (() => undefined);
  const file = options.topologyFile ?? topologyFile;
  const started = Date.now();
  const before = loadTopology(file);
  const org = joiningOrganization(before, options.name);
  const founder = org.joins === undefined;

  log(`Joining ${org.mspId} (${org.displayName}): CA and identities...`);
  const [, crypto] = await timed(async () => {
    // Its MSP goes to the exchange (orgLayout(org).mspDir), where the members' admins take it from.
    await ensureOrgCrypto(install, org, before);
  });

  let voted = false;
  const [, channelUpdate] = await timed(async () => {
    const current = before.organizations.filter((each) => each.name !== org.name);
    const members = { ...before, organizations: current };
    if (await vote.isChannelMember(members, org)) {
      log(`${org.mspId} is in the channel configuration already`);
    } else {
      log(`Proposing to add ${org.mspId}; a majority of the members' admins sign...`);
      await vote.addOrganization(members, org);
      voted = true;
    }
    writeMemberList(changedMemberList(readMemberList(), { name: org.name, joins: true, founder }));
  });
  const after = loadTopology(file);

  // The update is on every member's peer (submitConfigUpdate waits for it), so a snapshot taken
  // now holds the configuration that lists the new member.
  const reference = referenceMember(after, org);
  const height =
    reference === undefined
      ? 0
      : await channelHeight(install, after, reference.member, reference.peer);
  const fromSnapshot =
    reference !== undefined && height >= (options.snapshotFromHeight ?? SNAPSHOT_JOIN_MIN_HEIGHT);
  log(
    `Starting and joining ${org.name}'s peers (the channel has ${String(height)} blocks: from ${fromSnapshot ? 'a snapshot' : 'the first block'})...`,
  );
  const [{ snapshotHeight, joined }, peer] = await timed(async () => {
    const joining: Peer[] = [];
    for (const each of org.peers) {
      // A peer kept from an earlier membership backs off from the orderers that refused it:
      // restarted, it asks for the blocks it missed at once.
      if (voted && (await stopProcess(peerRuntime(org, each).name)))
        log(`Restarted ${peerRuntime(org, each).name} (kept from an earlier membership)`);
      await startPeer(install, org, each);
      // A peer on the channel already (a resumed join, a returning member) keeps its own ledger
      // and only catches up.
      if (!(await peerChannels(install, org, each)).includes(after.channel.name))
        joining.push(each);
    }
    const snapshot =
      fromSnapshot && joining.length > 0
        ? await takeSnapshot({
            install,
            topology: after,
            org: reference.member,
            peer: reference.peer,
            log,
          })
        : undefined;
    for (const each of joining) {
      if (snapshot === undefined) await joinPeer(install, after, org, each);
      else
        await joinPeerBySnapshot({
          install,
          topology: after,
          org,
          peer: each,
          snapshotDir: snapshot.dir,
          log,
        });
    }
    await waitForCatchUp(install, after, org);
    return { snapshotHeight: snapshot?.height, joined: joining.length };
  });
  const joinedFrom: JoinResult['joinedFrom'] =
    joined === 0 ? 'own-ledger' : snapshotHeight === undefined ? 'first-block' : 'snapshot';

  log('Installing the chaincode and approving the definition for the new member list...');
  const [deployed, chaincode] = await timed(() =>
    deployChaincode({ install, topology: after, log }),
  );

  const [, registry] = await timed(async () => {
    await bootstrapRegistry({ topology: after, log });
    writeConnectionProfiles(after);
  });

  const [, gateway] = await timed(() => startGateway(org, after));
  const timings: JoinTimings = {
    crypto,
    channelUpdate,
    peer,
    chaincode,
    registry,
    gateway,
    total: Date.now() - started,
  };
  log(
    `${org.mspId} joined in ${(timings.total / 1000).toFixed(1)} s (chaincode sequence ${deployed.sequence}); gateway ${gatewayUrl(org)}`,
  );
  return {
    org,
    joinedFrom,
    ...(snapshotHeight === undefined ? {} : { snapshotHeight }),
    topology: after,
    gatewayUrl: gatewayUrl(org),
    chaincodeSequence: deployed.sequence,
    timings,
  };
}

/**
 * Removes a member from the consortium: refused for the government and for an organization that
 * runs an orderer; its registry entry removed, the chaincode definition approved again without it
 * (endorsement policy and collections of the remaining members), the majority-signed channel
 * update that drops its MSP (from then on every peer refuses its identities and its peer gets no
 * new blocks), its gateway stopped, the member list recorded. Its peer and CA keep running: they
 * are its own (`npm run down` stops them).
 */
export async function removeOrganization(options: MembershipOptions): Promise<LeaveResult> {
  const { install, vote } = options;
  const log = options.log ?? (() => undefined);
  const file = options.topologyFile ?? topologyFile;
  const started = Date.now();
  const before = loadTopology(file);
  const org = checkLeave(before, options.name);
  const after: Topology = {
    ...before,
    organizations: before.organizations.filter((each) => each.name !== org.name),
    candidates: [...before.candidates, org],
    former: [...before.former.filter((each) => each.name !== org.name), org],
  };

  log(`${org.mspId} leaves: removing it from the organization registry...`);
  await deregisterOrganization({ topology: before, mspId: org.mspId, log });
  log('Approving the chaincode definition without it...');
  const deployed = await deployChaincode({ install, topology: after, log });
  if (await vote.isChannelMember(after, org)) {
    log(`Proposing to remove ${org.mspId}; a majority of the remaining members' admins sign...`);
    await vote.removeOrganization(after, org);
  } else {
    log(`${org.mspId} is out of the channel configuration already`);
  }
  writeMemberList(
    changedMemberList(readMemberList(), {
      name: org.name,
      joins: false,
      founder: org.joins === undefined,
    }),
  );
  writeConnectionProfiles(after);
  if (await stopProcess(gatewayProcessName(org))) log(`Stopped ${gatewayProcessName(org)}`);
  const totalMs = Date.now() - started;
  log(`${org.mspId} left in ${(totalMs / 1000).toFixed(1)} s`);
  return { org, topology: loadTopology(file), chaincodeSequence: deployed.sequence, totalMs };
}

import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { connect, signers } from '@hyperledger/fabric-gateway';
import { parse } from 'yaml';
import { common, orderer } from '@hyperledger/fabric-protos';
import type { FabricInstall } from './binaries.ts';
import { peerClient } from './client.ts';
import {
  computeConfigUpdate,
  configOfBlock,
  configUpdateBytesOf,
  configUpdateEnvelope,
  copyConfig,
  modifiedElements,
  requirementsOf,
  signatureCreator,
  signatureValid,
  signConfigUpdateBytes,
  signedConfigUpdateEnvelope,
  treeSatisfied,
  type ConfigSigner,
  type ModifiedElement,
  type OrganizationDefinition,
  type PolicyRequirement,
} from './config-tx.ts';
import { CommandError, run } from './exec.ts';
import { orgLayout } from './layout.ts';
import { cacheDir, repoRoot, runDir, runPaths, topologyFile } from './paths.ts';
import {
  endpoint,
  ordererNodes,
  peerId,
  type Organization,
  type Peer,
  type Topology,
} from './topology.ts';
import { exchangeFolder, orgUser, writeExchangeFile } from './workspaces.ts';

/**
 * Channel configuration updates decided by the members (docs/governance.md): one organization
 * proposes a change, which is written to the shared exchange folder as an unsigned update; each
 * organization's admin signs it in its own workspace (reading only its own admin MSP and the
 * exchange), each signature a file of its own; anyone can see who signed and whether that is
 * enough for the policies the change touches; one admin submits the update with every signature
 * to an orderer, and the call returns once every peer has the new configuration.
 *
 * Exchange layout, `<runDir>/network/exchange/updates/<id>/`:
 * - `proposal.json`: the {@link ConfigUpdateProposal} (written once, by the proposer);
 * - `update.pb`: the unsigned CONFIG_UPDATE envelope (`peer channel update -f` takes it too);
 * - `signatures/<MSPID>.pb`: one common.ConfigSignature per organization;
 * - `submitted.json`: the {@link ConfigUpdateSubmission}, once it is on the channel.
 */

const ERROR_CODES = [
  'UNKNOWN_PROPOSAL',
  'UNKNOWN_ORGANIZATION',
  'NO_CHANGE',
  'POLICY_NOT_SATISFIED',
  'STALE_PROPOSAL',
  'PROPOSAL_MISMATCH',
  'UPDATE_REFUSED',
  'ALREADY_SUBMITTED',
  'ORDERER_UNAVAILABLE',
  'PEERS_BEHIND',
] as const;

/**
 * Codes of {@link ConfigUpdateError}. `PROPOSAL_MISMATCH`: the update to sign does not make the
 * changes its proposal states.
 */
export type ConfigUpdateErrorCode = (typeof ERROR_CODES)[number];

function isConfigUpdateErrorCode(code: string): code is ConfigUpdateErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/** A configuration update that cannot be proposed, signed or submitted; `code` says why. */
export class ConfigUpdateError extends Error {
  override readonly name = 'ConfigUpdateError';
  readonly code: ConfigUpdateErrorCode;
  constructor(code: ConfigUpdateErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** A proposed configuration update, as `proposal.json` records it. */
export interface ConfigUpdateProposal {
  readonly id: string;
  /** What the update does, in words (`set the block timer to 500ms`). */
  readonly description: string;
  /** The kind of change (`batch-timeout`, `add-org`, `remove-org`, `revocation-list`...). */
  readonly kind: string;
  readonly createdAt: string;
  readonly proposer: Readonly<{ org: string; mspId: string }>;
  readonly channel: string;
  /** The configuration sequence the update was computed against; the update makes it +1. */
  readonly baseSequence: number;
  /** What the update modifies, with the policy each needs. */
  readonly changes: readonly ModifiedElement[];
  /** The policies the update must satisfy, resolved against the configuration it changes. */
  readonly requirements: readonly PolicyRequirement[];
}

/** When and by whom an update went onto the channel. */
export interface ConfigUpdateSubmission {
  readonly submittedAt: string;
  readonly submitter: string;
  /** The configuration sequence every peer has after it. */
  readonly sequence: number;
}

/** Who signed a proposal, what it needs and whether that is enough. */
export interface ConfigUpdateStatus {
  readonly proposal: ConfigUpdateProposal;
  /** MSP IDs of valid signatures, from each signature's creator (not its file name). */
  readonly signedBy: readonly string[];
  /** Signature files that do not verify against the update, or whose creator is not the file's. */
  readonly invalidSignatures: readonly string[];
  /** Each policy the update needs, with the signers that count for it and whether it is met. */
  readonly requirements: readonly (PolicyRequirement & {
    readonly signed: readonly string[];
    readonly satisfied: boolean;
  })[];
  /** The most signatures any one of the policies needs. */
  readonly needed: number;
  readonly enough: boolean;
  readonly submission?: ConfigUpdateSubmission;
}

const ID_PATTERN = /^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$/;

/** The exchange folder of a proposal. */
export function proposalDir(id: string): string {
  if (!ID_PATTERN.test(id))
    throw new ConfigUpdateError('UNKNOWN_PROPOSAL', `${JSON.stringify(id)} is not a proposal id`);
  return path.join(runPaths.exchange, 'updates', id);
}

function newProposalId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * Runs a consortium step as an organization's own Unix user (network/src/workspaces.ts): the same
 * command an organization's operator runs, `npm run consortium -- <verb> ... --as <org>`, so that
 * it reads only that organization's workspace and the exchange. Its refusal comes back as a
 * {@link ConfigUpdateError} with the step's own code and sentence.
 */
async function asOrganization(org: Organization, args: readonly string[]): Promise<void> {
  try {
    await run(process.execPath, [path.join(import.meta.dirname, 'consortium-cli.ts'), ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: orgLayout(org).dir,
        CONSENT_LEDGER_TOPOLOGY: topologyFile,
        CONSENT_LEDGER_RUN_DIR: runDir,
        CONSENT_LEDGER_CACHE: cacheDir,
      },
      cwd: repoRoot,
      user: orgUser(org.name),
      timeoutMs: 180_000,
    });
  } catch (error) {
    const said = error instanceof CommandError ? error.stderr.trim() : '';
    const match = /consortium: ([\s\S]*) \(([A-Z_]+)\)$/.exec(said);
    if (match?.[1] !== undefined && match[2] !== undefined && isConfigUpdateErrorCode(match[2]))
      throw new ConfigUpdateError(match[2], match[1], { cause: error });
    throw error;
  }
}

const sha256 = (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest();

/**
 * An organization's definition for the channel from its MSP folder, as configtxgen reads one:
 * `cacerts/` and `tlscacerts/` (PEM files), NodeOUs when `config.yaml` enables them, and the CRLs
 * in `crls/` if any.
 */
export function organizationDefinitionFromMsp(
  options: Readonly<{
    mspId: string;
    mspDir: string;
    anchorPeers: readonly Readonly<{ host: string; port: number }>[];
  }>,
): OrganizationDefinition {
  const pems = (folder: string): string[] => {
    const dir = path.join(options.mspDir, folder);
    return existsSync(dir)
      ? readdirSync(dir)
          .sort()
          .map((file) => readFileSync(path.join(dir, file), 'utf8'))
      : [];
  };
  const rootCerts = pems('cacerts');
  if (rootCerts.length === 0) throw new Error(`no CA certificate in ${options.mspDir}/cacerts`);
  const configFile = path.join(options.mspDir, 'config.yaml');
  const nodeOus =
    existsSync(configFile) &&
    (parse(readFileSync(configFile, 'utf8')) as { NodeOUs?: { Enable?: unknown } } | null)?.NodeOUs
      ?.Enable === true;
  const crls = pems('crls');
  return {
    mspId: options.mspId,
    rootCerts,
    tlsRootCerts: pems('tlscacerts'),
    nodeOus,
    anchorPeers: options.anchorPeers,
    ...(crls.length > 0 ? { revocationList: crls } : {}),
  };
}

/** An organization's Fabric admin as a signer, from its MSP folder (orgLayout(org).admin). */
export function adminSigner(org: Pick<Organization, 'mspId'>, mspDir: string): ConfigSigner {
  const keystore = path.join(mspDir, 'keystore');
  const [keyFile] = readdirSync(keystore);
  if (keyFile === undefined) throw new Error(`no private key in ${keystore}`);
  // fabric-gateway's signer makes ECDSA signatures low-S, as Fabric's MSP requires.
  const sign = signers.newPrivateKeySigner(
    createPrivateKey(readFileSync(path.join(keystore, keyFile))),
  );
  return {
    mspId: org.mspId,
    certificate: readFileSync(path.join(mspDir, 'signcerts', 'cert.pem'), 'utf8'),
    sign,
  };
}

function organization(topology: Topology, org: Organization | string): Organization {
  const name = typeof org === 'string' ? org : org.name;
  const found = topology.organizations.find((each) => each.name === name || each.mspId === name);
  if (found === undefined)
    throw new ConfigUpdateError('UNKNOWN_ORGANIZATION', `no organization ${name} in the topology`);
  return found;
}

/** An organization's admin as a signer, from its own admin MSP folder. */
function adminOf(org: Organization): ConfigSigner {
  return adminSigner(org, orgLayout(org).admin.mspDir);
}

/**
 * The channel's current configuration and sequence, as a peer has it (cscc GetConfigBlock), asked
 * as `org`'s admin. Any member's admin may ask any member's peer (the channel's Readers).
 */
export async function peerConfig(
  options: Readonly<{
    topology: Topology;
    org: Organization;
    peerOrg?: Organization;
    peer?: Peer;
  }>,
): Promise<{ config: common.Config; sequence: number }> {
  const peerOrg = options.peerOrg ?? options.org;
  const target = options.peer ?? peerOrg.peers[0];
  if (target === undefined) throw new Error(`${peerOrg.name} has no peer`);
  const signer = adminOf(options.org);
  const client = peerClient(peerOrg, target);
  const gateway = connect({
    client,
    identity: { mspId: signer.mspId, credentials: Buffer.from(signer.certificate) },
    signer: (digest) => signer.sign(digest),
    evaluateOptions: () => ({ deadline: Date.now() + 15_000 }),
  });
  try {
    const channel = options.topology.channel.name;
    const block = await gateway
      .getNetwork(channel)
      .getContract('cscc')
      .evaluateTransaction('GetConfigBlock', channel);
    const config = configOfBlock(block);
    return { config, sequence: config.getSequence() };
  } finally {
    gateway.close();
    client.close();
  }
}

/** Options of {@link proposeConfigUpdate}. */
export interface ProposeOptions {
  /** Not needed (no Fabric binary is used); accepted so that callers can pass their context. */
  readonly install?: FabricInstall;
  readonly topology: Topology;
  readonly proposer: Organization;
  readonly description: string;
  /** The kind of change, for the status table; `custom` by default. */
  readonly kind?: string;
  /** Changes the decoded current configuration in place (see the change builders in config-tx.ts). */
  readonly change: (config: common.Config) => void | Promise<void>;
}

/**
 * Proposes a configuration update: reads the channel's configuration from the proposer's peer,
 * applies `change` to a copy, computes the update and writes it, unsigned, to the exchange.
 */
export async function proposeConfigUpdate(options: ProposeOptions): Promise<ConfigUpdateProposal> {
  const { topology } = options;
  const proposer = organization(topology, options.proposer);
  const { config, sequence } = await peerConfig({ topology, org: proposer });
  const updated = copyConfig(config);
  await options.change(updated);
  let update: common.ConfigUpdate;
  try {
    update = computeConfigUpdate({ channel: topology.channel.name, original: config, updated });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'NO_CHANGE')
      throw new ConfigUpdateError('NO_CHANGE', error.message, { cause: error });
    throw error;
  }
  const now = new Date();
  const proposal: ConfigUpdateProposal = {
    id: newProposalId(now),
    description: options.description,
    kind: options.kind ?? 'custom',
    createdAt: now.toISOString(),
    proposer: { org: proposer.name, mspId: proposer.mspId },
    channel: topology.channel.name,
    baseSequence: sequence,
    changes: modifiedElements(config, update),
    requirements: requirementsOf(config, update),
  };
  const dir = proposalDir(proposal.id);
  exchangeFolder(path.join(dir, 'signatures'));
  writeExchangeFile(path.join(dir, 'update.pb'), configUpdateEnvelope(update));
  writeExchangeFile(path.join(dir, 'proposal.json'), `${JSON.stringify(proposal, null, 2)}\n`);
  return proposal;
}

/** A proposal as the exchange holds it. */
export function readProposal(id: string): ConfigUpdateProposal {
  const file = path.join(proposalDir(id), 'proposal.json');
  if (!existsSync(file))
    throw new ConfigUpdateError('UNKNOWN_PROPOSAL', `no proposal ${id} in ${runPaths.exchange}`);
  return JSON.parse(readFileSync(file, 'utf8')) as ConfigUpdateProposal;
}

/** Every proposal in the exchange, oldest first. */
export function listProposals(): ConfigUpdateProposal[] {
  const dir = path.join(runPaths.exchange, 'updates');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((id) => ID_PATTERN.test(id) && existsSync(path.join(dir, id, 'proposal.json')))
    .sort()
    .map(readProposal);
}

function updateBytes(id: string): Uint8Array {
  return configUpdateBytesOf(readFileSync(path.join(proposalDir(id), 'update.pb')));
}

/** Options of {@link signConfigUpdate}. */
export interface SignOptions {
  readonly install?: FabricInstall;
  readonly topology: Topology;
  readonly id: string;
  /**
   * The signing organization (or its name or MSP ID): its admin
   * signs, from its own admin MSP folder only.
   */
  readonly org: Organization | string;
}

/**
 * Checks that a proposal's update makes the changes its proposal states, against the channel's
 * configuration as the signer's own peer has it: a signer signs the update itself, and must not
 * be shown one change while signing another.
 */
async function checkProposalUpdate(
  options: Readonly<{ topology: Topology; org: Organization; proposal: ConfigUpdateProposal }>,
): Promise<void> {
  const { proposal } = options;
  const { config, sequence } = await peerConfig({ topology: options.topology, org: options.org });
  if (sequence !== proposal.baseSequence)
    throw new ConfigUpdateError(
      'STALE_PROPOSAL',
      `proposal ${proposal.id} was made against configuration ${String(proposal.baseSequence)}; the channel is at ${String(sequence)}: propose again`,
    );
  const update = common.ConfigUpdate.deserializeBinary(updateBytes(proposal.id));
  if (
    update.getChannelId() !== proposal.channel ||
    JSON.stringify(modifiedElements(config, update)) !== JSON.stringify(proposal.changes)
  )
    throw new ConfigUpdateError(
      'PROPOSAL_MISMATCH',
      `the update of proposal ${proposal.id} does not make the changes its proposal states`,
    );
}

/**
 * Signs a proposal as an organization's admin, once it has checked that the update makes the
 * changes the proposal states: reads the admin's MSP folder and the proposal's update, writes
 * `signatures/<MSPID>.pb`. Signing again replaces the organization's signature.
 */
export async function signConfigUpdate(
  options: SignOptions,
): Promise<{ id: string; mspId: string; file: string }> {
  const org = organization(options.topology, options.org);
  const proposal = readProposal(options.id);
  const file = path.join(proposalDir(options.id), 'signatures', `${org.mspId}.pb`);
  if (orgUser(org.name) !== undefined) {
    // In the organization's own workspace, as its own Unix user.
    await asOrganization(org, ['sign', options.id, '--as', org.name]);
    return { id: options.id, mspId: org.mspId, file };
  }
  await checkProposalUpdate({ topology: options.topology, org, proposal });
  const signature = await signConfigUpdateBytes({
    configUpdate: updateBytes(options.id),
    signer: adminOf(org),
    nonce: randomBytes(24),
    digest: sha256,
  });
  writeExchangeFile(file, signature.serializeBinary());
  return { id: options.id, mspId: org.mspId, file };
}

function readSignatures(id: string): {
  valid: common.ConfigSignature[];
  signedBy: string[];
  invalid: string[];
} {
  const dir = path.join(proposalDir(id), 'signatures');
  const bytes = updateBytes(id);
  const valid: common.ConfigSignature[] = [];
  const signedBy = new Set<string>();
  const invalid: string[] = [];
  const files = existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.pb')) : [];
  for (const file of files.sort()) {
    try {
      const signature = common.ConfigSignature.deserializeBinary(
        readFileSync(path.join(dir, file)),
      );
      const { mspId } = signatureCreator(signature);
      if (`${mspId}.pb` !== file || signedBy.has(mspId) || !signatureValid(signature, bytes)) {
        invalid.push(file);
        continue;
      }
      signedBy.add(mspId);
      valid.push(signature);
    } catch {
      invalid.push(file);
    }
  }
  return { valid, signedBy: [...signedBy].sort(), invalid };
}

/** Options of {@link configUpdateStatus}. */
export interface StatusOptions {
  readonly id: string;
}

/** Who signed a proposal (from the signatures' creators), what it needs, whether it is enough. */
export function configUpdateStatus(options: StatusOptions): ConfigUpdateStatus {
  const proposal = readProposal(options.id);
  const { signedBy, invalid } = readSignatures(options.id);
  const signers = new Set(signedBy);
  const requirements = proposal.requirements.map((requirement) => ({
    ...requirement,
    signed: signedBy.filter((mspId) => requirement.candidates.includes(mspId)),
    satisfied: treeSatisfied(requirement.tree, signers),
  }));
  const submittedFile = path.join(proposalDir(options.id), 'submitted.json');
  return {
    proposal,
    signedBy,
    invalidSignatures: invalid,
    requirements,
    needed: Math.max(0, ...requirements.map((requirement) => requirement.needed)),
    enough: requirements.every((requirement) => requirement.satisfied),
    ...(existsSync(submittedFile)
      ? {
          submission: JSON.parse(readFileSync(submittedFile, 'utf8')) as ConfigUpdateSubmission,
        }
      : {}),
  };
}

/** An orderer to send updates to: its address and the CA its TLS certificate chains to. */
export interface OrdererTarget {
  readonly name: string;
  readonly address: string;
  readonly tlsCaFile: string;
}

/**
 * The channel's orderers, in the order to try them, each trusted through its organization's CA as
 * published in the exchange.
 */
export function ordererTargets(topology: Topology): OrdererTarget[] {
  return ordererNodes(topology).map((node) => ({
    name: node.name,
    address: endpoint(node),
    tlsCaFile: orgLayout(node.org).publicCaCert,
  }));
}

/**
 * Sends an envelope to an orderer's Broadcast service and answers its one response. A plain gRPC
 * client with its own (de)serializers, not fabric-protos' AtomicBroadcastClient: several copies of
 * fabric-protos share google-protobuf's global namespace in one process (fabric-gateway brings its
 * own), and the generated client's `instanceof` check then refuses an envelope of another copy.
 */
export async function broadcast(
  target: Readonly<{ address: string; tlsCa: Uint8Array }>,
  envelope: common.Envelope,
): Promise<orderer.BroadcastResponse> {
  const client = new grpc.Client(
    target.address,
    grpc.credentials.createSsl(Buffer.from(target.tlsCa)),
  );
  try {
    return await new Promise<orderer.BroadcastResponse>((resolve, reject) => {
      const call = client.makeBidiStreamRequest(
        '/orderer.AtomicBroadcast/Broadcast',
        (message: Uint8Array) => Buffer.from(message),
        (bytes: Buffer) => orderer.BroadcastResponse.deserializeBinary(bytes),
        new grpc.Metadata(),
        { deadline: Date.now() + 30_000 },
      );
      let answered = false;
      call.on('data', (response: orderer.BroadcastResponse) => {
        answered = true;
        resolve(response);
        call.end();
      });
      call.on('error', (error: Error) => {
        if (!answered) reject(error);
      });
      call.on('end', () => {
        if (!answered) reject(new Error(`${target.address} closed the stream without an answer`));
      });
      call.write(envelope.serializeBinary());
    });
  } finally {
    client.close();
  }
}

const STATUS_NAMES = new Map<number, string>(
  Object.entries(common.Status).map(([name, value]) => [value, name]),
);

/**
 * The code of an orderer's refusal: a signature policy not met, an update computed against an
 * older configuration, or another refusal.
 */
export function refusalCode(info: string): ConfigUpdateErrorCode {
  if (/not satisfied|signature set did not satisfy|policy.*requires/i.test(info))
    return 'POLICY_NOT_SATISFIED';
  if (/version|sequence|read set|readset|out of date/i.test(info)) return 'STALE_PROPOSAL';
  return 'UPDATE_REFUSED';
}

/**
 * Sends a signed CONFIG_UPDATE envelope to the channel's orderers (the next one when one is
 * unreachable or has no leader); throws a coded {@link ConfigUpdateError} on a refusal.
 */
export async function sendConfigUpdate(
  targets: readonly Readonly<{ name: string; address: string; tlsCa: Uint8Array }>[],
  envelope: common.Envelope,
): Promise<void> {
  const failures: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    for (const target of targets) {
      let response: orderer.BroadcastResponse;
      try {
        response = await broadcast(target, envelope);
      } catch (error) {
        failures.push(`${target.name}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const status = response.getStatus();
      if (status === common.Status.SUCCESS) return;
      const info = response.getInfo();
      if (status === common.Status.SERVICE_UNAVAILABLE) {
        failures.push(`${target.name}: ${info}`);
        continue;
      }
      throw new ConfigUpdateError(
        refusalCode(info),
        `the orderer refused the update (${STATUS_NAMES.get(status) ?? String(status)}): ${info}`,
      );
    }
    await sleep(1_000);
  }
  throw new ConfigUpdateError(
    'ORDERER_UNAVAILABLE',
    `no orderer took the update: ${failures.slice(-targets.length).join('; ')}`,
  );
}

/** Waits until every peer of the topology has configuration sequence `sequence` or later. */
export async function waitForConfigSequence(
  options: Readonly<{
    topology: Topology;
    org: Organization;
    sequence: number;
    timeoutMs?: number;
  }>,
): Promise<void> {
  const { topology } = options;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const pending = new Map(
    topology.organizations.flatMap((peerOrg) =>
      peerOrg.peers.map((peer) => [peerId(peerOrg, peer), { peerOrg, peer }] as const),
    ),
  );
  const seen = new Map<string, string>();
  while (pending.size > 0) {
    for (const [name, { peerOrg, peer }] of pending) {
      try {
        const { sequence } = await peerConfig({ topology, org: options.org, peerOrg, peer });
        if (sequence >= options.sequence) pending.delete(name);
        else seen.set(name, `sequence ${sequence}`);
      } catch (error) {
        seen.set(name, error instanceof Error ? error.message : String(error));
      }
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline)
      throw new ConfigUpdateError(
        'PEERS_BEHIND',
        `not every peer has configuration ${options.sequence}: ${[...pending.keys()]
          .map((name) => `${name} (${seen.get(name) ?? 'no answer'})`)
          .join(', ')}`,
      );
    await sleep(500);
  }
}

/** Options of {@link submitConfigUpdate}. */
export interface SubmitOptions {
  readonly install?: FabricInstall;
  readonly topology: Topology;
  readonly id: string;
  /**
   * The submitting organization (or its name or MSP ID), whose admin
   * signs the envelope (not counted as a signature of the update).
   */
  readonly org: Organization | string;
  /**
   * The organizations whose peers must have the new configuration before this returns (names);
   * every organization of `topology` by default. A removal waits only for the remaining members.
   */
  readonly waitFor?: readonly string[];
}

/**
 * Submits a proposal with every signature collected to an orderer, as `org`'s admin, and waits until
 * every peer has the new configuration. The orderer's refusal is a {@link ConfigUpdateError}:
 * `POLICY_NOT_SATISFIED` (too few signatures) with the orderer's message, `STALE_PROPOSAL` when the
 * configuration changed since the proposal, `UPDATE_REFUSED` otherwise.
 */
export async function submitConfigUpdate(options: SubmitOptions): Promise<ConfigUpdateSubmission> {
  const { topology, id } = options;
  const org = organization(topology, options.org);
  const proposal = readProposal(id);
  const submittedFile = path.join(proposalDir(id), 'submitted.json');
  if (existsSync(submittedFile))
    throw new ConfigUpdateError('ALREADY_SUBMITTED', `proposal ${id} is on the channel already`);
  const waitFor = options.waitFor ?? topology.organizations.map((each) => each.name);
  if (orgUser(org.name) !== undefined) {
    // The submitter signs the envelope: in its own workspace, as its own Unix user.
    await asOrganization(org, ['submit', id, '--as', org.name, '--wait-for', waitFor.join(',')]);
    return JSON.parse(readFileSync(submittedFile, 'utf8')) as ConfigUpdateSubmission;
  }
  const { valid } = readSignatures(id);
  const envelope = await signedConfigUpdateEnvelope({
    channel: proposal.channel,
    configUpdate: updateBytes(id),
    signatures: valid,
    submitter: adminOf(org),
    nonce: randomBytes(24),
    digest: sha256,
  });
  await sendConfigUpdate(
    ordererTargets(topology).map((target) => ({
      name: target.name,
      address: target.address,
      tlsCa: readFileSync(target.tlsCaFile),
    })),
    envelope,
  );
  const sequence = proposal.baseSequence + 1;
  await waitForConfigSequence({
    topology: {
      ...topology,
      organizations: topology.organizations.filter((each) => waitFor.includes(each.name)),
    },
    org,
    sequence,
  });
  const submission: ConfigUpdateSubmission = {
    submittedAt: new Date().toISOString(),
    submitter: org.mspId,
    sequence,
  };
  writeExchangeFile(submittedFile, `${JSON.stringify(submission, null, 2)}\n`);
  return submission;
}

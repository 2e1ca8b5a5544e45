import { X509Certificate } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import type { Gateway, Network } from '@hyperledger/fabric-gateway';
import { headerHash } from '../../verifier/src/block-hash.ts';
import type { Checkpoint, EvidenceBundle, HeaderJson, Subject } from '../../verifier/src/bundle.ts';
import type { Topology } from './topology.ts';

/**
 * Builds evidence bundles (docs/evidence-bundle.md) and checkpoints from a peer's ledger, through
 * qscc and cscc. Nothing here is trusted by the verifier: it only gathers bytes.
 */

/** Options of {@link buildEvidence}. */
export interface EvidenceOptions {
  readonly gateway: Gateway;
  readonly topology: Topology;
  readonly txId: string;
  readonly subject: Subject;
  /** Include the headers from the transaction's block up to this checkpoint's block. */
  readonly upTo?: Checkpoint;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function headerJson(block: common.Block): HeaderJson {
  const header = block.getHeader();
  if (header === undefined) throw new Error('a block without a header');
  return {
    number: String(header.getNumber()),
    previousHash: hex(header.getPreviousHash_asU8()),
    dataHash: hex(header.getDataHash_asU8()),
  };
}

async function blockByNumber(network: Network, number: bigint): Promise<common.Block> {
  const bytes = await network
    .getContract('qscc')
    .evaluateTransaction('GetBlockByNumber', network.getName(), number.toString());
  return common.Block.deserializeBinary(bytes);
}

/** The part of jspb.Map used here (google-protobuf's types are not installed). */
interface ProtoMap<V> {
  get(key: string): V | undefined;
  forEach(callback: (value: V, key: string) => void): void;
}

const protoMap = <V>(map: unknown): ProtoMap<V> => map as ProtoMap<V>;
const groupsOf = (group: common.ConfigGroup): ProtoMap<common.ConfigGroup> =>
  protoMap(group.getGroupsMap());
const valuesOf = (group: common.ConfigGroup): ProtoMap<common.ConfigValue> =>
  protoMap(group.getValuesMap());

/** Each application organization's root and intermediate CA certificates (PEM), from cscc. */
export async function mspCertificates(network: Network): Promise<EvidenceBundle['certificates']> {
  const bytes = await network
    .getContract('cscc')
    .evaluateTransaction('GetChannelConfig', network.getName());
  const root = common.Config.deserializeBinary(bytes).getChannelGroup();
  const application = root === undefined ? undefined : groupsOf(root).get('Application');
  if (application === undefined) throw new Error('the channel config has no Application group');
  const result: Record<string, EvidenceBundle['certificates'][string]> = {};
  const text = (pems: Uint8Array[]): string[] => pems.map((pem) => Buffer.from(pem).toString());
  groupsOf(application).forEach((group) => {
    const value = valuesOf(group).get('MSP');
    if (value === undefined) return;
    const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
    const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
    result[fabric.getName()] = {
      roots: text(fabric.getRootCertsList_asU8()),
      intermediates: text(fabric.getIntermediateCertsList_asU8()),
    };
  });
  return result;
}

/** Builds the evidence bundle of a committed transaction. */
export async function buildEvidence(options: Readonly<EvidenceOptions>): Promise<EvidenceBundle> {
  const network = options.gateway.getNetwork(options.topology.channel.name);
  const blockBytes = await network
    .getContract('qscc')
    .evaluateTransaction('GetBlockByTxID', network.getName(), options.txId);
  const block = common.Block.deserializeBinary(blockBytes);
  const data = block.getData()?.getDataList_asU8() ?? [];
  const envelope = data.find((entry) => {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(entry).getPayload_asU8(),
    );
    const channelHeader = payload.getHeader()?.getChannelHeader_asU8();
    return (
      channelHeader !== undefined &&
      common.ChannelHeader.deserializeBinary(channelHeader).getTxId() === options.txId
    );
  });
  if (envelope === undefined) throw new Error(`transaction ${options.txId} is not in its block`);
  const header = headerJson(block);
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const signatures = metadata[common.BlockMetadataIndex.SIGNATURES];
  const filter = metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
  const chain: HeaderJson[] = [];
  if (options.upTo !== undefined) {
    for (let n = BigInt(header.number) + 1n; n <= BigInt(options.upTo.number); n += 1n) {
      chain.push(headerJson(await blockByNumber(network, n)));
    }
  }
  return {
    version: 1,
    channel: network.getName(),
    chaincode: options.topology.chaincode.name,
    subject: options.subject,
    transaction: { txId: options.txId, envelope: base64(envelope) },
    block: {
      header,
      data: data.map(base64),
      ...(signatures === undefined ? {} : { metadataSignatures: base64(signatures) }),
      ...(filter === undefined ? {} : { transactionsFilter: base64(filter) }),
    },
    ...(options.upTo === undefined ? {} : { chain }),
    certificates: await mspCertificates(network),
    endorsementPolicy: {
      outOf: options.topology.chaincode.endorsement.outOf,
      orgs: options.topology.organizations.map((org) => org.mspId),
    },
  };
}

/**
 * Pins the channel's current block as a checkpoint: its number, its header hash (computed here
 * from the header, and cross-checked against the peer's chain info) and the root CAs' fingerprints.
 */
export async function pinCheckpoint(gateway: Gateway, topology: Topology): Promise<Checkpoint> {
  const network = gateway.getNetwork(topology.channel.name);
  const info = common.BlockchainInfo.deserializeBinary(
    await network.getContract('qscc').evaluateTransaction('GetChainInfo', network.getName()),
  );
  const number = BigInt(info.getHeight()) - 1n;
  const header = headerJson(await blockByNumber(network, number));
  const hash = headerHash({
    number,
    previousHash: Buffer.from(header.previousHash, 'hex'),
    dataHash: Buffer.from(header.dataHash, 'hex'),
  }).toString('hex');
  const reported = hex(info.getCurrentblockhash_asU8());
  if (reported !== '' && reported !== hash) {
    throw new Error(`block ${number} hashes to ${hash}, the peer reports ${reported}`);
  }
  const msps: Record<string, string[]> = {};
  for (const [mspId, authorities] of Object.entries(await mspCertificates(network))) {
    msps[mspId] = authorities.roots.map((pem) =>
      new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase(),
    );
  }
  return {
    version: 1,
    channel: network.getName(),
    number: number.toString(),
    headerHash: hash,
    msps,
  };
}

import { common, msp } from '@hyperledger/fabric-protos';
import {
  PRIVATE_SUBJECTS,
  type Checkpoint,
  type EvidenceBundle,
  type EvidenceBundleV2,
  type HeaderJson,
  type Subject,
} from './bundle.ts';
import { transactionIndex, type PrivateWrite } from './private-write.ts';

/**
 * Builds evidence bundles (docs/evidence-bundle.md) from a peer's ledger, through qscc and cscc.
 * The peer is reached only through the caller's `evaluate`: this module makes no network access
 * itself, and nothing it gathers is trusted by the verifier.
 */

/** Evaluates a transaction of a (system) chaincode on the channel and answers its result bytes. */
export type Evaluate = (chaincode: string, fn: string, args: string[]) => Promise<Uint8Array>;

/** Options of {@link buildBundle}. */
export interface BuildBundleOptions {
  readonly evaluate: Evaluate;
  readonly channel: string;
  /** Name of the chaincode the transaction invoked. */
  readonly chaincode: string;
  readonly txId: string;
  readonly subject: Subject;
  /** Any `outOf` distinct organizations; `orgs` defaults to the channel's application organizations. */
  readonly endorsementPolicy: { readonly outOf: number; readonly orgs?: readonly string[] };
  /** Include the headers from the transaction's block up to this checkpoint's block. */
  readonly upTo?: Checkpoint;
  /**
   * The subject's private write (required for an access event or a consent, refused for the
   * others): the caller takes it from the block's private data its own peer delivers
   * (privateWriteOf) after the chaincode has let the caller read the subject. The bundle
   * carries no other private value.
   */
  readonly privateWrite?: PrivateWrite;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A block's header as a bundle holds it. */
export function headerJson(block: common.Block): HeaderJson {
  const header = block.getHeader();
  if (header === undefined) throw new Error('a block without a header');
  return {
    number: String(header.getNumber()),
    previousHash: hex(header.getPreviousHash_asU8()),
    dataHash: hex(header.getDataHash_asU8()),
  };
}

/** A block by number, through qscc GetBlockByNumber. */
export async function blockByNumber(
  evaluate: Evaluate,
  channel: string,
  number: bigint,
): Promise<common.Block> {
  const bytes = await evaluate('qscc', 'GetBlockByNumber', [channel, number.toString()]);
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

/** An organization's CA certificates (PEM), by MSP ID. */
type CertificatesByMsp = EvidenceBundle['certificates'];

/** The organizations' CA certificates of a channel configuration, application and orderer. */
export interface ChannelCertificates {
  /** Each application organization's root and intermediate CA certificates. */
  readonly application: CertificatesByMsp;
  /** Each orderer organization's; undefined when the configuration has no Orderer group. */
  readonly orderer: CertificatesByMsp | undefined;
}

/** The root and intermediate CAs of each organization group (its `MSP` value) under `group`. */
function groupCertificates(group: common.ConfigGroup): CertificatesByMsp {
  const result: Record<string, CertificatesByMsp[string]> = {};
  const text = (pems: Uint8Array[]): string[] => pems.map((pem) => Buffer.from(pem).toString());
  groupsOf(group).forEach((org) => {
    const value = valuesOf(org).get('MSP');
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

/** The application and orderer organizations' CA certificates, from cscc GetChannelConfig. */
export async function channelCertificates(
  evaluate: Evaluate,
  channel: string,
): Promise<ChannelCertificates> {
  const bytes = await evaluate('cscc', 'GetChannelConfig', [channel]);
  const root = common.Config.deserializeBinary(bytes).getChannelGroup();
  const application = root === undefined ? undefined : groupsOf(root).get('Application');
  if (application === undefined) throw new Error('the channel config has no Application group');
  const orderer = root === undefined ? undefined : groupsOf(root).get('Orderer');
  return {
    application: groupCertificates(application),
    orderer: orderer === undefined ? undefined : groupCertificates(orderer),
  };
}

/** Each application organization's root and intermediate CA certificates (PEM), from cscc. */
export async function mspCertificates(
  evaluate: Evaluate,
  channel: string,
): Promise<CertificatesByMsp> {
  return (await channelCertificates(evaluate, channel)).application;
}

/** Builds the evidence bundle (version 2) of a committed transaction. */
export async function buildBundle(
  options: Readonly<BuildBundleOptions>,
): Promise<EvidenceBundleV2> {
  const { evaluate, channel, txId, privateWrite } = options;
  const isPrivate = PRIVATE_SUBJECTS.includes(options.subject.kind);
  if (isPrivate !== (privateWrite !== undefined)) {
    throw new Error(
      isPrivate
        ? `the subject (${options.subject.kind}) is private: its bundle needs the subject's private write`
        : `the subject (${options.subject.kind}) is public: its bundle carries no private write`,
    );
  }
  const blockBytes = await evaluate('qscc', 'GetBlockByTxID', [channel, txId]);
  const block = common.Block.deserializeBinary(blockBytes);
  const data = block.getData()?.getDataList_asU8() ?? [];
  const envelope = data[transactionIndex(block, txId)];
  if (envelope === undefined) throw new Error(`transaction ${txId} is not in its block`);
  const header = headerJson(block);
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const signatures = metadata[common.BlockMetadataIndex.SIGNATURES];
  const filter = metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
  const chain: HeaderJson[] = [];
  if (options.upTo !== undefined) {
    for (let n = BigInt(header.number) + 1n; n <= BigInt(options.upTo.number); n += 1n) {
      chain.push(headerJson(await blockByNumber(evaluate, channel, n)));
    }
  }
  const { application: certificates, orderer } = await channelCertificates(evaluate, channel);
  return {
    version: 2,
    channel,
    chaincode: options.chaincode,
    subject: options.subject,
    ...(privateWrite === undefined
      ? {}
      : {
          privateWrite: {
            collection: privateWrite.collection,
            key: privateWrite.key,
            value: base64(privateWrite.value),
          },
        }),
    transaction: { txId, envelope: base64(envelope) },
    block: {
      header,
      data: data.map(base64),
      ...(signatures === undefined ? {} : { metadataSignatures: base64(signatures) }),
      ...(filter === undefined ? {} : { transactionsFilter: base64(filter) }),
    },
    ...(options.upTo === undefined ? {} : { chain }),
    certificates,
    ...(orderer === undefined ? {} : { ordererCertificates: orderer }),
    endorsementPolicy: {
      outOf: options.endorsementPolicy.outOf,
      orgs: [...(options.endorsementPolicy.orgs ?? Object.keys(certificates).sort())],
    },
  };
}

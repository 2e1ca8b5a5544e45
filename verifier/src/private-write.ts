import { common, ledger, type peer } from '@hyperledger/fabric-protos';
import type { Subject } from './bundle.ts';

/**
 * The private write that proves a private subject (an access event, a consent version, a consent
 * request as a transaction left it): the collection, the exact state key and the exact stored
 * value its transaction wrote. The block holds only SHA-256 of the key and of the value; the value
 * itself is on the collection's members' peers, whose gateway puts it in the bundle.
 */
export interface PrivateWrite {
  readonly collection: string;
  readonly key: string;
  readonly value: Uint8Array;
}

/**
 * The fields a stored value must have to be the subject's: `eventId` for an access event,
 * `consentId` and `version` for a consent, `requestId` and `status` for a consent request; none
 * for the public subjects.
 */
export function subjectFields(subject: Subject): Record<string, unknown> {
  switch (subject.kind) {
    case 'access-event':
      return { eventId: subject.eventId };
    case 'consent':
      return { consentId: subject.consentId, version: subject.version };
    case 'consent-request':
      return { requestId: subject.requestId, status: subject.status };
    default:
      return {};
  }
}

/** The JSON object a stored value holds, or why it holds none. */
export function jsonObject(bytes: Uint8Array): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return 'the private value is not UTF-8 JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'the private value is not a JSON object';
  }
  return value as Record<string, unknown>;
}

/** Options of {@link privateWriteOf}. */
export interface PrivateWriteQuery {
  /**
   * The transaction's private read-write sets, as a peer delivers them to a member with the block
   * (fabric-gateway `getBlockAndPrivateDataEvents`: the block's `private_data_map` entry of the
   * transaction's index): only the collections the member's organization belongs to.
   */
  readonly privateData: ledger.rwset.TxPvtReadWriteSet;
  /** The chaincode whose namespace holds the subject. */
  readonly chaincode: string;
  readonly subject: Subject;
}

/**
 * The subject's private write in a transaction's private data: the first write of the chaincode's
 * namespace (collections in the order delivered) whose value is a JSON object naming the subject.
 * Undefined when the transaction wrote none in a collection the caller's organization holds.
 */
export function privateWriteOf(query: Readonly<PrivateWriteQuery>): PrivateWrite | undefined {
  const wanted = Object.entries(subjectFields(query.subject));
  if (wanted.length === 0) return undefined;
  for (const namespace of query.privateData.getNsPvtRwsetList()) {
    if (namespace.getNamespace() !== query.chaincode) continue;
    for (const collection of namespace.getCollectionPvtRwsetList()) {
      const rwset = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(collection.getRwset_asU8());
      for (const write of rwset.getWritesList()) {
        if (write.getIsDelete()) continue;
        const value = write.getValue_asU8();
        const fields = jsonObject(value);
        if (typeof fields === 'string') continue;
        if (wanted.every(([name, want]) => fields[name] === want)) {
          return { collection: collection.getCollectionName(), key: write.getKey(), value };
        }
      }
    }
  }
  return undefined;
}

/** The index of a transaction among a block's envelopes, or -1. */
export function transactionIndex(block: common.Block, txId: string): number {
  const data = block.getData()?.getDataList_asU8() ?? [];
  return data.findIndex((entry) => {
    const header = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(entry).getPayload_asU8(),
    ).getHeader();
    return (
      header !== undefined &&
      common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()).getTxId() === txId
    );
  });
}

/** The part of jspb.Map used here (google-protobuf's types are not installed). */
interface ProtoMap<K, V> {
  get(key: K): V | undefined;
}

/** Options of {@link privateWriteInBlock}. */
export interface BlockPrivateWriteQuery {
  /**
   * A block with its private data, as a peer delivers it to a member (fabric-gateway
   * `network.getBlockAndPrivateDataEvents({ startBlock })`, the first event).
   */
  readonly event: peer.BlockAndPrivateData;
  readonly txId: string;
  readonly chaincode: string;
  readonly subject: Subject;
}

/**
 * The subject's private write in the transaction `txId` of a delivered block with its private
 * data ({@link privateWriteOf} on the transaction's entry); undefined when the block does not hold
 * the transaction or the member's collections hold no value naming the subject.
 */
export function privateWriteInBlock(
  query: Readonly<BlockPrivateWriteQuery>,
): PrivateWrite | undefined {
  const block = query.event.getBlock();
  if (block === undefined) return undefined;
  const index = transactionIndex(block, query.txId);
  if (index < 0) return undefined;
  const privateData = (
    query.event.getPrivateDataMapMap() as unknown as ProtoMap<
      number,
      ledger.rwset.TxPvtReadWriteSet
    >
  ).get(index);
  if (privateData === undefined) return undefined;
  return privateWriteOf({ privateData, chaincode: query.chaincode, subject: query.subject });
}

import { common, ledger, peer } from '@hyperledger/fabric-protos';

/**
 * A block with the private data this organization's peer holds, decoded (what
 * `getBlockAndPrivateDataEvents` delivers): for each transaction of one chaincode, whether it is
 * valid, its chaincode event, and the private writes of the collections this organization is a
 * member of (decoded from `ledger.rwset.TxPvtReadWriteSet`, each collection's rwset a
 * `kvrwset.KVRWSet`). A transaction whose collections the organization is not a member of has no
 * private writes here: the block holds only their hashes.
 */

/** A write of a transaction into a private data collection. */
export interface PrivateWrite {
  readonly collection: string;
  /** The exact state key (a composite key: it contains U+0000). */
  readonly key: string;
  /** The exact stored value. */
  readonly value: Uint8Array;
  readonly isDelete: boolean;
}

/** A chaincode event as a transaction set it. */
export interface TransactionEvent {
  readonly name: string;
  readonly payload: Uint8Array;
}

/** One transaction of the chaincode in a block. */
export interface ChaincodeTransaction {
  /** Its position in the block (the key of its private data in the delivered map). */
  readonly index: number;
  readonly txId: string;
  /** Whether the peer validated it (the block's transactions filter says VALID). */
  readonly valid: boolean;
  readonly event?: TransactionEvent;
  readonly privateWrites: readonly PrivateWrite[];
}

/** A delivered block, decoded for one chaincode. */
export interface PrivateBlock {
  readonly number: bigint;
  readonly transactions: readonly ChaincodeTransaction[];
}

const VALID = peer.TxValidationCode.VALID;

/** The part of jspb.Map used here (google-protobuf's types are not installed). */
interface ProtoMap<K, V> {
  get(key: K): V | undefined;
}

/** The private writes one transaction made in the namespace `chaincode`. */
function privateWritesOf(
  set: ledger.rwset.TxPvtReadWriteSet | undefined,
  chaincode: string,
): PrivateWrite[] {
  if (set === undefined) return [];
  const writes: PrivateWrite[] = [];
  for (const namespace of set.getNsPvtRwsetList()) {
    if (namespace.getNamespace() !== chaincode) continue;
    for (const collection of namespace.getCollectionPvtRwsetList()) {
      const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(collection.getRwset_asU8());
      for (const write of kv.getWritesList())
        writes.push({
          collection: collection.getCollectionName(),
          key: write.getKey(),
          value: write.getValue_asU8(),
          isDelete: write.getIsDelete(),
        });
    }
  }
  return writes;
}

/** The transaction ID and the chaincode action of an envelope, if it invokes `chaincode`. */
function actionOf(
  envelopeBytes: Uint8Array,
  chaincode: string,
): { txId: string; event?: TransactionEvent } | undefined {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const headerBytes = payload.getHeader()?.getChannelHeader_asU8();
  if (headerBytes === undefined) return undefined;
  const header = common.ChannelHeader.deserializeBinary(headerBytes);
  if (header.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return undefined;
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  for (const action of transaction.getActionsList()) {
    const endorsed = peer.ChaincodeActionPayload.deserializeBinary(
      action.getPayload_asU8(),
    ).getAction();
    if (endorsed === undefined) continue;
    const response = peer.ProposalResponsePayload.deserializeBinary(
      endorsed.getProposalResponsePayload_asU8(),
    );
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
    if (chaincodeAction.getChaincodeId()?.getName() !== chaincode) continue;
    const eventBytes = chaincodeAction.getEvents_asU8();
    if (eventBytes.length === 0) return { txId: header.getTxId() };
    const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
    return {
      txId: header.getTxId(),
      event: { name: event.getEventName(), payload: event.getPayload_asU8() },
    };
  }
  return undefined;
}

/**
 * What `read` answers, or undefined when it throws: an envelope that cannot be decoded is no
 * transaction of the chaincode (the peer validated the block; a reader never stalls on it).
 */
function readable<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Decodes a delivered block for the chaincode `chaincode`. */
export function decodePrivateBlock(
  data: peer.BlockAndPrivateData,
  chaincode: string,
): PrivateBlock {
  const block = data.getBlock();
  const header = block?.getHeader();
  if (block === undefined || header === undefined) throw new Error('a delivered block is empty');
  const filter =
    block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ??
    new Uint8Array();
  const privateData = data.getPrivateDataMapMap() as unknown as ProtoMap<
    number,
    ledger.rwset.TxPvtReadWriteSet
  >;
  const transactions: ChaincodeTransaction[] = [];
  (block.getData()?.getDataList_asU8() ?? []).forEach((envelope, index) => {
    const action = readable(() => actionOf(envelope, chaincode));
    if (action === undefined) return;
    transactions.push({
      index,
      txId: action.txId,
      valid: filter[index] === VALID,
      ...(action.event === undefined ? {} : { event: action.event }),
      privateWrites: readable(() => privateWritesOf(privateData.get(index), chaincode)) ?? [],
    });
  });
  return { number: BigInt(header.getNumber()), transactions };
}

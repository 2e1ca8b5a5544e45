import { common, ledger, peer } from '@hyperledger/fabric-protos';

/** A private write of a test transaction: a JSON document, or raw bytes (an index entry's salt). */
export interface TestPrivateWrite {
  readonly collection: string;
  readonly key: string;
  readonly value: object | Uint8Array;
  readonly isDelete?: boolean;
}

/** One endorser transaction of a test block. */
export interface TestTransaction {
  readonly txId: string;
  /** The chaincode invoked (`consent-ledger` by default). */
  readonly chaincode?: string;
  readonly eventName?: string;
  /** The chaincode event's payload (`{}` by default, as for private data). */
  readonly eventPayload?: object;
  /** Whether the peer validated it (true by default). */
  readonly valid?: boolean;
  /** What the delivering peer's organization holds of its private writes. */
  readonly privateWrites?: readonly TestPrivateWrite[];
}

const encoder = new TextEncoder();
const bytesOf = (value: object | Uint8Array): Uint8Array =>
  value instanceof Uint8Array ? value : encoder.encode(JSON.stringify(value));

/** The part of jspb.Map used here (google-protobuf's types are not installed). */
interface ProtoMap<K, V> {
  set(key: K, value: V): unknown;
}

function envelopeOf(transaction: TestTransaction): Uint8Array {
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(transaction.chaincode ?? 'consent-ledger');
  const action = new peer.ChaincodeAction();
  action.setChaincodeId(chaincodeId);
  if (transaction.eventName !== undefined) {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(transaction.chaincode ?? 'consent-ledger');
    event.setTxId(transaction.txId);
    event.setEventName(transaction.eventName);
    event.setPayload(bytesOf(transaction.eventPayload ?? {}));
    action.setEvents(event.serializeBinary());
  }
  const response = new peer.ProposalResponsePayload();
  response.setExtension$(action.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(response.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsed);
  const transactionAction = new peer.TransactionAction();
  transactionAction.setPayload(actionPayload.serializeBinary());
  const body = new peer.Transaction();
  body.setActionsList([transactionAction]);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId('health');
  channelHeader.setTxId(transaction.txId);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(body.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

function privateDataOf(transaction: TestTransaction): ledger.rwset.TxPvtReadWriteSet {
  const byCollection = new Map<string, ledger.rwset.kvrwset.KVWrite[]>();
  for (const write of transaction.privateWrites ?? []) {
    const kv = new ledger.rwset.kvrwset.KVWrite();
    kv.setKey(write.key);
    kv.setValue(bytesOf(write.value));
    kv.setIsDelete(write.isDelete ?? false);
    byCollection.set(write.collection, [...(byCollection.get(write.collection) ?? []), kv]);
  }
  const namespace = new ledger.rwset.NsPvtReadWriteSet();
  namespace.setNamespace(transaction.chaincode ?? 'consent-ledger');
  namespace.setCollectionPvtRwsetList(
    [...byCollection].map(([name, writes]) => {
      const set = new ledger.rwset.kvrwset.KVRWSet();
      set.setWritesList(writes);
      const collection = new ledger.rwset.CollectionPvtReadWriteSet();
      collection.setCollectionName(name);
      collection.setRwset(set.serializeBinary());
      return collection;
    }),
  );
  const data = new ledger.rwset.TxPvtReadWriteSet();
  data.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  data.setNsPvtRwsetList([namespace]);
  return data;
}

/**
 * A block with the private data a peer delivers to a member (fabric-gateway
 * `getBlockAndPrivateDataEvents`), built with @hyperledger/fabric-protos: one endorser transaction
 * per entry, its validation code in the block's transactions filter, its chaincode event, and the
 * private writes of the member's collections keyed by the transaction's index.
 */
export function testBlock(
  number: number,
  transactions: readonly TestTransaction[],
): peer.BlockAndPrivateData {
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(new Uint8Array(32).fill(1));
  header.setDataHash(new Uint8Array(32).fill(2));
  const data = new common.BlockData();
  data.setDataList(transactions.map(envelopeOf));
  const filter = Uint8Array.from(transactions, (transaction) =>
    transaction.valid === false
      ? peer.TxValidationCode.MVCC_READ_CONFLICT
      : peer.TxValidationCode.VALID,
  );
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([new Uint8Array(), new Uint8Array(), filter, new Uint8Array()]);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  const delivered = new peer.BlockAndPrivateData();
  delivered.setBlock(block);
  const privateData = delivered.getPrivateDataMapMap() as unknown as ProtoMap<
    number,
    ledger.rwset.TxPvtReadWriteSet
  >;
  transactions.forEach((transaction, index) => {
    if ((transaction.privateWrites ?? []).length > 0)
      privateData.set(index, privateDataOf(transaction));
  });
  return delivered;
}

/** A composite key as Fabric builds it: `\u0000type\u0000attr1\u0000...`. */
export function compositeKey(type: string, ...attributes: readonly string[]): string {
  return `\u0000${[type, ...attributes].map((part) => `${part}\u0000`).join('')}`;
}

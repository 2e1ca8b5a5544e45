import { common, ledger, peer as peerProto } from '@hyperledger/fabric-protos';
import type { Network } from '@hyperledger/fabric-gateway';
import { LEDGER_EVENT_NAMES } from '@consent-ledger/ledger-api';
import { subjectsOf } from '@consent-ledger/gateway';
import { connectAdmin, topology } from '../../support/ledger.ts';

/**
 * The channel as one organization's peer delivers it with its private data
 * (`getBlockAndPrivateDataEvents`, as that organization's admin): for each transaction of the
 * chaincode, its chaincode event and the private writes of the collections the organization is a
 * member of. Decoded here independently of the gateway (which builds its live events from the same
 * delivery), so that the fault tests can check the gateway against the peer.
 */

/** A write of a transaction into a private data collection, as the peer delivered it. */
export interface DeliveredWrite {
  readonly collection: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly isDelete: boolean;
}

/** One transaction of the chaincode, as an organization's peer delivered it. */
export interface DeliveredTx {
  readonly txId: string;
  readonly blockNumber: bigint;
  readonly valid: boolean;
  /** The chaincode event's name ('' when the transaction set none). */
  readonly eventName: string;
  /** The chaincode event's payload as it is on the ledger (public events only carry one). */
  readonly eventPayload: Uint8Array;
  /** The private writes of the collections the organization holds (none: it holds nothing of it). */
  readonly writes: readonly DeliveredWrite[];
}

/** The part of jspb.Map used here (google-protobuf's types are not installed). */
interface ProtoMap<K, V> {
  get(key: K): V | undefined;
}

/** Events whose payload is public on the ledger (anchors, and purges by collection). */
const PUBLIC_EVENTS: ReadonlySet<string> = new Set([
  'RecordAnchored',
  'BatchAnchored',
  'DataPurged',
]);
const EVENT_NAMES: ReadonlySet<string> = new Set(LEDGER_EVENT_NAMES);
const decoder = new TextDecoder();

function writesOf(set: ledger.rwset.TxPvtReadWriteSet | undefined): DeliveredWrite[] {
  if (set === undefined) return [];
  return set.getNsPvtRwsetList().flatMap((namespace) =>
    namespace.getNamespace() !== topology.chaincode.name
      ? []
      : namespace.getCollectionPvtRwsetList().flatMap((collection) =>
          ledger.rwset.kvrwset.KVRWSet.deserializeBinary(collection.getRwset_asU8())
            .getWritesList()
            .map((write) => ({
              collection: collection.getCollectionName(),
              key: write.getKey(),
              value: write.getValue_asU8(),
              isDelete: write.getIsDelete(),
            })),
        ),
  );
}

function transactionOf(
  envelopeBytes: Uint8Array,
): { txId: string; eventName: string; eventPayload: Uint8Array } | undefined {
  const payload = common.Payload.deserializeBinary(
    common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
  );
  const header = common.ChannelHeader.deserializeBinary(
    payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
  );
  if (header.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return undefined;
  const transaction = peerProto.Transaction.deserializeBinary(payload.getData_asU8());
  for (const action of transaction.getActionsList()) {
    const responsePayload = peerProto.ChaincodeActionPayload.deserializeBinary(
      action.getPayload_asU8(),
    )
      .getAction()
      ?.getProposalResponsePayload_asU8();
    if (responsePayload === undefined) continue;
    const chaincodeAction = peerProto.ChaincodeAction.deserializeBinary(
      peerProto.ProposalResponsePayload.deserializeBinary(responsePayload).getExtension_asU8(),
    );
    if (chaincodeAction.getChaincodeId()?.getName() !== topology.chaincode.name) continue;
    const eventBytes = chaincodeAction.getEvents_asU8();
    const event =
      eventBytes.length === 0 ? undefined : peerProto.ChaincodeEvent.deserializeBinary(eventBytes);
    return {
      txId: header.getTxId(),
      eventName: event?.getEventName() ?? '',
      eventPayload: event?.getPayload_asU8() ?? new Uint8Array(),
    };
  }
  return undefined;
}

/** Reads blocks [from, to] with the private data an organization's peer holds, as its admin. */
export async function readPrivateView(
  orgName: string,
  from: bigint,
  to: bigint,
): Promise<DeliveredTx[]> {
  const connection = connectAdmin(orgName);
  const delivered: DeliveredTx[] = [];
  let blocks: Awaited<ReturnType<Network['getBlockAndPrivateDataEvents']>> | undefined;
  try {
    if (to < from) return delivered;
    blocks = await connection.gateway
      .getNetwork(topology.channel.name)
      .getBlockAndPrivateDataEvents({ startBlock: from });
    for await (const data of blocks) {
      const block = data.getBlock();
      const header = block?.getHeader();
      if (block === undefined || header === undefined)
        throw new Error(`${orgName}: a delivered block without a header`);
      const number = BigInt(header.getNumber());
      const filter =
        block.getMetadata()?.getMetadataList_asU8()[
          common.BlockMetadataIndex.TRANSACTIONS_FILTER
        ] ?? new Uint8Array();
      const privateData = data.getPrivateDataMapMap() as unknown as ProtoMap<
        number,
        ledger.rwset.TxPvtReadWriteSet
      >;
      (block.getData()?.getDataList_asU8() ?? []).forEach((envelope, index) => {
        const transaction = transactionOf(envelope);
        if (transaction === undefined) return;
        delivered.push({
          ...transaction,
          blockNumber: number,
          valid: filter[index] === peerProto.TxValidationCode.VALID,
          writes: writesOf(privateData.get(index)),
        });
      });
      if (number >= to) break;
    }
  } finally {
    blocks?.close();
    connection.close();
  }
  return delivered;
}

function isDocument(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The JSON documents among a transaction's private writes (index entries and salts are not). */
export function documentsOf(tx: DeliveredTx): Record<string, unknown>[] {
  return tx.writes.flatMap((write) => {
    if (write.isDelete) return [];
    try {
      const value: unknown = JSON.parse(decoder.decode(write.value));
      return isDocument(value) ? [value] : [];
    } catch {
      return [];
    }
  });
}

/** Whether the organization's peer holds what the transaction's event is about. */
export function holdsEventData(tx: DeliveredTx): boolean {
  return PUBLIC_EVENTS.has(tx.eventName) || tx.writes.length > 0;
}

/**
 * The organizations a transaction's event concerns (beside the regulator), by the gateway's rule
 * (`subjectsOf`) applied to what the peer holds: the public payload of an anchor or purge event,
 * else the documents the transaction wrote privately (an access event's accessor, a consent's
 * grantee, a referral's two hospitals).
 */
export function eventOrgs(tx: DeliveredTx): string[] {
  if (PUBLIC_EVENTS.has(tx.eventName)) {
    try {
      return subjectsOf(JSON.parse(decoder.decode(tx.eventPayload))).orgs;
    } catch {
      return [];
    }
  }
  return [...new Set(documentsOf(tx).flatMap((doc) => subjectsOf(doc).orgs))].sort();
}

/**
 * Whether a member of organization `mspId` (not the regulator, not a patient) sees the
 * transaction's event in its gateway's /events: a valid ledger event whose data the
 * organization's peer holds and that concerns the organization.
 */
export function visibleToOrg(tx: DeliveredTx, mspId: string): boolean {
  return (
    tx.valid && EVENT_NAMES.has(tx.eventName) && holdsEventData(tx) && eventOrgs(tx).includes(mspId)
  );
}

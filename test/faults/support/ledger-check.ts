import { common, peer as peerProto } from '@hyperledger/fabric-protos';
import type { Network } from '@hyperledger/fabric-gateway';
import { waitUntil } from '@consent-ledger/network';
import { dataHash, headerHash } from '@consent-ledger/verifier';
import { ledgerHeight } from '../../support/ledger.ts';
import { connectAdmin, topology } from '../../support/ledger.ts';
import type { CommittedTx } from './load-generator.ts';

/** A chaincode event as a block holds it (valid transactions only). */
export interface BlockEvent {
  readonly txId: string;
  readonly eventName: string;
  readonly blockNumber: bigint;
  /** The payload, parsed as JSON (undefined when it is not JSON). */
  readonly payload: unknown;
}

/** What one peer's ledger holds in the scanned range. */
export interface PeerLedger {
  readonly org: string;
  readonly height: bigint;
  /** Header hash (hex) by block number. */
  readonly hashes: Map<bigint, string>;
  /** Validation code by transaction ID. */
  readonly txs: Map<string, { code: number; blockNumber: bigint }>;
  readonly events: BlockEvent[];
  /** Blocks whose data hash or previous-hash link does not verify. */
  readonly broken: string[];
}

/** The outcome of {@link checkLedgers}. */
export interface LedgerCheck {
  readonly heights: Record<string, string>;
  readonly commonHeight: bigint;
  readonly fromBlock: bigint;
  readonly blocksCompared: number;
  /** Blocks whose header hash differs between peers. */
  readonly hashMismatches: string[];
  /** Blocks failing their own hash checks on some peer. */
  readonly broken: string[];
  /** Acknowledged transactions missing (or not VALID) on some peer: `org: txId`. */
  readonly lost: string[];
  readonly acknowledged: number;
  /** The chaincode events of valid transactions in the range (from the first peer). */
  readonly events: BlockEvent[];
  /** Of the transactions whose outcome the client did not learn: how many are VALID on the ledger. */
  readonly inDoubt: { readonly total: number; readonly committed: number };
}

const orgNames = (): string[] => topology.organizations.map((each) => each.name);

/** The channel height an organization's peer reports (qscc GetChainInfo). */
export function peerHeight(orgName: string): Promise<bigint> {
  return ledgerHeight(orgName);
}

/** Every peer's channel height, by organization (undefined for a peer that does not answer). */
export async function peerHeights(): Promise<Record<string, bigint | undefined>> {
  const entries = await Promise.all(
    orgNames().map(async (name) => [name, await peerHeight(name).catch(() => undefined)] as const),
  );
  return Object.fromEntries(entries);
}

/** Waits until every peer's height is at least `height`. */
export async function waitForPeersAt(height: bigint, timeoutMs = 120_000): Promise<void> {
  await waitUntil(
    async () =>
      Object.values(await peerHeights()).every((each) => each !== undefined && each >= height),
    { description: `every peer to reach height ${String(height)}`, timeoutMs, intervalMs: 1_000 },
  );
}

function chaincodeEvents(payload: common.Payload, blockNumber: bigint): BlockEvent[] {
  const transaction = peerProto.Transaction.deserializeBinary(payload.getData_asU8());
  return transaction.getActionsList().flatMap((action) => {
    const actionPayload = peerProto.ChaincodeActionPayload.deserializeBinary(
      action.getPayload_asU8(),
    );
    const responsePayload = actionPayload.getAction()?.getProposalResponsePayload_asU8();
    if (responsePayload === undefined) return [];
    const extension =
      peerProto.ProposalResponsePayload.deserializeBinary(responsePayload).getExtension_asU8();
    const eventBytes = peerProto.ChaincodeAction.deserializeBinary(extension).getEvents_asU8();
    if (eventBytes.length === 0) return [];
    const event = peerProto.ChaincodeEvent.deserializeBinary(eventBytes);
    if (event.getChaincodeId() !== topology.chaincode.name || event.getEventName() === '')
      return [];
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(event.getPayload_asU8()).toString('utf8'));
    } catch {
      payload = undefined;
    }
    return [{ txId: event.getTxId(), eventName: event.getEventName(), blockNumber, payload }];
  });
}

/** Reads blocks [from, to] from an organization's peer (deliver service) and checks each block. */
export async function readPeerLedger(
  orgName: string,
  from: bigint,
  to: bigint,
): Promise<PeerLedger> {
  const connection = connectAdmin(orgName);
  const ledger: PeerLedger = {
    org: orgName,
    height: to + 1n,
    hashes: new Map(),
    txs: new Map(),
    events: [],
    broken: [],
  };
  let blocks: Awaited<ReturnType<Network['getBlockEvents']>> | undefined;
  try {
    blocks = await connection.gateway
      .getNetwork(topology.channel.name)
      .getBlockEvents({ startBlock: from });
    let previous: string | undefined;
    for await (const block of blocks) {
      const header = block.getHeader();
      if (header === undefined) throw new Error(`${orgName}: a block without a header`);
      const number = BigInt(header.getNumber());
      const envelopes = block.getData()?.getDataList_asU8() ?? [];
      const hashHex = headerHash({
        number,
        previousHash: header.getPreviousHash_asU8(),
        dataHash: header.getDataHash_asU8(),
      }).toString('hex');
      if (
        dataHash(envelopes).toString('hex') !==
        Buffer.from(header.getDataHash_asU8()).toString('hex')
      )
        ledger.broken.push(`${orgName} block ${String(number)}: data hash`);
      if (
        previous !== undefined &&
        Buffer.from(header.getPreviousHash_asU8()).toString('hex') !== previous
      )
        ledger.broken.push(`${orgName} block ${String(number)}: previous hash`);
      previous = hashHex;
      ledger.hashes.set(number, hashHex);
      const codes =
        block.getMetadata()?.getMetadataList_asU8()[
          common.BlockMetadataIndex.TRANSACTIONS_FILTER
        ] ?? new Uint8Array();
      envelopes.forEach((bytes, index) => {
        const payload = common.Payload.deserializeBinary(
          common.Envelope.deserializeBinary(bytes).getPayload_asU8(),
        );
        const channelHeader = common.ChannelHeader.deserializeBinary(
          payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
        );
        const code = codes[index] ?? 255;
        ledger.txs.set(channelHeader.getTxId(), { code, blockNumber: number });
        if (
          code === peerProto.TxValidationCode.VALID &&
          channelHeader.getType() === common.HeaderType.ENDORSER_TRANSACTION
        )
          ledger.events.push(...chaincodeEvents(payload, number));
      });
      if (number >= to) break;
    }
  } finally {
    blocks?.close();
    connection.close();
  }
  return ledger;
}

/**
 * After a fault: waits until every peer holds the blocks of every acknowledged transaction, then
 * reads blocks `from` up to the common height on each of the five peers and checks that every
 * peer has the same header hashes (and verifies each block's data hash and previous-hash link,
 * so agreeing on the last block means agreeing on the whole chain), and that every acknowledged
 * transaction is on every peer, VALID, in the block its commit status named.
 */
export async function checkLedgers(
  committed: readonly CommittedTx[],
  from: bigint,
  inDoubt: readonly string[] = [],
): Promise<LedgerCheck> {
  const newest = committed.reduce((max, tx) => (tx.blockNumber > max ? tx.blockNumber : max), from);
  await waitForPeersAt(newest + 1n);
  const heights = await peerHeights();
  const commonHeight = Object.values(heights).reduce<bigint>(
    (min, each) => (each !== undefined && each < min ? each : min),
    BigInt(Number.MAX_SAFE_INTEGER),
  );
  const to = commonHeight - 1n;
  const ledgers = await Promise.all(orgNames().map((name) => readPeerLedger(name, from, to)));
  const hashMismatches: string[] = [];
  for (let number = from; number <= to; number += 1n) {
    const seen = new Set(ledgers.map((ledger) => ledger.hashes.get(number) ?? 'missing'));
    if (seen.size !== 1 || seen.has('missing')) hashMismatches.push(`block ${String(number)}`);
  }
  const lost: string[] = [];
  for (const ledger of ledgers) {
    for (const tx of committed) {
      const found = ledger.txs.get(tx.txId);
      if (found?.code !== peerProto.TxValidationCode.VALID || found.blockNumber !== tx.blockNumber)
        lost.push(`${ledger.org}: ${tx.txId}`);
    }
  }
  return {
    heights: Object.fromEntries(
      Object.entries(heights).map(([name, each]) => [name, String(each)]),
    ),
    commonHeight,
    fromBlock: from,
    blocksCompared: Number(to - from + 1n),
    hashMismatches,
    broken: ledgers.flatMap((ledger) => ledger.broken),
    lost,
    acknowledged: committed.length,
    events: ledgers[0]?.events ?? [],
    inDoubt: {
      total: inDoubt.length,
      committed: inDoubt.filter(
        (txId) => ledgers[0]?.txs.get(txId)?.code === peerProto.TxValidationCode.VALID,
      ).length,
    },
  };
}

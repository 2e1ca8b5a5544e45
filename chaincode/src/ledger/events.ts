import type { LedgerEvent, LedgerEventName } from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import { marshal } from './marshal';

/**
 * Chaincode events: one per transaction (Fabric keeps only the last setEvent of a transaction).
 * An event about private data carries its name and the payload `{}`, nothing else: the block is
 * read by every member (docs/privacy.md), and each gateway builds the payload it streams from the
 * private data its own peer received with the block. Only the public anchors (RecordAnchored,
 * BatchAnchored) and the regulator's purge counts carry their payload (ledger-api LedgerEvents),
 * as sorted-key JSON through marshal().
 */

/** The events whose payload is public (it names no patient and no content). */
export type PublicEventName = Extract<
  LedgerEventName,
  'RecordAnchored' | 'BatchAnchored' | 'DataPurged'
>;

/** The events about private data: announced by name only. */
export type PrivateEventName = Exclude<LedgerEventName, PublicEventName>;

/** Sets the transaction's event with its public payload. */
export function emitEvent<N extends PublicEventName>(
  stub: ChaincodeStub,
  event: LedgerEvent<N>,
): void {
  stub.setEvent(event.name, marshal(event.payload));
}

/** Sets the transaction's event about private data: its name, payload `{}`. */
export function announce(stub: ChaincodeStub, name: PrivateEventName): void {
  stub.setEvent(name, marshal({}));
}

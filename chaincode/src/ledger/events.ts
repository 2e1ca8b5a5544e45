import type { LedgerEvent, LedgerEventName } from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import { marshal } from './marshal';

/**
 * Sets the transaction's chaincode event: one per transaction (Fabric keeps only the last setEvent
 * of a transaction), its payload sorted-key JSON through marshal(), coded values only. The events
 * and their payloads are ledger-api's LedgerEvents.
 */
export function emitEvent<N extends LedgerEventName>(
  stub: ChaincodeStub,
  event: LedgerEvent<N>,
): void {
  stub.setEvent(event.name, marshal(event.payload));
}

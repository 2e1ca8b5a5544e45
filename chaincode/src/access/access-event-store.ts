import type { AccessEvent } from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import type { StatisticsEntry } from '../audit/statistics';
import { finestCode } from '../ledger/region';
import { deleteIndex, readDocument, writeDocument, writeIndex } from '../ledger/state';
import { dayOf } from '../ledger/time';

/** Access event state (keys.ts: `evt` and its indexes `evt~pat`, `evt~org`, `evt~time`, ...). */

/** An access event, if it exists. */
export async function readAccessEvent(
  stub: ChaincodeStub,
  eventId: string,
): Promise<AccessEvent | undefined> {
  return readDocument(stub, ['event', eventId]);
}

/** The compact statistics value of an event (the `evt~time` index value). */
export function statisticsEntry(event: AccessEvent): StatisticsEntry {
  return {
    p: event.purpose,
    c: event.categories,
    d: event.decision,
    r: finestCode(event.accessorRegion),
    b: event.breakGlass ? 1 : 0,
  };
}

/** Writes a new access event and all its indexes. */
export async function writeAccessEvent(stub: ChaincodeStub, event: AccessEvent): Promise<void> {
  const { eventId, timestamp } = event;
  await writeDocument(stub, { key: ['event', eventId], value: event });
  await writeIndex(stub, ['eventByPatient', event.patientId, timestamp, eventId]);
  await writeIndex(stub, ['eventByOrg', event.accessor.org, timestamp, eventId]);
  await writeDocument(stub, {
    key: ['eventByTime', dayOf(timestamp), timestamp, eventId],
    value: statisticsEntry(event),
  });
  await writeIndex(stub, ['eventByDecision', event.decision, timestamp, eventId]);
  if (event.breakGlass) {
    await writeIndex(stub, ['eventBreakGlass', timestamp, eventId]);
    await writeIndex(stub, ['eventPendingReview', timestamp, eventId]);
  }
}

/** Rewrites a reviewed break-glass event and takes it off the pending review queue. */
export async function writeReviewedEvent(stub: ChaincodeStub, event: AccessEvent): Promise<void> {
  await writeDocument(stub, { key: ['event', event.eventId], value: event });
  await deleteIndex(stub, ['eventPendingReview', event.timestamp, event.eventId]);
}

import type { AccessEvent, Decision } from '@consent-ledger/ledger-api';
import { emitEvent } from '../ledger/events';
import type { LedgerContext } from '../ledger/ledger-context';
import { accessorOf } from './access-evaluation';
import { writeAccessEvent } from './access-event-store';

/**
 * Access events as the access and cohort contracts record them: one per decision, whatever the
 * decision, built from the caller, the transaction and the decision.
 */

/** What an access event records beyond the caller and the transaction. */
export interface AccessEventDraft extends Pick<
  AccessEvent,
  | 'eventId'
  | 'patientId'
  | 'purpose'
  | 'categories'
  | 'recordIds'
  | 'dataFrom'
  | 'dataUntil'
  | 'emergency'
  | 'cohort'
> {
  readonly decision: Decision;
}

/** Builds and writes an access event (no chaincode event: a cohort announces itself once). */
export async function storeAccessEvent(
  ctx: LedgerContext,
  draft: Readonly<AccessEventDraft>,
): Promise<AccessEvent> {
  const caller = ctx.member;
  const event: AccessEvent = {
    eventId: draft.eventId,
    patientId: draft.patientId,
    accessor: { ...accessorOf(caller), idHash: caller.idHash },
    accessorRegion: caller.organization.region,
    purpose: draft.purpose,
    categories: [...draft.categories],
    recordIds: [...draft.recordIds],
    ...(draft.dataFrom === undefined ? {} : { dataFrom: draft.dataFrom }),
    ...(draft.dataUntil === undefined ? {} : { dataUntil: draft.dataUntil }),
    decision: draft.decision.decision,
    reason: draft.decision.reason,
    consentIds: draft.decision.consentIds,
    breakGlass: draft.emergency !== undefined,
    ...(draft.emergency === undefined ? {} : { emergency: draft.emergency }),
    ...(draft.cohort === undefined ? {} : { cohort: draft.cohort }),
    timestamp: ctx.txTime,
    txId: ctx.txId,
  };
  await writeAccessEvent(ctx.stub, event);
  return event;
}

/** Writes an access event and announces it (chaincode event AccessRecorded). */
export async function recordAccessEvent(
  ctx: LedgerContext,
  draft: Readonly<AccessEventDraft>,
): Promise<AccessEvent> {
  const event = await storeAccessEvent(ctx, draft);
  emitEvent(ctx.stub, {
    name: 'AccessRecorded',
    payload: {
      eventId: event.eventId,
      patientId: event.patientId,
      accessorOrg: event.accessor.org,
      purpose: event.purpose,
      categories: event.categories,
      decision: event.decision,
      reason: event.reason,
      breakGlass: event.breakGlass,
      timestamp: event.timestamp,
    },
  });
  return event;
}

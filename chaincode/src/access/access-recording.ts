import { labelsOfRequest, type AccessEvent, type Decision } from '@consent-ledger/ledger-api';
import { announce } from '../ledger/events';
import type { LedgerContext } from '../ledger/ledger-context';
import { accessorOf, decisionCollection } from './access-evaluation';
import { writeAccessEvent } from './access-event-store';

/**
 * Access events as the access and cohort contracts record them: one per decision, whatever the
 * decision, built from the caller, the transaction and the decision, and written to the
 * collection of the patient's home and the accessor's organization (the patient's history, the
 * accessor's own record, the regulator's audit).
 */

/** What an access event records beyond the caller and the transaction. */
export interface AccessEventDraft extends Pick<
  AccessEvent,
  | 'eventId'
  | 'patientId'
  | 'patientHome'
  | 'purpose'
  | 'categories'
  | 'labels'
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
  const accessor = accessorOf(caller);
  const event: AccessEvent = {
    eventId: draft.eventId,
    patientId: draft.patientId,
    patientHome: draft.patientHome,
    accessor: { ...accessor, idHash: caller.idHash },
    accessorRegion: caller.organization.region,
    purpose: draft.purpose,
    categories: [...draft.categories],
    ...labelsOf(draft),
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
    salt: ctx.salt,
  };
  const collection = decisionCollection({ home: draft.patientHome, accessor });
  await writeAccessEvent(ctx, { collection, event });
  return event;
}

/** Writes an access event and announces it (chaincode event AccessRecorded, by name only). */
export async function recordAccessEvent(
  ctx: LedgerContext,
  draft: Readonly<AccessEventDraft>,
): Promise<AccessEvent> {
  const event = await storeAccessEvent(ctx, draft);
  announce(ctx.stub, 'AccessRecorded');
  return event;
}

/** The event's sensitivity labels: its categories' own and those declared; none: absent. */
function labelsOf(draft: Readonly<AccessEventDraft>): Pick<AccessEvent, 'labels'> {
  const labels = labelsOfRequest(draft.categories, draft.labels);
  return labels.length === 0 ? {} : { labels };
}

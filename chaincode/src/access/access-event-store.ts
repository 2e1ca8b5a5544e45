import type { AccessEvent } from '@consent-ledger/ledger-api';
import type { StatisticsEntry } from '../audit/statistics';
import type { RequestContext } from '../ledger/ledger-context';
import { finestCode } from '../ledger/region';
import { inCollection, stateIn } from '../ledger/state';
import { dayOf, descendingTime } from '../ledger/time';

/**
 * Access event state (keys.ts: `evt` and its indexes `evt~pat`, `evt~org`, `evt~time`, ...), kept
 * in the collection of the patient's home and the accessor's organization.
 */

/** An access event of a collection, if it exists there. */
export async function readAccessEvent(
  ctx: RequestContext,
  where: { readonly collection: string; readonly eventId: string },
): Promise<AccessEvent | undefined> {
  return stateIn(ctx, inCollection(where.collection)).read(['event', where.eventId]);
}

/** The compact statistics value of an event (the `evt~time` index value), salted. */
export function statisticsEntry(event: AccessEvent): StatisticsEntry {
  return {
    p: event.purpose,
    c: event.categories,
    d: event.decision,
    r: finestCode(event.accessorRegion),
    b: event.breakGlass ? 1 : 0,
    s: event.salt,
  };
}

/** Writes a new access event and all its indexes into a collection. */
export async function writeAccessEvent(
  ctx: RequestContext,
  where: { readonly collection: string; readonly event: AccessEvent },
): Promise<void> {
  const { event } = where;
  const { eventId, timestamp } = event;
  const newest = descendingTime(timestamp);
  const state = stateIn(ctx, inCollection(where.collection));
  await state.write({ key: ['event', eventId], value: event });
  await state.index(['eventByPatient', event.patientId, newest, eventId]);
  await state.index(['eventByOrg', event.accessor.org, newest, eventId]);
  await state.index(['eventNewest', newest, eventId]);
  await state.write({
    key: ['eventByTime', dayOf(timestamp), timestamp, eventId],
    value: statisticsEntry(event),
  });
  await state.index(['eventByDecision', event.decision, newest, eventId]);
  if (event.breakGlass) {
    await state.index(['eventBreakGlass', newest, eventId]);
    await state.index(['eventPendingReview', timestamp, eventId]);
  }
}

/** Rewrites a reviewed break-glass event and takes it off the pending review queue. */
export async function writeReviewedEvent(
  ctx: RequestContext,
  where: { readonly collection: string; readonly event: AccessEvent },
): Promise<void> {
  const { event } = where;
  const state = stateIn(ctx, inCollection(where.collection));
  await state.write({ key: ['event', event.eventId], value: event });
  await state.delete(['eventPendingReview', event.timestamp, event.eventId]);
}

/** Purges an access event and every index entry of it from a collection. */
export async function purgeAccessEvent(
  ctx: RequestContext,
  where: { readonly collection: string; readonly event: AccessEvent },
): Promise<void> {
  const { event } = where;
  const { eventId, timestamp } = event;
  const newest = descendingTime(timestamp);
  const state = stateIn(ctx, inCollection(where.collection));
  await state.purge(['event', eventId]);
  await state.purge(['eventByPatient', event.patientId, newest, eventId]);
  await state.purge(['eventByOrg', event.accessor.org, newest, eventId]);
  await state.purge(['eventNewest', newest, eventId]);
  await state.purge(['eventByTime', dayOf(timestamp), timestamp, eventId]);
  await state.purge(['eventByDecision', event.decision, newest, eventId]);
  if (event.breakGlass) {
    await state.purge(['eventBreakGlass', newest, eventId]);
    // A reviewed event left the review queue (its entry deleted): only a pending one is there.
    if (event.emergency?.review.status !== 'reviewed') {
      await state.purge(['eventPendingReview', timestamp, eventId]);
    }
  }
}

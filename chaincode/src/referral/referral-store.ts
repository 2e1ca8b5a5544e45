import type { Referral } from '@consent-ledger/ledger-api';
import { changeIdSet, readIdSet, type IdSetChange } from '../ledger/id-set';
import type { RequestContext } from '../ledger/ledger-context';
import { inCollection, stateIn } from '../ledger/state';

/**
 * Referral state (keys.ts: `ref`, `ref~pat`, `ref~end`, `ref~set`), kept in the collection of the
 * two hospitals (one of them the patient's home) and the regulator. Decisions find a patient's open
 * referrals to an organization through their set document (`ref~set`).
 */

/** When a referral ends: its closing, else its validUntil. */
export function referralEnd(referral: Referral): string {
  return referral.closedAt ?? referral.validUntil;
}

/** A referral of a collection, if it exists there. */
export async function readReferral(
  ctx: RequestContext,
  where: { readonly collection: string; readonly referralId: string },
): Promise<Referral | undefined> {
  return stateIn(ctx, inCollection(where.collection)).read(['referral', where.referralId]);
}

/**
 * A patient's open referrals to an organization in a collection, as its set document names them
 * (keys.ts `ref~set`), each read by its key: nothing is range-queried.
 */
export async function referralsTo(
  ctx: RequestContext,
  route: { readonly collection: string; readonly patientId: string; readonly toOrg: string },
): Promise<Referral[]> {
  const referrals: Referral[] = [];
  for (const referralId of await readIdSet(ctx, {
    type: 'referralSet',
    collection: route.collection,
    patientId: route.patientId,
    org: route.toOrg,
  })) {
    const referral = await readReferral(ctx, { collection: route.collection, referralId });
    if (referral !== undefined) referrals.push(referral);
  }
  return referrals;
}

/** The change of the set document naming a referral: added while open, removed once not. */
export function referralSetChange(
  where: { readonly collection: string; readonly referral: Referral },
  change: 'add' | 'remove',
): IdSetChange {
  const { referral } = where;
  const ids = [referral.referralId];
  return {
    type: 'referralSet',
    collection: where.collection,
    patientId: referral.patientId,
    org: referral.toOrg,
    ...(change === 'add' ? { add: ids } : { remove: ids }),
  };
}

/** Writes a referral (new or closed), its indexes, and moves its end when it changes. */
export async function writeReferral(
  ctx: RequestContext,
  where: { readonly collection: string; readonly referral: Referral; readonly previous?: Referral },
): Promise<void> {
  const { referral, previous } = where;
  const state = stateIn(ctx, inCollection(where.collection));
  await state.write({ key: ['referral', referral.referralId], value: referral });
  if (previous === undefined) {
    await state.index([
      'referralByPatient',
      referral.patientId,
      referral.toOrg,
      referral.referralId,
    ]);
  }
  const end = referralEnd(referral);
  const previousEnd = previous === undefined ? undefined : referralEnd(previous);
  if (end !== previousEnd) {
    if (previousEnd !== undefined) {
      await state.delete(['referralByEnd', previousEnd, referral.referralId]);
    }
    await state.index(['referralByEnd', end, referral.referralId]);
  }
  const open = referral.status === 'open';
  if (open !== (previous?.status === 'open')) {
    await changeIdSet(ctx, referralSetChange(where, open ? 'add' : 'remove'));
  }
}

/** Purges a referral and its index entries from a collection (its set is the caller's to change). */
export async function purgeReferral(
  ctx: RequestContext,
  where: { readonly collection: string; readonly referral: Referral },
): Promise<void> {
  const { referral } = where;
  const state = stateIn(ctx, inCollection(where.collection));
  await state.purge(['referral', referral.referralId]);
  await state.purge(['referralByPatient', referral.patientId, referral.toOrg, referral.referralId]);
  await state.purge(['referralByEnd', referralEnd(referral), referral.referralId]);
}

/** A referral as reads report it (status `expired` once validUntil has passed while open). */
export function presentReferral(referral: Referral, now: string): Referral {
  return referral.status === 'open' && referral.validUntil <= now
    ? { ...referral, status: 'expired' }
    : referral;
}

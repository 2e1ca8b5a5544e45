import type { Referral } from '@consent-ledger/ledger-api';
import type { RequestContext } from '../ledger/ledger-context';
import { inCollection, stateIn } from '../ledger/state';

/**
 * Referral state (keys.ts: `ref`, `ref~pat`, `ref~end`), kept in the collection of the two
 * hospitals (one of them the patient's home) and the regulator.
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

/** A patient's referrals to an organization in a collection, in referral ID order. */
export async function referralsTo(
  ctx: RequestContext,
  route: { readonly collection: string; readonly patientId: string; readonly toOrg: string },
): Promise<Referral[]> {
  const referrals: Referral[] = [];
  for await (const entry of stateIn(ctx, inCollection(route.collection)).entries({
    path: ['referralByPatient', route.patientId, route.toOrg],
  })) {
    const referralId = entry.attributes[2];
    if (referralId === undefined) continue;
    const referral = await readReferral(ctx, { collection: route.collection, referralId });
    if (referral !== undefined) referrals.push(referral);
  }
  return referrals;
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
}

/** Purges a referral and its index entries from a collection. */
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

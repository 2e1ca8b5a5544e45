import type { Referral } from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import { entriesUnder, readDocument, writeDocument, writeIndex } from '../ledger/state';

/** Referral state (keys.ts: `ref`, `ref~pat`). */

/** A referral, if it exists. */
export async function readReferral(
  stub: ChaincodeStub,
  referralId: string,
): Promise<Referral | undefined> {
  return readDocument(stub, ['referral', referralId]);
}

/** A patient's referrals to an organization, in referral ID order. */
export async function referralsTo(
  stub: ChaincodeStub,
  route: { readonly patientId: string; readonly toOrg: string },
): Promise<Referral[]> {
  const referrals: Referral[] = [];
  for await (const entry of entriesUnder(stub, [
    'referralByPatient',
    route.patientId,
    route.toOrg,
  ])) {
    const referralId = entry.attributes[2];
    if (referralId === undefined) continue;
    const referral = await readReferral(stub, referralId);
    if (referral !== undefined) referrals.push(referral);
  }
  return referrals;
}

/** Writes a referral. */
export async function writeReferral(stub: ChaincodeStub, referral: Referral): Promise<void> {
  await writeDocument(stub, { key: ['referral', referral.referralId], value: referral });
}

/** Indexes a new referral under its patient and receiving organization. */
export async function indexReferral(stub: ChaincodeStub, referral: Referral): Promise<void> {
  await writeIndex(stub, [
    'referralByPatient',
    referral.patientId,
    referral.toOrg,
    referral.referralId,
  ]);
}

/** A referral as reads report it (status `expired` once validUntil has passed while open). */
export function presentReferral(referral: Referral, now: string): Referral {
  return referral.status === 'open' && referral.validUntil <= now
    ? { ...referral, status: 'expired' }
    : referral;
}

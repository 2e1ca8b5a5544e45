import { PURPOSES, type Accessor, type Decision } from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import {
  evaluateConsents,
  evaluateEmergency,
  type AccessQuestion,
} from '../consent/consent-evaluation';
import { patientConsents } from '../consent/consent-store';
import type { Member } from '../ledger/ledger-context';
import { referralsTo } from '../referral/referral-store';

/**
 * Every decision of the ledger about a patient's data, read from the ledger here and evaluated by
 * the one pure rule set (consent-evaluation.ts): access and its check, break-glass, each patient
 * of a cohort, and the wearable records an enterprise anchors.
 */

/** A question about one patient. */
export interface PatientQuestion extends AccessQuestion {
  readonly patientId: string;
}

/** Who asks, as evaluation and access events see the caller: organization, role, practitioner. */
export function accessorOf(caller: Member): Omit<Accessor, 'idHash'> {
  return {
    org: caller.mspId,
    role: caller.role,
    ...(caller.practitionerId === undefined ? {} : { practitionerId: caller.practitionerId }),
  };
}

/** Loads what a decision needs from the ledger and evaluates the patient's consents. */
export async function decideAccess(
  stub: ChaincodeStub,
  question: Readonly<PatientQuestion>,
): Promise<Decision> {
  const consents = await patientConsents(stub, question.patientId);
  const referrals =
    question.purpose === 'referral'
      ? await referralsTo(stub, { patientId: question.patientId, toOrg: question.accessor.org })
      : [];
  return evaluateConsents({ ...question, consents, referrals });
}

/** Loads the patient's consents and decides a break-glass access. */
export async function decideEmergency(
  stub: ChaincodeStub,
  question: Readonly<Omit<PatientQuestion, 'purpose'>>,
): Promise<Decision> {
  const consents = await patientConsents(stub, question.patientId);
  return evaluateEmergency({ ...question, consents });
}

/**
 * Whether the patient's consents permit the accessor the categories for at least one purpose (what
 * an enterprise needs to anchor a patient's wearable data): the consents are read once and
 * evaluated purpose by purpose, in vocabulary order. On consents alone: no referral is read, so
 * purpose `referral` never permits here.
 */
export async function permitsSomePurpose(
  stub: ChaincodeStub,
  question: Readonly<Omit<PatientQuestion, 'purpose'>>,
): Promise<boolean> {
  const consents = await patientConsents(stub, question.patientId);
  return PURPOSES.some(
    (purpose) => evaluateConsents({ ...question, purpose, consents }).decision === 'permit',
  );
}

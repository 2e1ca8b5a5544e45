import type { ChaincodeStub } from 'fabric-shim-api';
import {
  evaluateConsents,
  evaluateEmergency,
  type AccessQuestion,
} from '../consent/consent-evaluation';
import { patientConsents } from '../consent/consent-store';
import type { Decision } from '../consent/consent.model';
import { referralsTo } from './referral-store';

/** A question about one patient. */
export interface PatientQuestion extends AccessQuestion {
  readonly patientId: string;
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

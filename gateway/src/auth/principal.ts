import type { IdentityView } from '@consent-ledger/ledger-api';
import { ForbiddenError } from '../common/errors.js';
import { SERVICE_IDENTITY } from '../ledger/wallet.js';

/**
 * The logged-in user a request acts for: the user as the API shows it, and its wallet label.
 * Staff act with their own certificate. Patients, and guardians acting for a patient, have none
 * (their keys stay on their devices, docs/patient-keys.md): their session is `role: 'patient'`
 * with the patient's pseudonym (and the guardian's ID), and no wallet label.
 */
export interface Principal extends Omit<IdentityView, 'enrollmentId' | 'createdAt'> {
  /** Wallet label of the user's own ledger identity; absent for patients' sessions. */
  readonly walletLabel?: string;
  /** The sign-in session of the request's access token (absent for in-process callers). */
  readonly session?: PrincipalSession;
}

/** The sign-in session a request's access token belongs to. */
export interface PrincipalSession {
  /** The session's ID (the token's `sid`). */
  readonly id: string;
  /** When the access token expires, in milliseconds since the epoch. */
  readonly tokenExpiresAt: number;
}

/** A patient's session, or a guardian's acting for the patient. */
export interface PatientSession extends Principal {
  readonly role: 'patient';
  readonly patientId: string;
}

/** Whether the principal is a patient's (or a guardian's) session. */
export function isPatientSession(caller: Principal): caller is PatientSession {
  return caller.role === 'patient' && caller.patientId !== undefined;
}

/**
 * The ledger identity a principal's calls are made as: the user's own certificate, or, for a
 * patient's session, the gateway's service identity, an admin of the patient's home organization
 * which the chaincode lets read every patient of its own. The services keep such a session to
 * the patient's own data ({@link assertOwnPatient}); writes for a patient are signed statements.
 */
export function ledgerIdentity(caller: Principal): string {
  if (caller.walletLabel !== undefined) return caller.walletLabel;
  if (isPatientSession(caller)) return SERVICE_IDENTITY;
  throw new ForbiddenError(`${caller.username} has no ledger identity`);
}

/** Refuses (FORBIDDEN) a patient's session that reaches for another patient's data. */
export function assertOwnPatient(caller: Principal, patientId: string | undefined): void {
  if (isPatientSession(caller) && patientId !== caller.patientId)
    throw new ForbiddenError('a patient sees only their own data');
}

/** The principal as a patient's session; FORBIDDEN for anyone else. */
export function patientSessionOf(caller: Principal): PatientSession {
  if (!isPatientSession(caller)) throw new ForbiddenError("a patient's or guardian's session only");
  return caller;
}

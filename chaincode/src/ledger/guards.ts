import { GOVERNMENT_MSP, ledgerError } from '@consent-ledger/ledger-api';
import type { Caller } from './ledger-context';

/**
 * Transaction-level ownership and scoping checks, shared by every contract (the role matrix is
 * ledger-api's AUTHORIZATION_MATRIX). Patients see only what is about them; the GovMSP regulator
 * sees everything; everyone else sees what concerns their own organization.
 */

/** How much of the ledger a caller's reads may cover. */
export type ReadScope =
  | { readonly kind: 'patient'; readonly patientId: string }
  | { readonly kind: 'regulator' }
  | { readonly kind: 'organization'; readonly mspId: string };

/** Whether the caller is the GovMSP regulator. */
export function isRegulator(caller: Caller): boolean {
  return caller.mspId === GOVERNMENT_MSP && caller.role === 'regulator';
}

/** The caller's read scope. */
export function readScope(caller: Caller): ReadScope {
  if (caller.role === 'patient' && caller.patientId !== undefined) {
    return { kind: 'patient', patientId: caller.patientId };
  }
  if (isRegulator(caller)) return { kind: 'regulator' };
  return { kind: 'organization', mspId: caller.mspId };
}

/** What a guard protects: the patient it is about, its organizations, and its name for errors. */
export interface GuardedSubject {
  readonly patientId: string;
  /** The organizations it concerns (grantee, accessor, referral hospitals...). */
  readonly orgs?: readonly string[];
  /** How refusals name it (`consent con-...`). */
  readonly what: string;
}

/** Refuses a patient acting on another patient's data (other roles pass). */
export function requireOwnPatient(caller: Caller, subject: GuardedSubject): void {
  if (caller.role === 'patient' && caller.patientId !== subject.patientId) {
    throw ledgerError('FORBIDDEN', `${subject.what} is about another patient`);
  }
}

/** Refuses anyone but the patient themself. */
export function requirePatientSelf(caller: Caller, subject: GuardedSubject): void {
  if (caller.role !== 'patient' || caller.patientId !== subject.patientId) {
    throw ledgerError('FORBIDDEN', `only its patient may change ${subject.what}`);
  }
}

/**
 * Refuses a read unless the caller is the patient it is about, the regulator, or (not being a
 * patient) a member of one of the organizations it concerns.
 */
export function requireReader(caller: Caller, subject: GuardedSubject): void {
  const scope = readScope(caller);
  const allowed =
    scope.kind === 'regulator' ||
    (scope.kind === 'patient' && scope.patientId === subject.patientId) ||
    (scope.kind === 'organization' && (subject.orgs ?? []).includes(scope.mspId));
  if (!allowed) throw ledgerError('FORBIDDEN', `${subject.what} is not visible to ${caller.mspId}`);
}

/**
 * The patient filter of a query: a patient's own ID is forced (asking for another is FORBIDDEN);
 * for others the requested one, if any.
 */
export function scopedPatient(caller: Caller, requested: string | undefined): string | undefined {
  const scope = readScope(caller);
  if (scope.kind !== 'patient') return requested;
  if (requested !== undefined && requested !== scope.patientId) {
    throw ledgerError('FORBIDDEN', 'patients may only query their own data');
  }
  return scope.patientId;
}

/**
 * The organization filter of a query: forced to the caller's own organization for members
 * (asking for another is FORBIDDEN); the requested one for the regulator and patients.
 */
export function scopedOrganization(
  caller: Caller,
  requested: string | undefined,
): string | undefined {
  const scope = readScope(caller);
  if (scope.kind !== 'organization') return requested;
  if (requested !== undefined && requested !== scope.mspId) {
    throw ledgerError(
      'FORBIDDEN',
      `members of ${scope.mspId} may only query their own organization`,
    );
  }
  return scope.mspId;
}

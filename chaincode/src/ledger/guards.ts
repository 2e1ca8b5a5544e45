import { collectionsOf, GOVERNMENT_MSP, ledgerError } from '@consent-ledger/ledger-api';
import type { Caller } from './ledger-context';

/**
 * Who reads what, in one place (the role matrix itself is ledger-api's AUTHORIZATION_MATRIX):
 *
 * - the GovMSP regulator reads everything (it is a member of every collection);
 * - admins of a patient's home organization read everything about that patient (the gateway
 *   reads for a signed-in patient with its service identity, an admin of the home organization);
 * - everyone else reads what their organization is party to: consents granted to it, its own
 *   access events, its referrals, the record links of its records.
 *
 * A caller can only read the collections its organization is a member of (Fabric checks the
 * client's organization, memberOnlyRead), so every scan starts from {@link readableCollections}.
 */

/** What a guard protects: the patient's home, the organizations it concerns, its name for errors. */
export interface GuardedSubject {
  /** The patient's home organization. */
  readonly home: string;
  /** The organizations party to it (grantee, accessor, referral hospitals, record owner...). */
  readonly orgs?: readonly string[];
  /** How refusals name it (`consent con-...`). */
  readonly what: string;
}

/** Whether the caller is the GovMSP regulator. */
export function isRegulator(caller: Caller): boolean {
  return caller.mspId === GOVERNMENT_MSP && caller.role === 'regulator';
}

/** Whether the caller is an admin of an organization (a patient's home, for home reads). */
export function isAdminOf(caller: Caller, mspId: string): boolean {
  return caller.role === 'admin' && caller.mspId === mspId;
}

/** Whether the caller may read a subject: the regulator, its home's admins, its parties. */
export function canRead(caller: Caller, subject: Readonly<GuardedSubject>): boolean {
  return (
    isRegulator(caller) ||
    isAdminOf(caller, subject.home) ||
    (subject.orgs ?? []).includes(caller.mspId)
  );
}

/** Refuses a read unless {@link canRead}. */
export function requireReader(caller: Caller, subject: Readonly<GuardedSubject>): void {
  if (!canRead(caller, subject)) {
    throw ledgerError('FORBIDDEN', `${subject.what} is not visible to ${caller.mspId}`);
  }
}

/** Refuses anyone but the regulator and the admins of a patient's home organization. */
export function requireHomeReader(caller: Caller, subject: Readonly<GuardedSubject>): void {
  requireReader(caller, { home: subject.home, what: subject.what });
}

/**
 * The collections a caller's reads may cover: every collection for the regulator, else those its
 * organization is a member of (`mspIds`: the organizations of the channel).
 */
export function readableCollections(caller: Caller, mspIds: readonly string[]): string[] {
  return collectionsOf(isRegulator(caller) ? GOVERNMENT_MSP : caller.mspId, mspIds);
}

/** A collection and its member organizations. */
export interface CollectionMembership {
  readonly collection: string;
  readonly members: readonly string[];
}

/** Refuses a caller whose organization is not a member of a collection it must read or write. */
export function requireMemberOf(caller: Caller, membership: Readonly<CollectionMembership>): void {
  const { collection, members } = membership;
  if (!members.includes(caller.mspId)) {
    throw ledgerError(
      'FORBIDDEN',
      `${caller.mspId} does not hold ${collection}: a member of it must carry this transaction`,
    );
  }
}

/**
 * The organization filter of a query: forced to the caller's own organization for members other
 * than the regulator (asking for another is FORBIDDEN); the requested one for the regulator.
 */
export function scopedOrganization(
  caller: Caller,
  requested: string | undefined,
): string | undefined {
  if (isRegulator(caller)) return requested;
  if (requested !== undefined && requested !== caller.mspId) {
    throw ledgerError(
      'FORBIDDEN',
      `members of ${caller.mspId} may only query their own organization`,
    );
  }
  return caller.mspId;
}

/**
 * The organization filter of a query an admin may make as a patients' home (the items are then
 * filtered by {@link canRead}): the requested one for admins and the regulator, else as
 * {@link scopedOrganization}.
 */
export function scopedForHome(caller: Caller, requested: string | undefined): string | undefined {
  return caller.role === 'admin' ? requested : scopedOrganization(caller, requested);
}

import { ACCESS_ACCESS } from './access.api.ts';
import type { AccessRule, Grant } from './access-rule.ts';
import { AUDIT_ACCESS } from './audit.api.ts';
import type { BaselineTransactions } from './baseline.api.ts';
import type { TransactionName } from './catalogue.ts';
import { COHORT_ACCESS } from './cohort.api.ts';
import { CONSENT_ACCESS } from './consent.api.ts';
import { NOTICE_ACCESS } from './notice.api.ts';
import { CONSENT_REQUEST_ACCESS } from './consent-request.api.ts';
import { PATIENT_ACCESS } from './patient.api.ts';
import { RECORDS_ACCESS } from './records.api.ts';
import { REFERRAL_ACCESS } from './referral.api.ts';
import { REGISTRY_ACCESS } from './registry.api.ts';
import {
  GOVERNMENT_MSP,
  ORGANIZATION_TYPES,
  ROLES,
  type OrganizationType,
  type Role,
} from './vocabulary.ts';

/**
 * The role-by-transaction authorization matrix: who may call what, declared once, next to each
 * transaction in its contract's API file and gathered here. The chaincode checks every transaction
 * against it before the body runs (the trust boundary); the gateway checks the same rule once per
 * request, before calling the ledger. What a transaction checks beyond it (ownership, scoping) is
 * its rule's `scope`. A transaction missing from the matrix is refused to everyone.
 */

/** The transactions the matrix covers: all but the benchmark's yardstick and seeding. */
export type AuthorizedName = Exclude<TransactionName, keyof BaselineTransactions>;

/** The matrix, keyed by qualified transaction name. */
export const AUTHORIZATION_MATRIX: Readonly<Record<AuthorizedName, AccessRule>> = {
  ...REGISTRY_ACCESS,
  ...NOTICE_ACCESS,
  ...PATIENT_ACCESS,
  ...CONSENT_ACCESS,
  ...ACCESS_ACCESS,
  ...REFERRAL_ACCESS,
  ...COHORT_ACCESS,
  ...RECORDS_ACCESS,
  ...AUDIT_ACCESS,
  ...CONSENT_REQUEST_ACCESS,
};

/** Every transaction name of the matrix, sorted. */
export const AUTHORIZED_NAMES: readonly AuthorizedName[] = (
  Object.keys(AUTHORIZATION_MATRIX) as AuthorizedName[]
).sort();

/**
 * The roles each organization type's CA may issue (the gateway enrolls by the same table): a
 * certificate with another role is refused, e.g. a research institute cannot mint patients, an
 * enterprise cannot mint clinicians. Callers of an organization that is not registered (registry
 * transactions only) are not checked against it: their type is unknown.
 */
export const ROLES_BY_ORGANIZATION_TYPE: Readonly<Record<OrganizationType, readonly Role[]>> = {
  government: ['admin', 'analyst', 'regulator'],
  hospital: ['admin', 'analyst', 'clinician', 'patient'],
  enterprise: ['admin', 'analyst', 'patient'],
  research: ['admin', 'analyst', 'researcher'],
};

/** Whether an organization of a type may have users of a role. */
export function roleAllowed(orgType: OrganizationType, role: Role): boolean {
  return ROLES_BY_ORGANIZATION_TYPE[orgType].includes(role);
}

/** What the matrix looks at. */
export interface Principal {
  readonly mspId: string;
  readonly role: Role;
  /** Undefined for an organization that is neither registered nor GovMSP. */
  readonly orgType: OrganizationType | undefined;
  readonly registered: boolean;
}

/** Every role and organization type, for iterating the matrix. */
export const MATRIX_AXES = { roles: ROLES, orgTypes: ORGANIZATION_TYPES } as const;

/** The rule of a transaction name, if the matrix has one. */
export function accessRule(transaction: string): AccessRule | undefined {
  return Object.hasOwn(AUTHORIZATION_MATRIX, transaction)
    ? AUTHORIZATION_MATRIX[transaction as AuthorizedName]
    : undefined;
}

function grantCovers(grant: Grant, principal: Principal): boolean {
  const roleOk = grant.roles === 'any' || grant.roles.includes(principal.role);
  const typeOk =
    grant.orgTypes === 'any' ||
    (principal.orgType !== undefined && grant.orgTypes.includes(principal.orgType));
  return roleOk && typeOk;
}

/** Why a principal may not call a transaction, or undefined when it may. */
export function refusal(transaction: string, principal: Principal): string | undefined {
  const who = `${principal.role} of ${principal.mspId}`;
  const found = accessRule(transaction);
  if (found === undefined) return `${who} may not call ${transaction}: not in the matrix`;
  if (!principal.registered && found.unregistered !== true) {
    return `${who} may not call ${transaction}: organization ${principal.mspId} is not registered`;
  }
  if (principal.orgType !== undefined && !roleAllowed(principal.orgType, principal.role)) {
    return `${who} may not call ${transaction}: ${principal.orgType} organizations have no ${principal.role} role`;
  }
  if (!found.grants.some((grant) => grantCovers(grant, principal))) {
    return `${who} may not call ${transaction}: role or organization type not allowed`;
  }
  return undefined;
}

/** Whether a principal may call a transaction. */
export function isAllowed(transaction: string, principal: Principal): boolean {
  return refusal(transaction, principal) === undefined;
}

/** The organization type of an MSP: its registry type; GovMSP is always the government. */
export function organizationTypeOf(
  mspId: string,
  registered: OrganizationType | undefined,
): OrganizationType | undefined {
  return mspId === GOVERNMENT_MSP ? 'government' : registered;
}

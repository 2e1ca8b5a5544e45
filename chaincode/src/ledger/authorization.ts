import { ledgerError } from './errors';
import type { Caller } from './ledger-context';
import {
  GOVERNMENT_MSP,
  ORGANIZATION_TYPES,
  ROLES,
  type OrganizationType,
  type Role,
} from './vocabulary';

/**
 * The role-by-transaction authorization matrix: who may call what, declared once. Every ledger
 * transaction is checked against it by LedgerContract.beforeTransaction before its body runs;
 * what a transaction checks beyond it (ownership, scoping) is named in `scope` and done by the
 * guards in guards.ts. A transaction missing from the matrix is refused to everyone.
 */

/** A set of principals: roles of organizations of some types (`any` includes unregistered ones). */
export interface Grant {
  readonly orgTypes: readonly OrganizationType[] | 'any';
  readonly roles: readonly Role[] | 'any';
}

/** Who may call a transaction. */
export interface AccessRule {
  readonly grants: readonly Grant[];
  /** Callers whose organization is not registered are admitted (registry bootstrap). */
  readonly unregistered?: boolean;
  /** What the transaction checks itself beyond the matrix. */
  readonly scope?: string;
}

const EVERYONE: readonly Grant[] = [{ orgTypes: 'any', roles: 'any' }];
const PATIENTS: readonly Grant[] = [{ orgTypes: 'any', roles: ['patient'] }];
const ACCESSORS: readonly Grant[] = [
  { orgTypes: 'any', roles: ['analyst', 'clinician', 'researcher'] },
];
const HOSPITAL_CLINICIANS: readonly Grant[] = [{ orgTypes: ['hospital'], roles: ['clinician'] }];
const REGULATOR: readonly Grant[] = [{ orgTypes: ['government'], roles: ['regulator'] }];
const ANCHORERS: readonly Grant[] = [
  { orgTypes: ['hospital'], roles: ['admin', 'clinician'] },
  { orgTypes: ['enterprise'], roles: ['admin', 'analyst'] },
];

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

/** The matrix, keyed by qualified transaction name (`contract:Transaction`). */
export const AUTHORIZATION_MATRIX = {
  'registry:RegisterOrganization': {
    grants: [{ orgTypes: ['government'], roles: ['admin'] }],
    unregistered: true,
  },
  'registry:GetOrganization': { grants: EVERYONE, unregistered: true },
  'registry:ListOrganizations': { grants: EVERYONE, unregistered: true },

  'consent:GrantConsent': { grants: PATIENTS },
  'consent:UpdateConsent': { grants: PATIENTS, scope: "the consent's patient" },
  'consent:RevokeConsent': { grants: PATIENTS, scope: "the consent's patient" },
  'consent:GetConsent': {
    grants: EVERYONE,
    scope: 'its patient; the GovMSP regulator; members of the grantee organization',
  },
  'consent:GetConsentHistory': {
    grants: EVERYONE,
    scope: 'its patient; the GovMSP regulator; members of the grantee organization',
  },
  'consent:QueryConsents': {
    grants: EVERYONE,
    scope: 'patients their own; the regulator all; others consents granted to their organization',
  },

  'access:RequestAccess': { grants: ACCESSORS },
  'access:CheckAccess': { grants: ACCESSORS },
  'access:RequestEmergencyAccess': { grants: HOSPITAL_CLINICIANS },
  'access:ReviewEmergencyAccess': { grants: REGULATOR },
  'access:RequestCohort': { grants: [{ orgTypes: ['research'], roles: ['researcher'] }] },
  'access:CreateReferral': { grants: HOSPITAL_CLINICIANS },
  'access:CloseReferral': { grants: HOSPITAL_CLINICIANS, scope: 'a clinician of either hospital' },
  'access:GetReferral': {
    grants: EVERYONE,
    scope: 'members of either hospital; the patient; the regulator',
  },

  'records:AnchorRecord': {
    grants: ANCHORERS,
    scope: "enterprises: category wearable, with the patient's active permit to the organization",
  },
  'records:AnchorBatch': { grants: ANCHORERS, scope: 'as AnchorRecord, for every item' },
  'records:VerifyRecord': { grants: EVERYONE, scope: 'patients only their own records' },
  'records:VerifyBatchMember': { grants: EVERYONE, scope: 'patients only their own records' },
  'records:GetRecord': { grants: EVERYONE, scope: 'patients only their own records' },
  'records:GetBatch': { grants: EVERYONE },
  'records:QueryAnchors': {
    grants: EVERYONE,
    scope: "patients their own; the regulator all; others their organization's",
  },

  'audit:QueryAccessEvents': {
    grants: EVERYONE,
    scope: "patients their own; the regulator all; others their organization's events",
  },
  'audit:GetAccessEvent': {
    grants: EVERYONE,
    scope: "patients their own; the regulator all; others their organization's events",
  },
  'audit:QueryEmergencyReviews': { grants: REGULATOR },
  'audit:GetStatistics': { grants: REGULATOR },
  'audit:RollupStatistics': { grants: REGULATOR },
} as const satisfies Record<string, AccessRule>;

/** A qualified ledger transaction name. */
export type TransactionName = keyof typeof AUTHORIZATION_MATRIX;

/** Every qualified transaction name of the matrix, sorted. */
export const TRANSACTION_NAMES = (Object.keys(AUTHORIZATION_MATRIX) as TransactionName[]).sort();

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

function rule(transaction: string): AccessRule | undefined {
  return Object.hasOwn(AUTHORIZATION_MATRIX, transaction)
    ? (AUTHORIZATION_MATRIX as Record<string, AccessRule>)[transaction]
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
  const found = rule(transaction);
  if (found === undefined) return `${who} may not call ${transaction}: not in the matrix`;
  if (!principal.registered && found.unregistered !== true) {
    return `${who} may not call ${transaction}: organization ${principal.mspId} is not registered`;
  }
  if (
    principal.orgType !== undefined &&
    !ROLES_BY_ORGANIZATION_TYPE[principal.orgType].includes(principal.role)
  ) {
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

/** The principal of a resolved caller. */
export function principalOf(caller: Caller): Principal {
  return {
    mspId: caller.mspId,
    role: caller.role,
    orgType: caller.orgType,
    registered: caller.organization !== undefined,
  };
}

/** Refuses with FORBIDDEN when the matrix does not allow the caller. */
export function authorize(transaction: string, caller: Caller): void {
  const why = refusal(transaction, principalOf(caller));
  if (why !== undefined) throw ledgerError('FORBIDDEN', why);
}

/** The organization type a caller's MSP has: its registry type; GovMSP is always the government. */
export function organizationTypeOf(
  mspId: string,
  registered: OrganizationType | undefined,
): OrganizationType | undefined {
  return mspId === GOVERNMENT_MSP ? 'government' : registered;
}

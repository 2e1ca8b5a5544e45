import { ROLES, roleAllowed, type OrganizationType, type Role } from '@consent-ledger/ledger-api';
import { OidcRoleRefusedError } from '../common/errors.js';

/** How {@link roleFromClaims} reads a role. */
export interface RoleMapping {
  /** The claim that carries the role. */
  readonly claim: string;
  /** Claim value to role; empty: the value must be a role's own name. */
  readonly map: ReadonlyMap<string, Role>;
  /** The organization's type: only its roles are given (never `patient`). */
  readonly orgType: OrganizationType;
}

const KNOWN_ROLES: ReadonlySet<string> = new Set(ROLES);

const isRole = (value: string): value is Role => KNOWN_ROLES.has(value);

/**
 * The gateway role of an ID token's claims: the claim's value (a string, or an array holding
 * exactly one value the mapping knows) mapped to a staff role of the organization's type.
 * OIDC_ROLE_REFUSED when the claim is missing, malformed, unknown, ambiguous, `patient`, or a
 * role the organization's type has no users of.
 */
export function roleFromClaims(
  claims: Readonly<Record<string, unknown>>,
  mapping: RoleMapping,
): Role {
  const value = claims[mapping.claim];
  if (value === undefined || value === null)
    throw new OidcRoleRefusedError(
      `the identity provider gave no ${mapping.claim} claim: ask your IT team to assign a role`,
    );
  const values: readonly unknown[] = Array.isArray(value) ? value : [value];
  if (!values.every((item): item is string => typeof item === 'string'))
    throw new OidcRoleRefusedError(`the ${mapping.claim} claim must be a string or strings`);
  const roles = new Set(
    values.flatMap((item) => {
      const role = mapping.map.size > 0 ? mapping.map.get(item) : item;
      return role !== undefined && isRole(role) ? [role] : [];
    }),
  );
  const [role, other] = [...roles];
  if (role === undefined)
    throw new OidcRoleRefusedError(`the ${mapping.claim} claim names no role this gateway knows`);
  if (other !== undefined)
    throw new OidcRoleRefusedError(`the ${mapping.claim} claim names more than one role`);
  if (role === 'patient')
    throw new OidcRoleRefusedError(
      'patients sign in with their own keys, not through staff sign-in',
    );
  if (!roleAllowed(mapping.orgType, role))
    throw new OidcRoleRefusedError(`a ${mapping.orgType} organization has no ${role} users`);
  return role;
}

import type { Principal } from '../auth/principal.js';
import { rolesAllowed, type RoleRule } from '../auth/auth.decorators.js';
import { ForbiddenError } from './errors.js';

/**
 * Who may call what, as the gateway checks it before the ledger does (the chaincode checks again).
 * The controllers put the same rules in `@Roles(...)`.
 */
export const PERMISSIONS = {
  grantConsent: ['patient'],
  revokeConsent: ['patient'],
  requestAccess: ['clinician', 'researcher', 'analyst'],
  emergencyAccess: { hospital: ['clinician'] },
  anchorRecord: { hospital: ['clinician', 'admin'], enterprise: ['admin', 'analyst'] },
  reviewEmergency: { government: ['regulator'] },
  statistics: { government: ['regulator'] },
  referral: { hospital: ['clinician'] },
  requestCohort: { research: ['researcher'] },
} as const satisfies Record<string, RoleRule>;

/** Throws ForbiddenError unless the principal's role is allowed by `rule` in its organization. */
export function assertAllowed(principal: Principal, rule: RoleRule): void {
  const allowed = rolesAllowed(rule, principal.orgType);
  if (!allowed.includes(principal.role))
    throw new ForbiddenError(
      allowed.length === 0
        ? `not allowed for a ${principal.orgType} organization`
        : `requires the role ${allowed.join(' or ')}`,
    );
}

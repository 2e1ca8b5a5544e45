import type { OrgType } from '../config/connection-profile.js';

/** Roles a user can hold (the certificate attribute `role`). */
export const ROLES = [
  'patient',
  'clinician',
  'admin',
  'regulator',
  'researcher',
  'analyst',
] as const;
/** A user's role. */
export type Role = (typeof ROLES)[number];

/** The roles each organization type may give its users. */
export const ROLES_BY_ORG_TYPE: Readonly<Record<OrgType, readonly Role[]>> = {
  government: ['regulator', 'admin', 'analyst'],
  hospital: ['clinician', 'admin', 'analyst', 'patient'],
  enterprise: ['admin', 'analyst', 'patient'],
  research: ['researcher', 'admin', 'analyst'],
};

/** Whether an organization of `orgType` may have users of `role`. */
export function roleAllowed(orgType: OrgType, role: Role): boolean {
  return ROLES_BY_ORG_TYPE[orgType].includes(role);
}

/** Patient pseudonyms: `pid-` + 16 to 32 lower-case base32 characters. */
export const PATIENT_ID_PATTERN = /^pid-[a-z2-7]{16,32}$/;
/** Practitioner IDs: `prac-` + 8 to 32 of [a-z0-9]. */
export const PRACTITIONER_ID_PATTERN = /^prac-[a-z0-9]{8,32}$/;

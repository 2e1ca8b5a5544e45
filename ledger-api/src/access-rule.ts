import type { OrganizationType, Role } from './vocabulary.ts';

/** A set of principals: roles of organizations of some types (`any` includes unregistered ones). */
export interface Grant {
  readonly orgTypes: readonly OrganizationType[] | 'any';
  readonly roles: readonly Role[] | 'any';
}

/** Who may call a transaction (the role matrix; the chaincode checks it before every body runs). */
export interface AccessRule {
  readonly grants: readonly Grant[];
  /** Callers whose organization is not registered are admitted (registry bootstrap). */
  readonly unregistered?: boolean;
  /** What the transaction checks itself beyond the matrix (ownership, scoping). */
  readonly scope?: string;
}

/** The access rules of a group of transactions, one per transaction name. */
export type AccessRules<Transactions> = { readonly [N in keyof Transactions]: AccessRule };

/** Every caller of a registered organization. */
export const EVERYONE: readonly Grant[] = [{ orgTypes: 'any', roles: 'any' }];
/** The roles that ask for patients' data. */
export const ACCESSORS: readonly Grant[] = [
  { orgTypes: 'any', roles: ['analyst', 'clinician', 'researcher'] },
];
/** Clinicians of hospitals. */
export const HOSPITAL_CLINICIANS: readonly Grant[] = [
  { orgTypes: ['hospital'], roles: ['clinician'] },
];
/** The regulator of the government organization. */
export const REGULATOR: readonly Grant[] = [{ orgTypes: ['government'], roles: ['regulator'] }];
/** Who anchors records: hospitals' admins and clinicians, enterprises' admins and analysts. */
export const ANCHORERS: readonly Grant[] = [
  { orgTypes: ['hospital'], roles: ['admin', 'clinician'] },
  { orgTypes: ['enterprise'], roles: ['admin', 'analyst'] },
];
/** Researchers of research institutes. */
export const RESEARCHERS: readonly Grant[] = [{ orgTypes: ['research'], roles: ['researcher'] }];
/** The government's admins. */
export const GOVERNMENT_ADMINS: readonly Grant[] = [{ orgTypes: ['government'], roles: ['admin'] }];

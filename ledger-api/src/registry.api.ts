import { EVERYONE, GOVERNMENT_ADMINS, type AccessRules } from './access-rule.ts';
import type { Evaluate, Submit } from './transaction.ts';
import type { HospitalTier, OrganizationType } from './vocabulary.ts';

/** The kinds of member institution an organization may list (e.g. each insurer of EnterpriseMSP). */
export const INSTITUTION_TYPES = [
  'device-maker',
  'hospital',
  'insurer',
  'research-institute',
] as const;
/** A kind of member institution. */
export type InstitutionType = (typeof INSTITUTION_TYPES)[number];

/** The institution types each organization type may list (the government lists none). */
export const INSTITUTION_TYPES_BY_ORGANIZATION_TYPE: Readonly<
  Record<OrganizationType, readonly InstitutionType[]>
> = {
  enterprise: ['device-maker', 'insurer'],
  government: [],
  hospital: ['hospital'],
  research: ['research-institute'],
};

/** Institution ID: a code, never a name: `inst-` + 4 to 32 of `[a-z0-9]`. */
export const INSTITUTION_ID_PATTERN = /^inst-[a-z0-9]{4,32}$/;

/** Most institutions one organization may list. */
export const MAX_INSTITUTIONS = 64;

/**
 * A member institution inside an organization (one insurer, device maker, research institute or
 * hospital of a shared MSP): a code, its type and its region; no name (docs/privacy.md).
 */
export interface Institution {
  readonly institutionId: string;
  readonly type: InstitutionType;
  readonly region: Region;
}

/** An administrative region: six-digit GB/T 2260 codes, each level inside the one above. */
export interface Region {
  readonly province: string;
  readonly city?: string;
  readonly county?: string;
}

/** An organization of the channel as registered by the government (registry entry). */
export interface Organization {
  readonly mspId: string;
  readonly type: OrganizationType;
  readonly tier?: HospitalTier;
  readonly region: Region;
  /** Its member institutions, by institutionId (absent: none). */
  readonly institutions?: readonly Institution[];
  readonly registeredAt: string;
  readonly updatedAt: string;
  readonly txId: string;
}

/** RegisterOrganization's input. */
export interface OrganizationInput {
  readonly mspId: string;
  readonly type: OrganizationType;
  /** Required for a hospital, refused for the others. */
  readonly tier?: HospitalTier;
  readonly region: Region;
  /**
   * Its member institutions (IDs unique, types its organization type may list); a registration
   * replaces the list, so an institution leaves by a registration without it.
   */
  readonly institutions?: readonly Institution[];
}

/** DeregisterOrganization's answer: whether an entry was removed (none: already deregistered). */
export interface OrganizationRemoval {
  readonly mspId: string;
  readonly removed: boolean;
}

/** The organization registry (contract `registry`). */
export interface RegistryTransactions {
  /** Registers or updates an organization (the government's admin; also before it registered). */
  'registry:RegisterOrganization': Submit<[organization: OrganizationInput], Organization>;
  /**
   * Removes an organization that leaves the channel from the registry (the government's admin),
   * so the chaincode's member list (its collections, the patients' possible homes) follows;
   * idempotent, so an interrupted leave can run again. GovMSP cannot be deregistered.
   */
  'registry:DeregisterOrganization': Submit<[mspId: string], OrganizationRemoval>;
  /** One organization. */
  'registry:GetOrganization': Evaluate<[mspId: string], Organization>;
  /** Every registered organization, by MSP ID. */
  'registry:ListOrganizations': Evaluate<[], readonly Organization[]>;
}

/** Who may call the registry's transactions. */
export const REGISTRY_ACCESS: AccessRules<RegistryTransactions> = {
  'registry:RegisterOrganization': { grants: GOVERNMENT_ADMINS, unregistered: true },
  'registry:DeregisterOrganization': { grants: GOVERNMENT_ADMINS },
  'registry:GetOrganization': { grants: EVERYONE, unregistered: true },
  'registry:ListOrganizations': { grants: EVERYONE, unregistered: true },
};

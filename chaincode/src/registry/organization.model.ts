import type { HospitalTier, OrganizationType } from '../ledger/vocabulary';

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
  readonly registeredAt: string;
  readonly updatedAt: string;
  readonly txId: string;
}

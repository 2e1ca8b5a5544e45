import type { Category, Provision, Purpose } from '../common/vocabulary.js';
import type { Role } from '../identities/roles.js';

/** Who a consent (or exception) is given to. */
export interface Grantee {
  readonly org?: string;
  readonly role?: Role;
  readonly practitionerId?: string;
}

/** A deny provision nested in a permit. */
export interface ConsentException {
  readonly purposes?: readonly Purpose[];
  readonly categories?: readonly Category[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly grantee?: Grantee;
}

/** What a patient grants (ConsentInput of docs/ledger-api.md). */
export interface ConsentInput {
  readonly provision?: Provision;
  readonly grantee?: Grantee;
  readonly purposes?: readonly Purpose[];
  readonly categories?: readonly Category[];
  readonly validFrom?: string;
  readonly validUntil?: string;
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly exceptions?: readonly ConsentException[];
}

/** A consent as the ledger keeps it. */
export interface Consent extends ConsentInput {
  readonly consentId: string;
  readonly patientId: string;
  readonly provision: Provision;
  readonly purposes: readonly Purpose[];
  readonly categories: readonly Category[];
  readonly validFrom: string;
  readonly exceptions: readonly ConsentException[];
  readonly status: 'active' | 'revoked' | 'expired';
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly revokedAt?: string;
  readonly txId: string;
}

/** One version of a consent, oldest first. */
export interface ConsentVersion {
  readonly txId: string;
  readonly time: string;
  readonly [field: string]: unknown;
}

/** A consent written to the ledger. */
export interface ConsentWrite {
  readonly consentId: string;
  readonly txId: string;
  readonly consent: Consent;
}

/** Filter of QueryConsents. */
export interface ConsentQuery {
  readonly patientId?: string;
  readonly grantee?: string;
  readonly status?: 'active' | 'revoked' | 'expired';
  readonly pageSize?: number;
  readonly bookmark?: string;
}

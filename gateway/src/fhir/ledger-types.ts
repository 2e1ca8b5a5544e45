/**
 * The ledger shapes the FHIR layer consumes, mirroring docs/ledger-api.md: read-only views of the
 * gateway's own domain types. The vocabularies are the gateway's (re-exported, not copied).
 */

export {
  CATEGORIES,
  EMERGENCY_REASON_CODES,
  PURPOSES,
  type Category,
  type EmergencyReasonCode,
  type Purpose,
} from '../common/vocabulary.js';
export {
  PATIENT_ID_PATTERN,
  PRACTITIONER_ID_PATTERN,
  ROLES,
  type Role,
} from '../identities/roles.js';
import type { Category, Purpose } from '../common/vocabulary.js';

/** Permit or deny. */
export type ProvisionType = 'permit' | 'deny';

export type { ConsentException, ConsentInput, Grantee } from '../consents/consent.types.js';
import type { ConsentException, Grantee } from '../consents/consent.types.js';

/** Consent status as reads report it (`expired` when validUntil <= now). */
export type ConsentStatus = 'active' | 'revoked' | 'expired';

/** A consent as the ledger stores and reports it. */
export interface Consent {
  readonly consentId: string;
  readonly patientId: string;
  readonly provision: ProvisionType;
  readonly grantee?: Grantee;
  /** Empty or absent on a deny: all purposes. */
  readonly purposes?: readonly Purpose[];
  /** Empty or absent on a deny: all categories. */
  readonly categories?: readonly Category[];
  readonly validFrom: string;
  readonly validUntil?: string;
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly exceptions?: readonly ConsentException[];
  readonly status: ConsentStatus;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly revokedAt?: string;
  readonly txId: string;
}

/** Filter of `consent:QueryConsents`. */
export interface ConsentQuery {
  readonly patientId?: string;
  readonly grantee?: string;
  readonly status?: ConsentStatus;
  readonly pageSize?: number;
  readonly bookmark?: string;
}

export type { Page } from '../common/page.types.js';

/** Who asked for access. */
export interface Accessor {
  readonly org: string;
  readonly role: string;
  readonly practitionerId?: string;
  readonly idHash: string;
}

/** Region as six-digit GB/T 2260 codes. */
export interface Region {
  readonly province: string;
  readonly city?: string;
  readonly county?: string;
}

/** Regulator review of a break-glass access. */
export interface EmergencyReview {
  readonly status: 'pending' | 'reviewed';
  readonly outcome?: 'justified' | 'unjustified';
  readonly reviewedAt?: string;
  readonly reviewerIdHash?: string;
}

/** Emergency details of a break-glass access. */
export interface EmergencyDetails {
  readonly reasonCode: string;
  readonly justificationHash: string;
  readonly review: EmergencyReview;
}

/** Access decision. */
export type DecisionValue = 'permit' | 'deny';

/** One recorded access request and its decision. */
export interface AccessEvent {
  readonly eventId: string;
  readonly patientId: string;
  readonly accessor: Accessor;
  readonly accessorRegion?: Region;
  readonly purpose: string;
  readonly categories: readonly string[];
  readonly recordIds: readonly string[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly decision: DecisionValue;
  readonly reason: string;
  readonly consentIds: readonly string[];
  readonly breakGlass: boolean;
  readonly emergency?: EmergencyDetails;
  readonly cohort?: { readonly studyId: string };
  readonly timestamp: string;
  readonly txId: string;
}

/** Filter of `audit:QueryAccessEvents`; the time window is half-open: `from <= timestamp < to`. */
export interface AccessEventQuery {
  readonly patientId?: string;
  readonly accessorOrg?: string;
  readonly from?: string;
  readonly to?: string;
  readonly decision?: DecisionValue;
  readonly breakGlass?: boolean;
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** One anchored version of a record's SHA-256 fingerprint. */
export interface RecordAnchor {
  readonly recordId: string;
  readonly version: number;
  readonly patientId: string;
  readonly category: string;
  readonly sha256: string;
  /** The previous version's hash (absent in version 1). */
  readonly previousSha256?: string;
  /** MSP ID of the owning organization. */
  readonly owner: string;
  /** Identity hash of who anchored this version. */
  readonly anchoredBy?: string;
  readonly timestamp: string;
  readonly txId: string;
  /** Set when the version was anchored as a member of a Merkle batch. */
  readonly batchId?: string;
}

/** Result of `records:GetRecord` (the head is not used by the FHIR layer). */
export interface RecordHistory {
  readonly head: unknown;
  readonly versions: readonly RecordAnchor[];
}

/** One item of a Merkle batch (the leaf is its sorted-key JSON). */
export interface BatchItem {
  readonly recordId: string;
  readonly patientId: string;
  readonly category: string;
  readonly sha256: string;
}

/** A Merkle batch of anchors (RFC 6962). */
export interface Batch {
  readonly batchId: string;
  readonly root: string;
  readonly size: number;
  readonly owner: string;
  readonly categories: readonly string[];
  readonly patientCount: number;
  readonly timestamp: string;
  readonly txId: string;
}

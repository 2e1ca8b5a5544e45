/**
 * The ledger shapes the FHIR layer consumes, mirroring docs/ledger-api.md. They are kept small and
 * local so that the FHIR folder compiles on its own; the gateway may later point them at shared
 * types (every field here has the name and meaning the ledger API gives it).
 */

/** Purposes of use known to the ledger. */
export const PURPOSES = [
  'treatment',
  'referral',
  'emergency',
  'research',
  'public-health',
  'insurance',
] as const;
/** A purpose of use. */
export type Purpose = (typeof PURPOSES)[number];

/** Data categories known to the ledger. */
export const CATEGORIES = [
  'outpatient',
  'inpatient',
  'imaging',
  'laboratory',
  'medication',
  'wearable',
  'genomic',
] as const;
/** A data category. */
export type Category = (typeof CATEGORIES)[number];

/** Caller roles (certificate attribute `role`). */
export const ROLES = [
  'patient',
  'clinician',
  'admin',
  'regulator',
  'researcher',
  'analyst',
] as const;
/** A caller role. */
export type Role = (typeof ROLES)[number];

/** Reason codes of an emergency (break-glass) access request. */
export const EMERGENCY_REASON_CODES = [
  'LIFE_THREATENING',
  'UNCONSCIOUS_PATIENT',
  'URGENT_TREATMENT',
  'OTHER',
] as const;
/** An emergency reason code. */
export type EmergencyReasonCode = (typeof EMERGENCY_REASON_CODES)[number];

/** Patient pseudonym: `pid-` + 16 to 32 lower-case base32 characters. */
export const PATIENT_ID_PATTERN = /^pid-[a-z2-7]{16,32}$/;
/** Practitioner ID: `prac-` + 8 to 32 of `[a-z0-9]`. */
export const PRACTITIONER_ID_PATTERN = /^prac-[a-z0-9]{8,32}$/;

/** Permit or deny. */
export type ProvisionType = 'permit' | 'deny';

/** Who a consent (or exception) applies to; every given field must match. */
export interface Grantee {
  readonly org?: string;
  readonly role?: Role;
  readonly practitionerId?: string;
}

/** A deny provision nested in a permit consent. Absent lists mean "all". */
export interface ConsentException {
  readonly purposes?: readonly Purpose[];
  readonly categories?: readonly Category[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly grantee?: Grantee;
}

/** Input of `consent:GrantConsent` / `UpdateConsent`. */
export interface ConsentInput {
  readonly provision?: ProvisionType;
  readonly grantee?: Grantee;
  readonly purposes?: readonly Purpose[];
  readonly categories?: readonly Category[];
  readonly validFrom?: string;
  readonly validUntil?: string;
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly exceptions?: readonly ConsentException[];
}

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

/** A page of results; `bookmark` is opaque and empty when there is no more. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly bookmark: string;
}

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

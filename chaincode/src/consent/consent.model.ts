import type {
  Category,
  DecisionReason,
  DecisionValue,
  GranteeRole,
  Purpose,
} from '../ledger/vocabulary';

/** Permit or deny (FHIR R4 Consent.provision.type). */
export type Provision = 'permit' | 'deny';

/** Stored status; reads also report `expired` once validUntil has passed. */
export type ConsentStatus = 'active' | 'revoked' | 'expired';

/** Who a consent or exception is about: each field given must equal the accessor's. */
export interface ConsentGrantee {
  /** Accessor organization (required in a permit). */
  readonly org?: string;
  readonly role?: GranteeRole;
  readonly practitionerId?: string;
}

/** A deny provision nested in a permit; absent lists mean "all". */
export interface ConsentException {
  readonly purposes?: Purpose[];
  readonly categories?: Category[];
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly grantee?: ConsentGrantee;
}

/** A patient's consent (modelled on FHIR R4 Consent). */
export interface Consent {
  readonly consentId: string;
  readonly patientId: string;
  readonly provision: Provision;

  /** Absent only in a deny that applies to every accessor. */
  readonly grantee?: ConsentGrantee;

  /** Absent only in a deny: all purposes. */
  readonly purposes?: Purpose[];

  /** Absent only in a deny: all categories. */
  readonly categories?: Category[];
  readonly validFrom: string;
  readonly validUntil?: string;
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly exceptions: ConsentException[];
  readonly status: ConsentStatus;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly revokedAt?: string;

  /** The transaction that wrote this version. */
  readonly txId: string;
}

/** What a version of a consent changed. */
export type ConsentChange = 'granted' | 'updated' | 'revoked';

/** One version of a consent, as written by the transaction that made it. */
export interface ConsentVersion {
  readonly consentId: string;
  readonly version: number;
  readonly change: ConsentChange;
  readonly txId: string;
  /** When the version was written (the transaction time). */
  readonly time: string;
  readonly consent: Consent;
}

/** A page of consents. */
export interface ConsentPage {
  readonly items: Consent[];
  readonly bookmark: string;
}

/** The outcome of consent evaluation. */
export interface Decision {
  readonly decision: DecisionValue;
  readonly reason: DecisionReason;

  /** The consents that decided (covering permits, or the denies that matched), sorted. */
  readonly consentIds: string[];

  /** The data period the decision is about (the requested one). */
  readonly dataFrom?: string;
  readonly dataUntil?: string;
}

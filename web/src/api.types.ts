/** The gateway API's shapes the app uses (gateway/src: DTOs and *.types.ts). */

export const PURPOSES = [
  'treatment',
  'referral',
  'emergency',
  'research',
  'public-health',
  'insurance',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const CATEGORIES = [
  'outpatient',
  'inpatient',
  'imaging',
  'laboratory',
  'medication',
  'wearable',
  'genomic',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const EMERGENCY_REASON_CODES = [
  'LIFE_THREATENING',
  'UNCONSCIOUS_PATIENT',
  'URGENT_TREATMENT',
  'OTHER',
] as const;
export type EmergencyReasonCode = (typeof EMERGENCY_REASON_CODES)[number];

/** The network's organizations, by MSP ID, with a readable name. */
export const ORGANIZATIONS: readonly { readonly mspId: string; readonly name: string }[] = [
  { mspId: 'GovMSP', name: 'Health regulator' },
  { mspId: 'TertiaryHospitalMSP', name: 'Tertiary hospital' },
  { mspId: 'CommunityHospitalMSP', name: 'Community hospital' },
  { mspId: 'EnterpriseMSP', name: 'Enterprise (insurers, wearables)' },
  { mspId: 'ResearchMSP', name: 'Research institute' },
];

/** Patient pseudonyms: `pid-` + 16 to 32 lower-case base32 characters. */
export const PATIENT_ID_PATTERN = '^pid-[a-z2-7]{16,32}$';
/** A record ID chosen by its organization. */
export const RECORD_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:\\-]{0,127}$';

/** POST /auth/login answer. */
export interface AccessToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
}

/** GET /identities/me answer. */
export interface Identity {
  readonly username: string;
  readonly role: 'patient' | 'clinician' | 'admin' | 'regulator' | 'researcher' | 'analyst';
  readonly mspId: string;
  readonly orgType: 'government' | 'hospital' | 'enterprise' | 'research';
  readonly patientId?: string;
  readonly practitionerId?: string;
}

/** A page of a ledger query; `bookmark` is empty when there is no more. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly bookmark: string;
}

/** A consent as the ledger keeps it. */
export interface Consent {
  readonly consentId: string;
  readonly patientId: string;
  readonly provision: 'permit' | 'deny';
  readonly grantee?: { readonly org?: string; readonly role?: string };
  readonly purposes: readonly Purpose[];
  readonly categories: readonly Category[];
  readonly validFrom: string;
  readonly validUntil?: string;
  readonly status: 'active' | 'revoked' | 'expired';
  readonly version: number;
  readonly revokedAt?: string;
  readonly txId: string;
}

/** POST /consents and POST /consents/:id/revoke answer. */
export interface ConsentWrite {
  readonly consentId: string;
  readonly txId: string;
  readonly consent: Consent;
}

/** An access event as the ledger records it. */
export interface AccessEvent {
  readonly eventId: string;
  readonly patientId: string;
  readonly accessor: {
    readonly org: string;
    readonly role: string;
    readonly practitionerId?: string;
  };
  readonly purpose: Purpose;
  readonly categories: readonly Category[];
  readonly decision: 'permit' | 'deny';
  readonly reason: string;
  readonly breakGlass: boolean;
  readonly emergency?: {
    readonly reasonCode: EmergencyReasonCode;
    readonly review: { readonly status: 'pending' | 'reviewed'; readonly outcome?: string };
  };
  readonly timestamp: string;
  readonly txId: string;
}

/** POST /access-requests answer. */
export interface AccessOutcome {
  readonly eventId: string;
  readonly decision: 'permit' | 'deny';
  readonly consentIds: readonly string[];
  readonly reason: string;
  readonly breakGlass: boolean;
  readonly txId: string;
}

/** One anchored version of a record's fingerprint. */
export interface RecordAnchor {
  readonly recordId: string;
  readonly version: number;
  readonly patientId: string;
  readonly category: string;
  readonly sha256: string;
  readonly owner: string;
  readonly timestamp: string;
  readonly txId: string;
  readonly batchId?: string;
}

/** POST /records answer. */
export interface AnchorResult {
  readonly recordId: string;
  readonly version: number;
  readonly txId: string;
  readonly anchor: RecordAnchor;
}

/** POST /records/verify answer. */
export interface VerifyResult {
  readonly verified: boolean;
  readonly reason: string;
  readonly anchor?: Partial<RecordAnchor> & { readonly txId: string; readonly timestamp: string };
}

/** The part of an evidence bundle (docs/evidence-bundle.md) the app shows. */
export interface EvidenceBundle {
  readonly transaction: { readonly txId: string };
  readonly block: { readonly header: { readonly number: string } };
}

/** GET /audit/statistics answer. */
export interface Statistics {
  readonly from: string;
  readonly to: string;
  readonly level: 'province' | 'city' | 'county';
  readonly total: number;
  readonly byPurpose: Readonly<Record<string, number>>;
  readonly byDecision: Readonly<Record<string, number>>;
  readonly byBreakGlass: Readonly<Record<string, number>>;
  readonly byRegion: Readonly<Record<string, number>>;
}

/** One server-sent ledger event (GET /events). */
export interface LedgerEvent {
  readonly id: string;
  readonly eventName: string;
  readonly txId: string;
  readonly blockNumber: number | string;
  readonly payload: Readonly<Record<string, unknown>>;
}

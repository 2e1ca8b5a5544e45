/** The ledger's vocabularies (docs/ledger-api.md). */

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

export const PROVISIONS = ['permit', 'deny'] as const;
export type Provision = (typeof PROVISIONS)[number];

export const DECISIONS = ['permit', 'deny'] as const;
export type AccessDecision = (typeof DECISIONS)[number];

export const REVIEW_OUTCOMES = ['justified', 'unjustified'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export const STATISTICS_LEVELS = ['province', 'city', 'county'] as const;
export type StatisticsLevel = (typeof STATISTICS_LEVELS)[number];

export const CONSENT_STATUSES = ['active', 'revoked', 'expired'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** ISO 8601 UTC with milliseconds, as the ledger stores times. */
export const UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** An organization's MSP ID. */
export const MSP_ID = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;
/** A record ID chosen by its organization. */
export const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** A SHA-256 digest in lower-case hex. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;
/** IDs the ledger derives from transaction IDs. */
export const CONSENT_ID = /^con-[0-9a-f]{24}$/;
export const EVENT_ID = /^evt-[0-9a-f]{24}$/;
export const REFERRAL_ID = /^ref-[0-9a-f]{24}$/;
export const BATCH_ID = /^(bat-[0-9a-f]{24}|[A-Za-z0-9][A-Za-z0-9._:-]{0,127})$/;
/** A six-digit GB/T 2260 region code. */
export const REGION_CODE = /^\d{6}$/;
/** Largest batch the ledger accepts. */
export const MAX_BATCH_ITEMS = 100_000;

/**
 * The closed vocabularies of the ledger (docs/ledger-api.md, "Vocabularies"). Every list is sorted so
 * that anything derived from it (metadata, statistics keys, test matrices, forms) is in a stable
 * order.
 */

/** Why health data is accessed. */
export const PURPOSES = [
  'emergency',
  'insurance',
  'public-health',
  'referral',
  'research',
  'treatment',
] as const;
/** A purpose of use. */
export type Purpose = (typeof PURPOSES)[number];

/** The kinds of health data a consent, an access or a record is about. */
export const CATEGORIES = [
  'genomic',
  'imaging',
  'inpatient',
  'laboratory',
  'medication',
  'outpatient',
  'wearable',
] as const;
/** A data category. */
export type Category = (typeof CATEGORIES)[number];

/** The roles a caller's certificate may carry in its `role` attribute. */
export const ROLES = [
  'admin',
  'analyst',
  'clinician',
  'patient',
  'regulator',
  'researcher',
] as const;
/** A caller's role. */
export type Role = (typeof ROLES)[number];

/** The roles a consent may name as its grantee (the roles that request access). */
export const GRANTEE_ROLES = ['analyst', 'clinician', 'researcher'] as const;
/** A role a consent can be granted to. */
export type GranteeRole = (typeof GRANTEE_ROLES)[number];

/** Organization types of the registry. */
export const ORGANIZATION_TYPES = ['enterprise', 'government', 'hospital', 'research'] as const;
/** An organization type. */
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];

/** Hospital tiers. */
export const HOSPITAL_TIERS = ['community', 'tertiary'] as const;
/** A hospital tier. */
export type HospitalTier = (typeof HOSPITAL_TIERS)[number];

/** Permit or deny (FHIR R4 Consent.provision.type). */
export const PROVISIONS = ['deny', 'permit'] as const;
/** A consent's provision. */
export type Provision = (typeof PROVISIONS)[number];

/** A consent's status as reads report it: stored `active` or `revoked`, `expired` once past. */
export const CONSENT_STATUSES = ['active', 'expired', 'revoked'] as const;
/** A consent status. */
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** What a version of a consent changed. */
export const CONSENT_CHANGES = ['granted', 'revoked', 'updated'] as const;
/** A consent change. */
export type ConsentChange = (typeof CONSENT_CHANGES)[number];

/** A referral's status as reads report it: stored `open` or `closed`, `expired` once past. */
export const REFERRAL_STATUSES = ['closed', 'expired', 'open'] as const;
/** A referral status. */
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** Coded reasons for a break-glass (emergency) access. */
export const EMERGENCY_REASON_CODES = [
  'LIFE_THREATENING',
  'OTHER',
  'UNCONSCIOUS_PATIENT',
  'URGENT_TREATMENT',
] as const;
/** An emergency reason code. */
export type EmergencyReasonCode = (typeof EMERGENCY_REASON_CODES)[number];

/** Outcomes of the regulator's review of a break-glass access. */
export const REVIEW_OUTCOMES = ['justified', 'unjustified'] as const;
/** A review outcome. */
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** Access decisions. */
export const DECISIONS = ['deny', 'permit'] as const;
/** An access decision. */
export type DecisionValue = (typeof DECISIONS)[number];

/** Why a decision was taken. */
export const DECISION_REASONS = [
  'CATEGORY_NOT_CONSENTED',
  'DATA_PERIOD_NOT_CONSENTED',
  'DENIED_BY_CONSENT',
  'DENIED_BY_EXCEPTION',
  'EMERGENCY_ACCESS',
  'EMERGENCY_DENIED_BY_PATIENT',
  'NO_ACTIVE_REFERRAL',
  'NO_MATCHING_CONSENT',
  'PERMITTED_BY_CONSENT',
] as const;
/** A decision reason. */
export type DecisionReason = (typeof DECISION_REASONS)[number];

/** Levels of the GB/T 2260 administrative divisions used by statistics. */
export const REGION_LEVELS = ['city', 'county', 'province'] as const;
/** A region level. */
export type RegionLevel = (typeof REGION_LEVELS)[number];

/**
 * The MSP of the government organization: the registry's authority and the home of the regulator.
 * It is the only organization that may be (and is always) of type `government`.
 */
export const GOVERNMENT_MSP = 'GovMSP';

/** The grantee organization of a deny that applies to every accessor (`con~gra`, queries). */
export const ANY_GRANTEE = '*';

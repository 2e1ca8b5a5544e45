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

/**
 * Kinds of data more sensitive than the rest (PIPL arts. 28-29; FHIR R4 security labels of the HL7
 * v3 ActCode system, InformationSensitivityPolicy): ETH substance use, GDIS genetic disease, HIV,
 * PSY psychiatric disorders (mental health), SEX sexuality and reproductive health, STD sexually
 * transmitted and other notifiable infections. Data that carries one is opened only by a consent
 * that names it (docs/ledger-api.md, "Sensitive data"), never by break-glass alone.
 */
export const SENSITIVITY_LABELS = ['ETH', 'GDIS', 'HIV', 'PSY', 'SEX', 'STD'] as const;
/** A sensitivity label (an HL7 v3 ActCode). */
export type SensitivityLabel = (typeof SENSITIVITY_LABELS)[number];

/** The code system of {@link SENSITIVITY_LABELS} in FHIR (Coding.system of a security label). */
export const SECURITY_LABEL_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/**
 * The sensitivity of each data category as a whole: the labels every datum of the category
 * carries (genomic data is genetic data throughout). The sub-categories of the others (a
 * psychiatric outpatient note, an HIV test result) carry their label where they are: a request
 * declares the labels of the data it asks for. Part of the ledger's rules, so that every peer
 * decides alike: changed by a chaincode upgrade, which the members approve.
 */
export const CATEGORY_LABELS: Readonly<Record<Category, readonly SensitivityLabel[]>> = {
  genomic: ['GDIS'],
  imaging: [],
  inpatient: [],
  laboratory: [],
  medication: [],
  outpatient: [],
  wearable: [],
};

/** The labels a request for `categories` carries: theirs by category and those it declares, sorted. */
export function labelsOfRequest(
  categories: readonly Category[],
  declared: readonly SensitivityLabel[] = [],
): SensitivityLabel[] {
  const labels = new Set<SensitivityLabel>(declared);
  for (const category of categories)
    for (const label of CATEGORY_LABELS[category]) labels.add(label);
  return SENSITIVITY_LABELS.filter((label) => labels.has(label));
}

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
  'EMERGENCY_SENSITIVE_NOT_ALLOWED',
  'NO_ACTIVE_REFERRAL',
  'NO_MATCHING_CONSENT',
  'PERMITTED_BY_CONSENT',
  'SENSITIVE_NOT_CONSENTED',
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

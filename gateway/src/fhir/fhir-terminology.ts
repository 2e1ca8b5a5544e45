/**
 * Code systems, naming systems, extension URLs and the ledger-vocabulary <-> FHIR code maps used by
 * every mapper. Standard terminology is used where it fits; the project's own vocabularies live
 * under {@link FHIR_PROJECT_BASE}.
 */
import {
  CATEGORIES,
  PURPOSES,
  SECURITY_LABEL_SYSTEM,
  SENSITIVITY_LABELS,
  type Category,
  type Purpose,
  type SensitivityLabel,
} from '@consent-ledger/ledger-api';
import type * as fhir4 from './fhir-r4.types.js';

/** Canonical base of the project's FHIR artifacts (code systems, naming systems, extensions). */
export const FHIR_PROJECT_BASE = 'https://consent-ledger.example/fhir';

/** Standard code systems. */
export const SYSTEM = {
  consentScope: 'http://terminology.hl7.org/CodeSystem/consentscope',
  loinc: 'http://loinc.org',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  consentAction: 'http://terminology.hl7.org/CodeSystem/consentaction',
  dicom: 'http://dicom.nema.org/resources/ontology/DCM',
  auditEntityType: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
  objectRole: 'http://terminology.hl7.org/CodeSystem/object-role',
  securitySourceType: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  provenanceParticipantType: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
} as const;

/** The project's code systems (each code is a value of the ledger's vocabulary). */
export const PROJECT_SYSTEM = {
  /** outpatient, inpatient, imaging, laboratory, medication, wearable, genomic. */
  dataCategory: `${FHIR_PROJECT_BASE}/CodeSystem/data-category`,
  /** The ledger's purposes (used only for a purpose without a v3-ActReason equivalent). */
  purpose: `${FHIR_PROJECT_BASE}/CodeSystem/purpose`,
  /** Caller roles: patient, clinician, admin, regulator, researcher, analyst. */
  role: `${FHIR_PROJECT_BASE}/CodeSystem/role`,
  /** Access decision reasons (PERMITTED_BY_CONSENT, DENIED_BY_CONSENT, ...). */
  decisionReason: `${FHIR_PROJECT_BASE}/CodeSystem/decision-reason`,
  /** Emergency reason codes (LIFE_THREATENING, ...). */
  emergencyReason: `${FHIR_PROJECT_BASE}/CodeSystem/emergency-reason`,
  /** Kinds of access event: access, break-glass, cohort. */
  accessEventKind: `${FHIR_PROJECT_BASE}/CodeSystem/access-event-kind`,
  /** Ledger activities: anchor, batch-anchor. */
  ledgerActivity: `${FHIR_PROJECT_BASE}/CodeSystem/ledger-activity`,
  /** Ledger consent status (active, revoked, expired), finer than FHIR's ConsentState. */
  consentStatus: `${FHIR_PROJECT_BASE}/CodeSystem/consent-status`,
  /** Ledger error codes (INVALID_ARGUMENT, CONSENT_NOT_FOUND, ...) in OperationOutcome. */
  errorCode: `${FHIR_PROJECT_BASE}/CodeSystem/error-code`,
} as const;

/** The project's naming systems (identifier systems). */
export const NAMING_SYSTEM = {
  consentId: `${FHIR_PROJECT_BASE}/NamingSystem/consent-id`,
  eventId: `${FHIR_PROJECT_BASE}/NamingSystem/event-id`,
  recordId: `${FHIR_PROJECT_BASE}/NamingSystem/record-id`,
  batchId: `${FHIR_PROJECT_BASE}/NamingSystem/batch-id`,
  studyId: `${FHIR_PROJECT_BASE}/NamingSystem/study-id`,
  /** Identity hashes (sha256 of a certificate ID, hex): pseudonymous users. */
  identityHash: `${FHIR_PROJECT_BASE}/NamingSystem/identity-hash`,
  /** A Group identified by a caller role: "every caller with this role". */
  roleGroup: `${FHIR_PROJECT_BASE}/NamingSystem/role-group`,
  /** Member institutions inside an organization (registry codes `inst-...`): an Organization. */
  institutionId: `${FHIR_PROJECT_BASE}/NamingSystem/institution-id`,
  /** Devices of the platform; the ledger itself is `consent-ledger`. */
  device: `${FHIR_PROJECT_BASE}/NamingSystem/device`,
} as const;

/**
 * Identifier systems of whom references name logically: the server serves no Patient,
 * Organization, Practitioner or RelatedPerson resource (patients are pseudonyms, organizations
 * MSP IDs), so a reference to one is `{type, identifier}` and never pretends to resolve.
 */
export const REFERENCE_SYSTEM = {
  Patient: `${FHIR_PROJECT_BASE}/NamingSystem/patient-pseudonym`,
  Organization: `${FHIR_PROJECT_BASE}/NamingSystem/msp-id`,
  Practitioner: `${FHIR_PROJECT_BASE}/NamingSystem/practitioner-id`,
  RelatedPerson: `${FHIR_PROJECT_BASE}/NamingSystem/guardian-id`,
} as const;

/** A type referenced logically (by identifier). */
export type LogicalType = keyof typeof REFERENCE_SYSTEM;

/** A logical reference: the type and its identifier, no `reference` (nothing to resolve). */
export function logicalReference(type: LogicalType, value: string): fhir4.Reference {
  return { type, identifier: { system: REFERENCE_SYSTEM[type], value } };
}

/**
 * `Type/id` of a reference as a client may write it: literal (`reference`) as given, or logical
 * (a type of {@link REFERENCE_SYSTEM} with an identifier in its system); undefined otherwise.
 */
export function referenceKey(reference: fhir4.Reference | undefined): string | undefined {
  if (reference === undefined) return undefined;
  if (reference.reference !== undefined) return reference.reference;
  const { type, identifier } = reference;
  const system = Object.entries(REFERENCE_SYSTEM).find(([name]) => name === type)?.[1];
  if (system === undefined || identifier?.system !== system || identifier.value === undefined)
    return undefined;
  return `${type ?? ''}/${identifier.value}`;
}

/** The project's extensions. */
export const EXTENSION = {
  /** Fabric transaction ID (valueString, 64 hex). */
  txId: `${FHIR_PROJECT_BASE}/StructureDefinition/ledger-tx-id`,
  /** Ledger consent status (valueCoding, {@link PROJECT_SYSTEM.consentStatus}). */
  consentStatus: `${FHIR_PROJECT_BASE}/StructureDefinition/ledger-consent-status`,
  /** When the consent was revoked (valueDateTime). */
  revokedAt: `${FHIR_PROJECT_BASE}/StructureDefinition/revoked-at`,
  /** Access decision reason (valueCoding, {@link PROJECT_SYSTEM.decisionReason}). */
  decisionReason: `${FHIR_PROJECT_BASE}/StructureDefinition/decision-reason`,
  /** Break-glass access (valueBoolean). */
  breakGlass: `${FHIR_PROJECT_BASE}/StructureDefinition/break-glass`,
  /** Emergency details (complex: reasonCode, justificationHash, reviewStatus, reviewOutcome, reviewedAt, reviewerIdHash, reviewCommentHash). */
  emergency: `${FHIR_PROJECT_BASE}/StructureDefinition/emergency`,
  /** Requested data category (valueCoding, repeats). */
  dataCategory: `${FHIR_PROJECT_BASE}/StructureDefinition/data-category`,
  /** Requested data period (valuePeriod). */
  dataPeriod: `${FHIR_PROJECT_BASE}/StructureDefinition/data-period`,
  /** Research study of a cohort inclusion (valueIdentifier). */
  cohortStudy: `${FHIR_PROJECT_BASE}/StructureDefinition/cohort-study`,
  /** Accessor's region (complex: province, city, county; valueCode, GB/T 2260). */
  region: `${FHIR_PROJECT_BASE}/StructureDefinition/region`,
  /** SHA-256 of a record, hex (valueString). */
  sha256: `${FHIR_PROJECT_BASE}/StructureDefinition/sha256`,
  /** Anchored version number of a record (valuePositiveInt). */
  recordVersion: `${FHIR_PROJECT_BASE}/StructureDefinition/record-version`,
  /** Merkle root of a batch, hex (valueString). */
  merkleRoot: `${FHIR_PROJECT_BASE}/StructureDefinition/merkle-root`,
  /** Leaf index of a batch member (valueUnsignedInt). */
  leafIndex: `${FHIR_PROJECT_BASE}/StructureDefinition/merkle-leaf-index`,
  /**
   * The statement the patient (or a guardian) signed for a new Consent (complex: `statement`, the
   * canonical JSON text exactly as signed, valueString; `signature`, base64url, valueString).
   */
  signedAction: `${FHIR_PROJECT_BASE}/StructureDefinition/signed-action`,
  /** Cross-version (R5 `Provenance.patient`) extension, valueReference(Patient). */
  provenancePatient: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-Provenance.patient',
} as const;

/** The ledger, as the observer of audit events (a logical Device reference). */
export const LEDGER_DEVICE: fhir4.Reference = {
  type: 'Device',
  identifier: { system: NAMING_SYSTEM.device, value: 'consent-ledger' },
  display: 'Consent Ledger',
};

const PURPOSE_CODES: Readonly<Record<Purpose, fhir4.Coding>> = {
  treatment: { system: SYSTEM.actReason, code: 'TREAT', display: 'treatment' },
  referral: { system: SYSTEM.actReason, code: 'COC', display: 'coordination of care' },
  emergency: { system: SYSTEM.actReason, code: 'ETREAT', display: 'Emergency Treatment' },
  research: { system: SYSTEM.actReason, code: 'HRESCH', display: 'healthcare research' },
  'public-health': { system: SYSTEM.actReason, code: 'PUBHLTH', display: 'public health' },
  insurance: { system: SYSTEM.actReason, code: 'HPAYMT', display: 'healthcare payment' },
};

/** v3-ActReason "break the glass", added to the purposes of a break-glass access event. */
export const BREAK_THE_GLASS: fhir4.Coding = {
  system: SYSTEM.actReason,
  code: 'BTG',
  display: 'break the glass',
};

const CATEGORY_DISPLAY: Readonly<Record<Category, string>> = {
  outpatient: 'Outpatient records',
  inpatient: 'Inpatient records',
  imaging: 'Imaging',
  laboratory: 'Laboratory results',
  medication: 'Medication',
  wearable: 'Wearable device data',
  genomic: 'Genomic data',
};

function isPurpose(value: string): value is Purpose {
  return (PURPOSES as readonly string[]).includes(value);
}

/** Whether `value` is one of the ledger's data categories. */
export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

/**
 * The v3-ActReason coding of a ledger purpose: treatment TREAT, referral COC (coordination of
 * care, a specialization of TREAT, so the ledger's referral stays distinct), emergency ETREAT,
 * research HRESCH, public-health PUBHLTH, insurance HPAYMT. A value outside the vocabulary keeps
 * its code in the project's purpose code system.
 */
export function purposeCoding(purpose: string): fhir4.Coding {
  return isPurpose(purpose)
    ? { ...PURPOSE_CODES[purpose] }
    : { system: PROJECT_SYSTEM.purpose, code: purpose };
}

/** The ledger purpose of a coding (inverse of {@link purposeCoding}), or undefined. */
export function purposeOf(coding: fhir4.Coding): Purpose | undefined {
  if (coding.system === PROJECT_SYSTEM.purpose)
    return coding.code !== undefined && isPurpose(coding.code) ? coding.code : undefined;
  if (coding.system !== SYSTEM.actReason) return undefined;
  return PURPOSES.find((purpose) => PURPOSE_CODES[purpose].code === coding.code);
}

/** The project data-category coding of a ledger category. */
export function categoryCoding(category: string): fhir4.Coding {
  return {
    system: PROJECT_SYSTEM.dataCategory,
    code: category,
    ...(isCategory(category) ? { display: CATEGORY_DISPLAY[category] } : {}),
  };
}

/** The ledger category of a coding, or undefined. */
export function categoryOf(coding: fhir4.Coding): Category | undefined {
  return coding.system === PROJECT_SYSTEM.dataCategory &&
    coding.code !== undefined &&
    isCategory(coding.code)
    ? coding.code
    : undefined;
}

/** The display of each sensitivity label (HL7 v3 ActCode, InformationSensitivityPolicy). */
const LABEL_DISPLAY: Readonly<Record<SensitivityLabel, string>> = {
  ETH: 'substance abuse information sensitivity',
  GDIS: 'genetic disease information sensitivity',
  HIV: 'HIV/AIDS information sensitivity',
  PSY: 'psychiatry disorder information sensitivity',
  SEX: 'sexuality and reproductive health information sensitivity',
  STD: 'sexually transmitted disease information sensitivity',
};

/** A security label (Consent.provision.securityLabel) of a sensitivity label. */
export function securityLabelCoding(label: SensitivityLabel): fhir4.Coding {
  return { system: SECURITY_LABEL_SYSTEM, code: label, display: LABEL_DISPLAY[label] };
}

/** The sensitivity label of a security label coding, or undefined. */
export function sensitivityOf(coding: fhir4.Coding): SensitivityLabel | undefined {
  return coding.system === SECURITY_LABEL_SYSTEM &&
    coding.code !== undefined &&
    (SENSITIVITY_LABELS as readonly string[]).includes(coding.code)
    ? (coding.code as SensitivityLabel)
    : undefined;
}

/** The project role coding of a caller role. */
export function roleCoding(role: string): fhir4.Coding {
  return { system: PROJECT_SYSTEM.role, code: role };
}

/** A logical reference to a record (by its record ID, typed DocumentReference). */
export function recordReference(recordId: string): fhir4.Reference {
  return {
    type: 'DocumentReference',
    identifier: { system: NAMING_SYSTEM.recordId, value: recordId },
  };
}

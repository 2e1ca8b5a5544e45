/**
 * What the FHIR mappers read and write of the ledger's models. The models are ledger-api's
 * (@consent-ledger/ledger-api); these views are derived from them, not restated, where the FHIR
 * layer accepts more than a model requires: the whole role code system in a grantee (the ledger
 * grants GRANTEE_ROLES only and refuses the others), codes a mapper renders as given, fields it
 * renders only when present (who anchored a version, an accessor's region), and the one field FHIR
 * adds itself (the batch of an anchor).
 */
import type {
  AccessEvent,
  Batch,
  BatchItem,
  Consent,
  ConsentException,
  ConsentGrantee,
  ConsentInput,
  RecordAnchor,
  Role,
  SignedAction,
  SignedBy,
} from '@consent-ledger/ledger-api';

/** A grantee as a FHIR Consent names it: any role of the project's role code system. */
export interface GranteeTerms extends Omit<ConsentGrantee, 'role'> {
  readonly role?: Role;
}

/** An exception (nested deny provision) as a FHIR Consent states it. */
export interface ExceptionTerms extends Omit<ConsentException, 'grantee'> {
  readonly grantee?: GranteeTerms;
}

/** The terms of a consent as a FHIR Consent states them (ledger-api's ConsentInput). */
export interface ConsentTerms extends Omit<ConsentInput, 'grantee' | 'exceptions'> {
  readonly grantee?: GranteeTerms;
  readonly exceptions?: readonly ExceptionTerms[];
}

/**
 * A consent of the ledger as the Consent mapper reads it (no exceptions when left out; the
 * patient as performer when who signed is not known). The salt and the home are not rendered.
 */
export interface ConsentView extends Omit<
  Consent,
  'grantee' | 'exceptions' | 'signedBy' | 'salt' | 'patientHome'
> {
  readonly grantee?: GranteeTerms;
  readonly exceptions?: readonly ExceptionTerms[];
  /** Who signed the version: Consent.performer (the Patient, or a RelatedPerson for a guardian). */
  readonly signedBy?: SignedBy;
}

/**
 * A new consent as POST /fhir/Consent states it: the terms mapped from the resource, the patient
 * and performer it names, and the statement the patient (or guardian) signed, from the resource's
 * signed-action extension. The ledger writes the statement's payload, so the terms must equal it.
 */
export interface ConsentSubmission {
  readonly terms: ConsentTerms;
  /** `Consent.patient`. */
  readonly patientId: string;
  /** `Consent.performer`, when given. */
  readonly performer?: SignedBy;
  readonly action: SignedAction;
}

/**
 * A change of a consent as PUT /fhir/Consent/:id states it: `update` (status active: the mapped
 * terms replace the consent's) or `revoke` (status inactive), with the statement the patient (or a
 * guardian) signed for it (consent:UpdateConsent or consent:RevokeConsent).
 */
export interface ConsentChangeSubmission {
  readonly consentId: string;
  readonly kind: 'update' | 'revoke';
  /** The new terms (update only). */
  readonly terms?: ConsentTerms;
  /** `Consent.patient`. */
  readonly patientId: string;
  /** `Consent.performer`, when given. */
  readonly performer?: SignedBy;
  readonly action: SignedAction;
}

/**
 * An access event as the AuditEvent mapper reads it: the region extension when known, and purpose,
 * categories and reason rendered as given (a code outside the vocabulary keeps its code).
 */
export interface AccessEventView extends Omit<
  AccessEvent,
  'accessorRegion' | 'purpose' | 'categories' | 'reason' | 'salt' | 'patientHome'
> {
  readonly accessorRegion?: AccessEvent['accessorRegion'];
  readonly purpose: string;
  readonly categories: readonly string[];
  readonly reason: string;
}

/**
 * An anchored version as the Provenance mapper reads it (the patient and category only when this
 * organization holds the record's link).
 */
export interface AnchorView extends Omit<RecordAnchor, 'anchoredBy'> {
  /** Who anchored it: the enterer agent when known. */
  readonly anchoredBy?: string;
  /** The batch the version was anchored in, when the FHIR layer knows it. */
  readonly batchId?: string;
}

/** A record's history (ledger-api's RecordHistory) as Provenance search reads it. */
export interface RecordHistoryView {
  readonly head: AnchorView;
  readonly versions: readonly AnchorView[];
}

/** A batch as the Provenance mapper reads it (who anchored it is not rendered). */
export type BatchView = Omit<Batch, 'anchoredBy'>;

/**
 * A batch item as the Provenance mapper reads it: any category code is rendered as given; the
 * salt is not rendered.
 */
export type BatchItemView = Readonly<Record<Exclude<keyof BatchItem, 'salt'>, string>>;

/** What the record extensions of a Provenance read: the patient and category when known. */
export type RecordView = Partial<Pick<BatchItemView, 'patientId' | 'category'>> &
  Pick<BatchItemView, 'sha256'>;

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
  Consent,
  ConsentException,
  ConsentGrantee,
  ConsentInput,
  RecordAnchor,
  RecordItem,
  Role,
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

/** A consent of the ledger as the Consent mapper reads it (no exceptions when left out). */
export interface ConsentView extends Omit<Consent, 'grantee' | 'exceptions'> {
  readonly grantee?: GranteeTerms;
  readonly exceptions?: readonly ExceptionTerms[];
}

/**
 * An access event as the AuditEvent mapper reads it: the region extension when known, and purpose,
 * categories and reason rendered as given (a code outside the vocabulary keeps its code).
 */
export interface AccessEventView extends Omit<
  AccessEvent,
  'accessorRegion' | 'purpose' | 'categories' | 'reason'
> {
  readonly accessorRegion?: AccessEvent['accessorRegion'];
  readonly purpose: string;
  readonly categories: readonly string[];
  readonly reason: string;
}

/** An anchored version as the Provenance mapper reads it. */
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

/** A batch item as the Provenance mapper reads it: any category code is rendered as given. */
export type BatchItemView = Readonly<Record<keyof RecordItem, string>>;

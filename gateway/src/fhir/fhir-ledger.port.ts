import type {
  AccessEventQuery,
  ConsentChange,
  ConsentQuery,
  Page,
  ResultTotal,
} from '@consent-ledger/ledger-api';
import type { ProvenanceSearch } from './fhir-search.params.js';
import type {
  AccessEventView,
  ConsentChangeSubmission,
  ConsentSubmission,
  ConsentView,
  RecordHistoryView,
} from './ledger-views.js';

/**
 * What the FHIR API needs from the ledger, implemented by the gateway's services (the FHIR
 * folder depends on this port only). `caller` is the authenticated user exactly as the auth guard
 * put it on the request (`request.user`); the FHIR layer never looks inside it. Errors are the
 * ledger's (`CODE: message`, mapped to HTTP by the global exception filter).
 */
export interface FhirLedgerPort<TCaller = unknown> {
  /**
   * `consent:GrantConsent` with the statement the patient (or a guardian) signed. The ledger
   * writes the statement's payload: the implementation MUST refuse (INVALID_ARGUMENT) terms that
   * differ from it, and (FORBIDDEN) a patient or performer other than the statement's and the
   * caller's session's.
   */
  grantConsent(caller: TCaller, submission: ConsentSubmission): Promise<ConsentView>;
  /**
   * `consent:UpdateConsent` (kind update) or `consent:RevokeConsent` (kind revoke) with the
   * statement the patient (or a guardian) signed: the same rules as {@link grantConsent} (the terms
   * of an update must equal the statement's payload; the patient must be the caller's session's).
   */
  changeConsent(caller: TCaller, change: ConsentChangeSubmission): Promise<ConsentView>;
  /** `consent:GetConsent` (CONSENT_NOT_FOUND when unknown). */
  getConsent(caller: TCaller, consentId: string): Promise<ConsentView>;
  /** `consent:GetConsentHistory`: every version, oldest first (CONSENT_NOT_FOUND when unknown). */
  getConsentHistory(caller: TCaller, consentId: string): Promise<readonly ConsentVersionView[]>;
  /** `consent:QueryConsents`. */
  queryConsents(caller: TCaller, filter: ConsentQuery): Promise<Page<ConsentView>>;
  /**
   * `audit:QueryAccessEvents`; `from` is inclusive, `to` exclusive; newest first unless `order`
   * is `asc`; `total` when `withTotal`.
   */
  queryAccessEvents(
    caller: TCaller,
    filter: AccessEventQuery,
  ): Promise<Page<AccessEventView> & { readonly total?: ResultTotal }>;
  /** `audit:GetAccessEvent` (EVENT_NOT_FOUND when unknown). */
  getAccessEvent(caller: TCaller, eventId: string): Promise<AccessEventView>;
  /**
   * `records:GetRecord` of the record of `owner` (the caller's organization when absent: record
   * IDs are scoped by their owner); undefined when the record is unknown (RECORD_NOT_FOUND).
   */
  getRecord(caller: TCaller, record: ProvenanceSearch): Promise<RecordHistoryView | undefined>;
}

/** One version of a consent as its history gives it. */
export interface ConsentVersionView {
  readonly version: number;
  readonly change: ConsentChange;
  /** When the version was written. */
  readonly time: string;
  readonly consent: ConsentView;
}

/** Injection token of the {@link FhirLedgerPort}. */
export const FHIR_LEDGER_PORT = Symbol('FHIR_LEDGER_PORT');

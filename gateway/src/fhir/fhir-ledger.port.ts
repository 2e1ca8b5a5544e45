import type { AccessEventQuery, ConsentQuery, Page } from '@consent-ledger/ledger-api';
import type {
  AccessEventView,
  ConsentTerms,
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
   * `consent:GrantConsent`. `patientId` is the pseudonym the FHIR Consent names
   * (`Consent.patient`): the ledger takes the patient from the caller's certificate, so the
   * implementation MUST refuse with FORBIDDEN unless it is the caller's own pseudonym.
   */
  grantConsent(caller: TCaller, input: ConsentTerms, patientId: string): Promise<ConsentView>;
  /** `consent:GetConsent` (CONSENT_NOT_FOUND when unknown). */
  getConsent(caller: TCaller, consentId: string): Promise<ConsentView>;
  /** `consent:QueryConsents`. */
  queryConsents(caller: TCaller, filter: ConsentQuery): Promise<Page<ConsentView>>;
  /** `audit:QueryAccessEvents`; `from` is inclusive, `to` exclusive. */
  queryAccessEvents(caller: TCaller, filter: AccessEventQuery): Promise<Page<AccessEventView>>;
  /** `records:GetRecord`; undefined when the record is unknown (RECORD_NOT_FOUND). */
  getRecord(caller: TCaller, recordId: string): Promise<RecordHistoryView | undefined>;
}

/** Injection token of the {@link FhirLedgerPort}. */
export const FHIR_LEDGER_PORT = Symbol('FHIR_LEDGER_PORT');

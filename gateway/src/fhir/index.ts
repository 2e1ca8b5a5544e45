/** Public surface of the FHIR feature (what the rest of the gateway wires or reuses). */
export { FhirModule } from './fhir.module.js';
export type { FhirLedgerPortProvider, FhirModuleOptions } from './fhir-module.options.js';
export { FHIR_LEDGER_PORT, type FhirLedgerPort } from './fhir-ledger.port.js';
export type { ProvenanceSearch } from './fhir-search.params.js';
export { FHIR_ROUTE_TRANSACTIONS, type FhirTransaction } from './fhir.controller.js';
export type {
  AccessEventView,
  AnchorView,
  BatchItemView,
  BatchView,
  ConsentChangeSubmission,
  ConsentSubmission,
  ConsentTerms,
  ConsentView,
  ExceptionTerms,
  GranteeTerms,
  RecordHistoryView,
} from './ledger-views.js';
export {
  FHIR_JSON,
  FHIR_JSON_CONTENT_TYPE,
  fhirErrorCode,
  fhirIssueOptions,
  isFhirRequest,
  issueForStatus,
  toOperationOutcome,
  type OperationOutcomeOptions,
} from './operation-outcome.mapper.js';
export { FhirArgumentError, FhirHttpError, INVALID_ARGUMENT } from './fhir.errors.js';
export {
  FhirSchemaValidator,
  fhirSchemaValidator,
  validateResource,
  type FhirValidationError,
  type FhirValidationResult,
} from './fhir-schema.validator.js';
export {
  consentPatientId,
  consentPerformer,
  fromFhirConsent,
  signedActionOf,
  toFhirConsent,
  type ConsentMappingContext,
} from './consent.mapper.js';
export { toAuditEvent } from './audit-event.mapper.js';
export { toBatchMemberProvenance, toProvenance } from './provenance.mapper.js';
export { toCapabilityStatement } from './capability-statement.mapper.js';
export { toSearchBundle, type SearchBundleOptions } from './bundle.mapper.js';
export type * as fhir4 from './fhir-r4.types.js';

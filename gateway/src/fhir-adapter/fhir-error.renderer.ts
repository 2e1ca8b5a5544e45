import type { ErrorRenderer } from '../common/exception.filter.js';
import {
  FHIR_JSON_CONTENT_TYPE,
  fhirErrorCode,
  fhirIssueOptions,
  isFhirRequest,
  toOperationOutcome,
} from '../fhir/index.js';

/**
 * The exception filter's renderer for the FHIR API: under /fhir an error is answered as a FHIR
 * OperationOutcome with the same status and code (the filter keeps the code -> status map).
 */
export const FHIR_ERROR_RENDERER: ErrorRenderer = {
  handles: (path) => isFhirRequest(path),
  render: (body, exception) => ({
    contentType: FHIR_JSON_CONTENT_TYPE,
    body: JSON.stringify(
      toOperationOutcome(
        body.statusCode,
        fhirErrorCode(exception, body.code),
        body.message,
        fhirIssueOptions(exception),
      ),
    ),
  }),
};

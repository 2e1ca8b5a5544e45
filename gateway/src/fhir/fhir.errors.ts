import { BadRequestException } from '@nestjs/common';
import type * as fhir4 from './fhir-r4.types.js';
import type { FhirValidationError } from './fhir-schema.validator.js';

/** The ledger's error code for malformed input (docs/ledger-api.md), HTTP 400. */
export const INVALID_ARGUMENT = 'INVALID_ARGUMENT';

/**
 * A FHIR request the ledger cannot accept: a schema violation, or an element that has no
 * representation in the ledger's model. It is a 400 `HttpException` carrying the ledger code
 * `INVALID_ARGUMENT` (as `code`, and in the response body), a message that names the element, and
 * the OperationOutcome issue type and FHIRPath expressions (see `fhirIssueOptions`).
 */
export class FhirArgumentError extends BadRequestException {
  readonly code = INVALID_ARGUMENT;

  constructor(
    message: string,
    readonly expression: readonly string[],
    readonly issueType: fhir4.IssueType = 'invalid',
  ) {
    super({ statusCode: 400, code: INVALID_ARGUMENT, message }, { description: message });
  }

  /** The element at `expression` is not acceptable: `<expression> <detail>`. */
  static at(
    expression: string,
    detail: string,
    issueType: fhir4.IssueType = 'invalid',
  ): FhirArgumentError {
    return new FhirArgumentError(`${expression} ${detail}`, [expression], issueType);
  }

  /** A resource that fails the FHIR R4 schema (issue type `structure`). */
  static fromValidation(
    resourceType: string,
    errors: readonly FhirValidationError[],
  ): FhirArgumentError {
    const details = errors.map((error) => `${error.expression} ${error.message}`).join('; ');
    return new FhirArgumentError(
      `${resourceType} is not a valid FHIR R4 resource: ${details}`,
      errors.map((error) => error.expression),
      'structure',
    );
  }
}

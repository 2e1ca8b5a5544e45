import { BadRequestException, HttpException } from '@nestjs/common';
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

/** What a {@link FhirHttpError} is made of. */
export interface FhirHttpErrorOptions {
  /** HTTP status (404, 405, 406, 412, 415, 428, ...). */
  readonly status: number;
  /** The error code of the OperationOutcome's `issue.details` (e.g. `METHOD_NOT_ALLOWED`). */
  readonly code: string;
  readonly message: string;
  readonly issueType: fhir4.IssueType;
  readonly expression?: readonly string[];
}

/**
 * A refusal the FHIR API states itself (an unsupported type or interaction, format or version
 * precondition): an `HttpException` of the given status whose OperationOutcome carries `code`
 * and `issueType` (see `fhirIssueOptions`).
 */
export class FhirHttpError extends HttpException {
  readonly code: string;
  readonly issueType: fhir4.IssueType;
  readonly expression: readonly string[];

  constructor(options: Readonly<FhirHttpErrorOptions>) {
    super(
      { statusCode: options.status, code: options.code, message: options.message },
      options.status,
      { description: options.message },
    );
    this.name = 'FhirHttpError';
    this.code = options.code;
    this.issueType = options.issueType;
    this.expression = options.expression ?? [];
  }

  /** 404: a resource type this server does not serve. */
  static unknownType(type: string, served: readonly string[]): FhirHttpError {
    return new FhirHttpError({
      status: 404,
      code: 'NOT_FOUND',
      message: `resource type ${type} is not supported (served: ${served.join(', ')})`,
      issueType: 'not-supported',
    });
  }

  /** 405: an interaction the server does not offer on a type it serves. */
  static notAllowed(what: string, allowed: readonly string[]): FhirHttpError {
    return new FhirHttpError({
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      message: `${what} is not supported (allowed: ${allowed.length === 0 ? 'none' : allowed.join(', ')})`,
      issueType: 'not-supported',
    });
  }

  /** 406: a response format other than JSON was asked for. */
  static notAcceptable(asked: string): FhirHttpError {
    return new FhirHttpError({
      status: 406,
      code: 'NOT_ACCEPTABLE',
      message: `${asked} is not served: this server answers application/fhir+json only`,
      issueType: 'not-supported',
      expression: ['_format'],
    });
  }

  /** 415: a request body in another format than JSON (or a form for `_search`). */
  static unsupportedMediaType(mediaType: string): FhirHttpError {
    return new FhirHttpError({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: `a ${mediaType} body is not accepted: send application/fhir+json`,
      issueType: 'not-supported',
    });
  }

  /** 412: `If-Match` names another version than the current one. */
  static versionMismatch(current: number, asked: string): FhirHttpError {
    return new FhirHttpError({
      status: 412,
      code: 'PRECONDITION_FAILED',
      message: `If-Match ${asked} does not match the current version W/"${String(current)}"`,
      issueType: 'conflict',
    });
  }

  /** 400 too-costly: a search that matches more than the server sorts and counts at once. */
  static tooCostly(limit: number): FhirHttpError {
    return new FhirHttpError({
      status: 400,
      code: INVALID_ARGUMENT,
      message: `the search matches more than ${String(limit)} resources: narrow it (e.g. by date or patient)`,
      issueType: 'too-costly',
    });
  }
}

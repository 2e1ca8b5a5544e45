import type * as fhir4 from './fhir-r4.types.js';
import { FhirArgumentError, FhirHttpError } from './fhir.errors.js';
import { PROJECT_SYSTEM } from './fhir-terminology.js';

/** The FHIR JSON media type. */
export const FHIR_JSON = 'application/fhir+json';
/** Content-Type of every response under /fhir. */
export const FHIR_JSON_CONTENT_TYPE = 'application/fhir+json; charset=utf-8';

/** Optional refinements of an issue (from a {@link FhirArgumentError}). */
export interface OperationOutcomeOptions {
  /** Overrides the issue type derived from the HTTP status (e.g. `structure` for a 400). */
  readonly issueType?: fhir4.IssueType;
  /** FHIRPath expressions of the offending elements. */
  readonly expression?: readonly string[];
}

/**
 * The OperationOutcome issue type and severity of an HTTP status: 400 invalid, 401 login,
 * 403 forbidden, 404 not-found, 405/406/415 not-supported, 409 conflict (also 412), 413 too-long,
 * 422 business-rule, 429 throttled, 503/504 transient, 500 and any other 5xx exception (fatal for
 * 500), any other 4xx processing.
 */
export function issueForStatus(statusCode: number): {
  severity: fhir4.IssueSeverity;
  code: fhir4.IssueType;
} {
  const code = ISSUE_BY_STATUS.get(statusCode);
  if (code !== undefined) return { severity: statusCode === 500 ? 'fatal' : 'error', code };
  return { severity: 'error', code: statusCode >= 500 ? 'exception' : 'processing' };
}

const ISSUE_BY_STATUS: ReadonlyMap<number, fhir4.IssueType> = new Map<number, fhir4.IssueType>([
  [400, 'invalid'],
  [401, 'login'],
  [403, 'forbidden'],
  [404, 'not-found'],
  [405, 'not-supported'],
  [406, 'not-supported'],
  [409, 'conflict'],
  [412, 'conflict'],
  [413, 'too-long'],
  [415, 'not-supported'],
  [422, 'business-rule'],
  [429, 'throttled'],
  [500, 'exception'],
  [503, 'transient'],
  [504, 'transient'],
]);

const CODE_PATTERN = /^[^\s]+(\s[^\s]+)*$/;

/**
 * The OperationOutcome of an error response. `code` is the ledger's error code (e.g.
 * `CONSENT_NOT_FOUND`), carried in `issue.details.coding` (project error-code system); `message`
 * becomes `issue.details.text`. The caller owns the code -> HTTP status map; this owns status ->
 * issue.
 */
export function toOperationOutcome(
  statusCode: number,
  code: string,
  message: string,
  options: OperationOutcomeOptions = {},
): fhir4.OperationOutcome {
  const base = issueForStatus(statusCode);
  const issue: fhir4.OperationOutcomeIssue = {
    severity: base.severity,
    code: options.issueType ?? base.code,
  };
  const details: fhir4.CodeableConcept = {};
  if (CODE_PATTERN.test(code)) details.coding = [{ system: PROJECT_SYSTEM.errorCode, code }];
  if (message.trim() !== '') details.text = message;
  if (details.coding !== undefined || details.text !== undefined) issue.details = details;
  if (options.expression !== undefined && options.expression.length > 0)
    issue.expression = [...options.expression];
  return { resourceType: 'OperationOutcome', issue: [issue] };
}

/** The issue refinements an exception carries ({@link FhirArgumentError}, {@link FhirHttpError}). */
export function fhirIssueOptions(exception: unknown): OperationOutcomeOptions {
  return exception instanceof FhirArgumentError || exception instanceof FhirHttpError
    ? { issueType: exception.issueType, expression: exception.expression }
    : {};
}

/**
 * The error code an OperationOutcome names for an exception: a {@link FhirHttpError}'s own
 * (e.g. `METHOD_NOT_ALLOWED`, `PRECONDITION_FAILED`), else the one the exception filter derived.
 */
export function fhirErrorCode(exception: unknown, code: string): string {
  return exception instanceof FhirHttpError ? exception.code : code;
}

/**
 * Whether a request path is under the FHIR API (`/fhir`, `/fhir/...`, with an optional query),
 * after an optional global prefix (`api` or `/api/`).
 */
export function isFhirRequest(path: string, globalPrefix = ''): boolean {
  const prefix = globalPrefix.replace(/^\/+|\/+$/g, '');
  const root = prefix === '' ? '/fhir' : `/${prefix}/fhir`;
  const pathOnly = path.split(/[?#]/, 1)[0] ?? '';
  return pathOnly === root || pathOnly.startsWith(`${root}/`);
}

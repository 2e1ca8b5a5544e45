import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { CommitError, CommitStatusError, GatewayError } from '@hyperledger/fabric-gateway';
import type { Request, Response } from 'express';
import {
  FHIR_JSON_CONTENT_TYPE,
  fhirIssueOptions,
  isFhirRequest,
  toOperationOutcome,
} from '../fhir/index.js';
import { toLedgerError } from '../ledger/ledger-errors.js';
import { DomainError, NOT_FOUND_CODES, type ErrorCode } from './errors.js';

/** The JSON body of every error answer. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly code: ErrorCode;
  readonly message: string;
}

const NOT_FOUND: ReadonlySet<string> = new Set(NOT_FOUND_CODES);

/** HTTP status of each error code. */
export function statusOf(code: ErrorCode): number {
  if (NOT_FOUND.has(code)) return 404;
  switch (code) {
    case 'INVALID_ARGUMENT':
      return 400;
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'CONFLICT':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'RULE_VIOLATION':
      return 422;
    case 'TOO_MANY_REQUESTS':
      return 429;
    case 'NOT_IMPLEMENTED':
      return 501;
    case 'LEDGER_REJECTED':
      return 502;
    case 'LEDGER_UNAVAILABLE':
      return 503;
    default:
      return 500;
  }
}

function codeOfStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
    case 422:
      return status === 415 ? 'INVALID_ARGUMENT' : 'RULE_VIOLATION';
    case 429:
      return 'TOO_MANY_REQUESTS';
    case 501:
      return 'NOT_IMPLEMENTED';
    case 503:
      return 'LEDGER_UNAVAILABLE';
    default:
      return status >= 400 && status < 500 ? 'INVALID_ARGUMENT' : 'INTERNAL';
  }
}

function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const { message } = response as { message?: unknown };
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/** Errors of Express's body parsers (malformed JSON, too large, bad charset). */
function bodyParserError(exception: unknown): { status: number; message: string } | undefined {
  if (!(exception instanceof Error)) return undefined;
  const { type, status } = exception as Error & { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number') return undefined;
  if (type === 'entity.parse.failed') return { status: 400, message: 'malformed JSON body' };
  return { status, message: exception.message };
}

/**
 * Maps anything thrown to `{statusCode, code, message}`: domain errors and the chaincode's coded
 * errors by code, Nest's HTTP exceptions by status, fabric-gateway errors through their parsed
 * code, and anything else to a 500 that hides its details.
 */
export function toErrorBody(exception: unknown): ErrorBody {
  let error = exception;
  if (
    error instanceof GatewayError ||
    error instanceof CommitError ||
    error instanceof CommitStatusError
  )
    error = toLedgerError(error, 'ledger');
  if (error instanceof DomainError) {
    const statusCode = statusOf(error.code);
    return {
      statusCode,
      code: error.code,
      message: statusCode >= 500 && error.code === 'INTERNAL' ? 'internal error' : error.message,
    };
  }
  if (error instanceof HttpException) {
    const statusCode = error.getStatus();
    return { statusCode, code: codeOfStatus(statusCode), message: httpMessage(error) };
  }
  const parsed = bodyParserError(error);
  if (parsed !== undefined)
    return {
      statusCode: parsed.status,
      code: codeOfStatus(parsed.status),
      message: parsed.message,
    };
  return { statusCode: 500, code: 'INTERNAL', message: 'internal error' };
}

/**
 * The gateway's one exception filter (registered as APP_FILTER): `{statusCode, code, message}`,
 * or under /fhir the same code and status as a FHIR OperationOutcome.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  readonly #logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = toErrorBody(exception);
    if (body.statusCode >= 500)
      this.#logger.error(
        { err: exception, code: body.code },
        exception instanceof Error ? exception.message : 'non-error thrown',
      );
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    const request = http.getRequest<Request | undefined>();
    if (request !== undefined && isFhirRequest(request.path)) {
      const outcome = toOperationOutcome(
        body.statusCode,
        body.code,
        body.message,
        fhirIssueOptions(exception),
      );
      response.status(body.statusCode).type(FHIR_JSON_CONTENT_TYPE).send(JSON.stringify(outcome));
      return;
    }
    response.status(body.statusCode).json(body);
  }
}

import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, NOT_FOUND_CODES, TooManyRequestsError, type ErrorCode } from './errors.js';

/** The JSON body of every error answer. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly code: ErrorCode;
  readonly message: string;
}

/** Turns an error of another layer (e.g. fabric-gateway's) into a domain error; others unchanged. */
export type ErrorTranslator = (exception: unknown) => unknown;

/** A response an {@link ErrorRenderer} writes instead of the JSON body. */
export interface RenderedError {
  readonly contentType: string;
  readonly body: string;
}

/** Answers the errors of some requests in another format (e.g. FHIR's OperationOutcome). */
export interface ErrorRenderer {
  /** Whether it answers the request of this path. */
  handles(path: string): boolean;
  /** The response for an error: `body` is what the JSON answer would be. */
  render(body: ErrorBody, exception: unknown): RenderedError;
}

/** What the feature layers give the one exception filter (common depends on none of them). */
export interface ExceptionFilterOptions {
  readonly translate?: ErrorTranslator;
  /** The first renderer that handles a request's path answers it. */
  readonly renderers?: readonly ErrorRenderer[];
}

const NOT_FOUND: ReadonlySet<string> = new Set(NOT_FOUND_CODES);

const unchanged: ErrorTranslator = (exception) => exception;

/** HTTP status of each error code. */
export function statusOf(code: ErrorCode): number {
  if (NOT_FOUND.has(code)) return 404;
  switch (code) {
    case 'INVALID_ARGUMENT':
    case 'DUPLICATE_KEY':
    case 'FORBIDDEN_KEY':
      return 400;
    case 'UNAUTHENTICATED':
    case 'TOKEN_EXPIRED':
    case 'OIDC_REFUSED':
      return 401;
    case 'FORBIDDEN':
    case 'OIDC_ROLE_REFUSED':
      return 403;
    case 'CONFLICT':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'LENGTH_REQUIRED':
      return 411;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'RULE_VIOLATION':
    case 'ETHICS_APPROVAL_REQUIRED':
    case 'COHORT_TOO_SMALL':
      return 422;
    case 'TOO_MANY_REQUESTS':
      return 429;
    case 'NOT_IMPLEMENTED':
      return 501;
    case 'LEDGER_REJECTED':
      return 502;
    case 'LEDGER_UNAVAILABLE':
    case 'IDP_UNAVAILABLE':
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
    case 411:
      return 'LENGTH_REQUIRED';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 422:
      return 'RULE_VIOLATION';
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

/** Longest error message answered: longer ones are cut (error bodies stay small). */
export const MAX_ERROR_MESSAGE = 1000;

/**
 * The gateway's own text for an HTTP status, answered for the HTTP exceptions of Nest and of
 * libraries (ThrottlerException, an unknown route's "Cannot GET /x", ...), whose texts are theirs.
 */
const STATUS_MESSAGES: ReadonlyMap<number, string> = new Map([
  [400, 'invalid request'],
  [401, 'authentication required'],
  [403, 'forbidden'],
  [404, 'not found'],
  [405, 'method not allowed'],
  [406, 'not acceptable'],
  [408, 'request timeout'],
  [409, 'conflict'],
  [411, 'length required'],
  [413, 'the request body is too large'],
  [415, 'unsupported media type'],
  [422, 'unprocessable request'],
  [429, 'too many requests: try again later'],
  [501, 'not implemented'],
  [503, 'service unavailable'],
]);

function statusMessage(status: number): string {
  return STATUS_MESSAGES.get(status) ?? (status >= 500 ? 'internal error' : 'invalid request');
}

/**
 * The message of an HTTP exception: its own when the gateway made it (an exception whose response
 * names a `code`, as FHIR's argument errors do), else the status's text.
 */
function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response !== 'object') return statusMessage(exception.getStatus());
  const { message, code } = response as { message?: unknown; code?: unknown };
  if (typeof code !== 'string') return statusMessage(exception.getStatus());
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : statusMessage(exception.getStatus());
}

/** Our texts for body-parser's (and raw-body's) error types; others get the status's text. */
const BODY_PARSER_MESSAGES: ReadonlyMap<string, string> = new Map([
  ['entity.parse.failed', 'malformed JSON body'],
  ['entity.too.large', 'the request body is too large'],
  [
    'encoding.unsupported',
    'compressed request bodies are not accepted: send Content-Encoding identity',
  ],
  ['charset.unsupported', 'unsupported charset: send UTF-8'],
  ['request.aborted', 'the request body was cut short'],
  ['request.size.invalid', 'the request body does not match its Content-Length'],
  ['parameters.too.many', 'too many form parameters'],
]);

/** Errors of Express's body parsers (malformed JSON, too large, bad charset). */
function bodyParserError(exception: unknown): { status: number; message: string } | undefined {
  if (!(exception instanceof Error)) return undefined;
  const { type, status } = exception as Error & { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number') return undefined;
  const safeStatus = status >= 400 && status < 500 ? status : 400;
  // Our own charset refusal (requireUtf8Body) names the charset; body-parser's texts are not ours.
  if (exception.name === 'UnsupportedCharsetError') return { status, message: exception.message };
  return {
    status: safeStatus,
    message: BODY_PARSER_MESSAGES.get(type) ?? statusMessage(safeStatus),
  };
}

/**
 * Texts of jsonwebtoken and passport-jwt ("jwt signature is required", "invalid algorithm", "No
 * auth token", a token's JSON.parse failure, ...) that a 401 may carry: answered as our own.
 */
const LIBRARY_AUTH_TEXT =
  /^(jwt |invalid (signature|algorithm|token)|maxAge|No auth token|Unexpected |secret or public key|.*is not valid JSON)/;

function unauthenticatedMessage(message: string): string {
  if (message === 'jwt expired') return 'the access token has expired';
  return LIBRARY_AUTH_TEXT.test(message) ? 'invalid access token' : message;
}

function bounded(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE
    ? message
    : `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…`;
}

/**
 * Maps anything thrown to `{statusCode, code, message}`: domain errors and the chaincode's coded
 * errors by code, Nest's HTTP exceptions by status, errors of other layers through `translate`
 * (fabric-gateway errors through their parsed code), and anything else to a 500 that hides its
 * details.
 */
export function toErrorBody(exception: unknown, translate: ErrorTranslator = unchanged): ErrorBody {
  const error = translate(exception);
  if (error instanceof DomainError) {
    const statusCode = statusOf(error.code);
    const message =
      error.code === 'UNAUTHENTICATED' ? unauthenticatedMessage(error.message) : error.message;
    return {
      statusCode,
      code: error.code,
      message: statusCode >= 500 && error.code === 'INTERNAL' ? 'internal error' : bounded(message),
    };
  }
  if (error instanceof HttpException) {
    const statusCode = error.getStatus();
    return { statusCode, code: codeOfStatus(statusCode), message: bounded(httpMessage(error)) };
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
 * or, for the paths a renderer handles (FHIR's /fhir), the same code and status in its format.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  readonly #logger = new Logger('Errors');
  readonly #translate: ErrorTranslator;
  readonly #renderers: readonly ErrorRenderer[];

  constructor(options: Readonly<ExceptionFilterOptions> = {}) {
    this.#translate = options.translate ?? unchanged;
    this.#renderers = options.renderers ?? [];
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = toErrorBody(exception, this.#translate);
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
    if (exception instanceof TooManyRequestsError)
      response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    const request = http.getRequest<Request | undefined>();
    const renderer =
      request === undefined
        ? undefined
        : this.#renderers.find((candidate) => candidate.handles(request.path));
    if (renderer !== undefined) {
      const rendered = renderer.render(body, exception);
      response.status(body.statusCode).type(rendered.contentType).send(rendered.body);
      return;
    }
    response.status(body.statusCode).json(body);
  }
}

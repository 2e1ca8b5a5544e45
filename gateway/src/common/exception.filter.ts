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
      return 400;
    case 'UNAUTHENTICATED':
    case 'TOKEN_EXPIRED':
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
 * errors by code, Nest's HTTP exceptions by status, errors of other layers through `translate`
 * (fabric-gateway errors through their parsed code), and anything else to a 500 that hides its
 * details.
 */
export function toErrorBody(exception: unknown, translate: ErrorTranslator = unchanged): ErrorBody {
  const error = translate(exception);
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

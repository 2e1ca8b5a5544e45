import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
} from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidArgumentError,
  LedgerError,
  LedgerUnavailableError,
  NotFoundError,
  RuleViolationError,
  UnauthenticatedError,
  type ErrorCode,
} from './errors.js';
import {
  GatewayExceptionFilter,
  MAX_ERROR_MESSAGE,
  statusOf,
  toErrorBody,
} from './exception.filter.js';

describe('the exception filter', () => {
  const statuses: [ErrorCode, number][] = [
    ['INVALID_ARGUMENT', 400],
    ['UNAUTHENTICATED', 401],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['CONSENT_NOT_FOUND', 404],
    ['EVENT_NOT_FOUND', 404],
    ['RECORD_NOT_FOUND', 404],
    ['BATCH_NOT_FOUND', 404],
    ['ORG_NOT_FOUND', 404],
    ['REFERRAL_NOT_FOUND', 404],
    ['USER_NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['PAYLOAD_TOO_LARGE', 413],
    ['RULE_VIOLATION', 422],
    ['TOO_MANY_REQUESTS', 429],
    ['INTERNAL', 500],
    ['NOT_IMPLEMENTED', 501],
    ['LEDGER_REJECTED', 502],
    ['LEDGER_UNAVAILABLE', 503],
  ];

  it.each(statuses)('maps %s to %i', (code, status) => {
    expect(statusOf(code)).toBe(status);
    const body = toErrorBody(new DomainError(code, 'because'));
    expect(body).toEqual({
      statusCode: status,
      code,
      message: code === 'INTERNAL' ? 'internal error' : 'because',
    });
  });

  it('maps each domain error class', () => {
    expect(toErrorBody(new InvalidArgumentError('x')).statusCode).toBe(400);
    expect(toErrorBody(new UnauthenticatedError()).statusCode).toBe(401);
    expect(toErrorBody(new ForbiddenError('x')).statusCode).toBe(403);
    expect(toErrorBody(new NotFoundError('CONSENT_NOT_FOUND')).code).toBe('CONSENT_NOT_FOUND');
    expect(toErrorBody(new ConflictError('x')).statusCode).toBe(409);
    expect(toErrorBody(new RuleViolationError('x')).statusCode).toBe(422);
    expect(toErrorBody(new LedgerUnavailableError('x')).statusCode).toBe(503);
  });

  it('maps Nest HTTP exceptions by status', () => {
    // Their texts are Nest's or a library's: the status's own text is answered instead.
    expect(toErrorBody(new BadRequestException(['a', 'b']))).toEqual({
      statusCode: 400,
      code: 'INVALID_ARGUMENT',
      message: 'invalid request',
    });
    expect(toErrorBody(new UnauthorizedException()).code).toBe('UNAUTHENTICATED');
    expect(toErrorBody(new ForbiddenException()).code).toBe('FORBIDDEN');
    expect(toErrorBody(new NotFoundException('Cannot GET /x'))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(toErrorBody(new PayloadTooLargeException()).code).toBe('PAYLOAD_TOO_LARGE');
    // A library's 429 (e.g. @nestjs/throttler's) in our own words, not its class name.
    expect(toErrorBody(new HttpException('ThrottlerException: Too Many Requests', 429))).toEqual({
      statusCode: 429,
      code: 'TOO_MANY_REQUESTS',
      message: 'too many requests: try again later',
    });
    expect(toErrorBody(new NotFoundException('Cannot GET /x')).message).toBe('not found');
  });

  it('keeps the message of an HTTP exception that names its code (the gateway’s own)', () => {
    const own = new BadRequestException({
      statusCode: 400,
      code: 'INVALID_ARGUMENT',
      message: 'x',
    });
    expect(toErrorBody(own).message).toBe('x');
  });

  it('answers our texts for library texts of a 401, and bounds every message', () => {
    for (const text of [
      'jwt signature is required',
      'invalid algorithm',
      'jwt malformed',
      'No auth token',
    ])
      expect(toErrorBody(new UnauthenticatedError(text)).message, text).toBe(
        'invalid access token',
      );
    expect(toErrorBody(new UnauthenticatedError('jwt expired')).message).toBe(
      'the access token has expired',
    );
    expect(toErrorBody(new UnauthenticatedError('wrong username or password')).message).toBe(
      'wrong username or password',
    );
    expect(toErrorBody(new InvalidArgumentError('x'.repeat(5000))).message.length).toBe(
      MAX_ERROR_MESSAGE,
    );
  });

  it('maps body parser errors and hides unknown errors behind a 500', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token'), {
      type: 'entity.parse.failed',
      status: 400,
    });
    expect(toErrorBody(parse)).toEqual({
      statusCode: 400,
      code: 'INVALID_ARGUMENT',
      message: 'malformed JSON body',
    });
    const gzip = Object.assign(new Error('content encoding unsupported'), {
      type: 'encoding.unsupported',
      status: 415,
    });
    expect(toErrorBody(gzip)).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(toErrorBody(gzip).message).not.toMatch(/content encoding unsupported/);
    expect(toErrorBody(new TypeError('secret detail'))).toEqual({
      statusCode: 500,
      code: 'INTERNAL',
      message: 'internal error',
    });
    expect(
      toErrorBody(new LedgerError({ code: 'INTERNAL', message: 'boom', transaction: 't' })).message,
    ).toBe('internal error');
  });

  it('writes the body with the status', () => {
    const json = vi.fn();
    const response = { headersSent: false, status: vi.fn(() => ({ json })), end: vi.fn() };
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({
        getResponse: () => response,
        getRequest: () => ({ path: '/consents' }),
      }),
    };
    new GatewayExceptionFilter().catch(new ForbiddenError('no'), host as never);
    expect(response.status).toHaveBeenCalledWith(403);
    expect(json).toHaveBeenCalledWith({ statusCode: 403, code: 'FORBIDDEN', message: 'no' });
  });
});

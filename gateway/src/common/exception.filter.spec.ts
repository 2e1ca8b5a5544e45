import {
  BadRequestException,
  ForbiddenException,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
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
import { GatewayExceptionFilter, statusOf, toErrorBody } from './exception.filter.js';

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
    expect(toErrorBody(new BadRequestException(['a', 'b']))).toEqual({
      statusCode: 400,
      code: 'INVALID_ARGUMENT',
      message: 'a; b',
    });
    expect(toErrorBody(new UnauthorizedException()).code).toBe('UNAUTHENTICATED');
    expect(toErrorBody(new ForbiddenException()).code).toBe('FORBIDDEN');
    expect(toErrorBody(new NotFoundException('Cannot GET /x'))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(toErrorBody(new PayloadTooLargeException()).code).toBe('PAYLOAD_TOO_LARGE');
    expect(toErrorBody(new ThrottlerException())).toMatchObject({
      statusCode: 429,
      code: 'TOO_MANY_REQUESTS',
    });
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

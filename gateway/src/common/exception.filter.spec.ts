import {
  BadRequestException,
  ForbiddenException,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
} from '@nestjs/common';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { CommitError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { ThrottlerException } from '@nestjs/throttler';
import { describe, expect, it, vi } from 'vitest';
import { toLedgerError } from '../ledger/ledger-errors.js';
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

const grpcCause = {
  code: GrpcStatus.UNKNOWN,
  details: '',
  metadata: {},
} as unknown as ServiceError;

function endorseError(peerMessage: string, code = GrpcStatus.ABORTED): EndorseError {
  return new EndorseError({
    code,
    message: `${String(code)} ABORTED: failed to endorse transaction, see attached details for more info`,
    details: [{ address: 'peer0:7251', mspId: 'TertiaryHospitalMSP', message: peerMessage }],
    cause: grpcCause,
    transactionId: 'tx1',
  });
}

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

  it.each([
    ['INVALID_ARGUMENT', 400],
    ['FORBIDDEN', 403],
    ['CONSENT_NOT_FOUND', 404],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['RULE_VIOLATION', 422],
  ] as const)('parses the chaincode code %s out of an EndorseError', (code, status) => {
    const error = endorseError(`chaincode response 500, ${code}: consent con-1 says no`);
    expect(toErrorBody(error)).toEqual({
      statusCode: status,
      code,
      message: 'consent con-1 says no',
    });
    expect(toErrorBody(toLedgerError(error, 'consent:RevokeConsent'))).toEqual({
      statusCode: status,
      code,
      message: 'consent con-1 says no',
    });
  });

  it('does not mistake CONSENT_NOT_FOUND for NOT_FOUND', () => {
    const error = toLedgerError(
      endorseError('chaincode response 500, CONSENT_NOT_FOUND: gone'),
      't',
    );
    expect(error.code).toBe('CONSENT_NOT_FOUND');
  });

  it('finds the code in an evaluate error message too', () => {
    const error = new GatewayError({
      code: GrpcStatus.UNKNOWN,
      message:
        '2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, FORBIDDEN: patients read their own',
      details: [],
      cause: grpcCause,
    });
    expect(toErrorBody(error)).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
  });

  it('answers 503 when the peer is unreachable or too slow', () => {
    for (const code of [GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]) {
      const error = new GatewayError({ code, message: 'no', details: [], cause: grpcCause });
      expect(toErrorBody(error)).toMatchObject({ statusCode: 503, code: 'LEDGER_UNAVAILABLE' });
    }
  });

  it('answers 409 for a write that lost its MVCC races, 502 for other invalid commits', () => {
    expect(
      toErrorBody(new CommitError({ code: 11, transactionId: 't', message: 'm' })),
    ).toMatchObject({
      statusCode: 409,
      code: 'CONFLICT',
    });
    expect(
      toErrorBody(new CommitError({ code: 10, transactionId: 't', message: 'm' })),
    ).toMatchObject({
      statusCode: 502,
      code: 'LEDGER_REJECTED',
    });
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

  it('answers a FHIR OperationOutcome under /fhir', () => {
    const send = vi.fn();
    const type = vi.fn(() => ({ send }));
    const response = { headersSent: false, status: vi.fn(() => ({ type })) };
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({
        getResponse: () => response,
        getRequest: () => ({ path: '/fhir/Consent/x' }),
      }),
    };
    new GatewayExceptionFilter().catch(
      new NotFoundError('CONSENT_NOT_FOUND', 'gone'),
      host as never,
    );
    expect(response.status).toHaveBeenCalledWith(404);
    expect(type).toHaveBeenCalledWith('application/fhir+json; charset=utf-8');
    expect(JSON.parse(String(send.mock.calls[0]?.[0]))).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found', details: { text: 'gone' } }],
    });
  });
});

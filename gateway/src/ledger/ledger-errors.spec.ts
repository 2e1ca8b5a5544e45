import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { CommitError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { describe, expect, it } from 'vitest';
import { toErrorBody as toBody } from '../common/exception.filter.js';
import { toLedgerError, translateLedgerError } from './ledger-errors.js';

/** The exception filter's body of an error, with the ledger's translation (as the app wires it). */
const toErrorBody = (exception: unknown) => toBody(exception, translateLedgerError);

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
describe('the exception filter, for errors of the ledger', () => {
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
});

import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { EndorseError, type Proposal, type Transaction } from '@hyperledger/fabric-gateway';
import { describe, expect, it } from 'vitest';
import { endorseAgreed, isEndorsementMismatch } from './endorsement.ts';

const cause = { code: GrpcStatus.ABORTED, details: '', metadata: {} } as unknown as ServiceError;

function endorseError(message: string, peerMessage: string): EndorseError {
  return new EndorseError({
    code: GrpcStatus.ABORTED,
    message: `10 ABORTED: ${message}, see attached details for more info`,
    details: [{ address: '127.0.0.1:7251', mspId: 'TertiaryHospitalMSP', message: peerMessage }],
    cause,
    transactionId: 'tx1',
  });
}

const mismatch = (): EndorseError =>
  endorseError(
    'failed to collect enough transaction endorsements',
    'ProposalResponsePayloads do not match',
  );
const refusal = (): EndorseError =>
  endorseError('failed to endorse transaction', 'chaincode response 500, FORBIDDEN: no');

/** Proposals that fail with each of `failures` in turn, then endorse. */
function proposals(failures: readonly Error[]): { propose: () => Proposal; made: () => number } {
  let made = 0;
  const transaction = { getTransactionId: () => 'tx-ok' } as unknown as Transaction;
  return {
    propose: () => {
      const failure = failures[made];
      made += 1;
      return {
        endorse: () =>
          failure === undefined ? Promise.resolve(transaction) : Promise.reject(failure),
      } as unknown as Proposal;
    },
    made: () => made,
  };
}

describe('endorseAgreed', () => {
  it('tells a mismatch of endorsers from a refusal and from other errors', () => {
    expect(isEndorsementMismatch(mismatch())).toBe(true);
    expect(isEndorsementMismatch(refusal())).toBe(false);
    expect(
      isEndorsementMismatch(new Error('failed to collect enough transaction endorsements')),
    ).toBe(false);
  });

  it('proposes again while the endorsers disagree, then answers the endorsed transaction', async () => {
    const { propose, made } = proposals([mismatch(), mismatch()]);
    const transaction = await endorseAgreed(propose, { stepMs: 1 });
    expect(transaction.getTransactionId()).toBe('tx-ok');
    expect(made()).toBe(3);
  });

  it('throws a refusal at once, and a mismatch after the last attempt', async () => {
    const refused = proposals([refusal()]);
    await expect(endorseAgreed(refused.propose, { stepMs: 1 })).rejects.toThrow(
      'failed to endorse transaction',
    );
    expect(refused.made()).toBe(1);
    const stuck = proposals([mismatch(), mismatch(), mismatch()]);
    await expect(endorseAgreed(stuck.propose, { attempts: 3, stepMs: 1 })).rejects.toSatisfy(
      isEndorsementMismatch,
    );
    expect(stuck.made()).toBe(3);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { EndorseError, type Proposal, type Transaction } from '@hyperledger/fabric-gateway';

/**
 * Whether Fabric's gateway could not assemble an endorsement because the endorsers answered
 * differently (ABORTED "failed to collect enough transaction endorsements"; "ProposalResponsePayloads
 * do not match" in the detail): one of them had not yet committed a block the others had, so it
 * read an older value. Nothing was ordered, so a new proposal is safe. A chaincode refusal is
 * "failed to endorse transaction" and is not matched.
 */
export function isEndorsementMismatch(error: unknown): boolean {
  return (
    error instanceof EndorseError &&
    error.code === (GrpcStatus.ABORTED as number) &&
    error.message.includes('failed to collect enough transaction endorsements')
  );
}

/** Options of {@link endorseAgreed}. */
export interface EndorseAgreedOptions {
  /** Attempts before the mismatch is thrown (8 by default). */
  readonly attempts?: number;
  /** Wait before attempt n + 1: n times this (200 ms by default; 5.6 s over 8 attempts). */
  readonly stepMs?: number;
}

/**
 * Endorses a proposal from `propose`, and a new one while the endorsers disagree because one is a
 * block behind (the previous step's transaction committed on the gateway's peer, not yet on the
 * other endorser's); any other error is thrown at once.
 */
export async function endorseAgreed(
  propose: () => Proposal,
  options: Readonly<EndorseAgreedOptions> = {},
): Promise<Transaction> {
  const attempts = options.attempts ?? 8;
  const stepMs = options.stepMs ?? 200;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await propose().endorse();
    } catch (error) {
      if (!isEndorsementMismatch(error) || attempt >= attempts) throw error;
      await sleep(attempt * stepMs);
    }
  }
}

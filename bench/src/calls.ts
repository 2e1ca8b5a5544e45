import { setTimeout as sleep } from 'node:timers/promises';
import type { Gateway } from '@hyperledger/fabric-gateway';
import {
  decodeResult,
  openResult,
  newSalt,
  splitName,
  transientRequest,
  type ArgsOf,
  type EvaluateName,
  type ResultOf,
  type SubmitName,
} from '@consent-ledger/ledger-api';
import { isEndorsementMismatch } from '@consent-ledger/network';

/**
 * The benchmark's calls of the chaincode, made as the gateways make them (docs/privacy.md): the
 * inputs travel as transient data (ledger-api request.ts), every submit carries a fresh salt and
 * names its endorsing organizations, so that the inputs reach those peers only. Like the REST
 * gateway's ledger client, a submit is retried (a new proposal, a new salt) on an MVCC or phantom
 * read conflict and on an endorsement mismatch (the endorsers read one key at different versions:
 * one of them had not yet committed the block before), never on a refusal; the retries are
 * tallied ({@link retryTally}) and reported per workload.
 */

/** Attempts of a submit, the first included (the gateway's LEDGER_MAX_ATTEMPTS default). */
const MAX_ATTEMPTS = 5;
const RETRYABLE_COMMIT_CODES: ReadonlyMap<number, string> = new Map([
  [11, 'MVCC_READ_CONFLICT'],
  [12, 'PHANTOM_READ_CONFLICT'],
]);
const tally = new Map<string, number>();

/** Retries so far in this process, by kind (MVCC_READ_CONFLICT, ENDORSEMENT_MISMATCH...). */
export function retryTally(): Readonly<Record<string, number>> {
  return Object.fromEntries(tally);
}

function countRetry(kind: string): void {
  tally.set(kind, (tally.get(kind) ?? 0) + 1);
}

/** Backoff before attempt `attempt + 1`: 50 ms doubling, with jitter, so that retries spread. */
function backoff(attempt: number): Promise<void> {
  return sleep(50 * 2 ** (attempt - 1) * (0.5 + Math.random()));
}

/** A committed submit: its decoded result and transaction ID. */
export interface Submitted<R> {
  readonly result: R;
  readonly txId: string;
}

/** One identity's typed calls of one chaincode on the channel. */
export interface LedgerCalls {
  /** The caller's organization. */
  readonly mspId: string;
  /** The chaincode called. */
  readonly chaincode: string;
  /** Submits a transaction endorsed by `endorsers` and waits for its commit. */
  submit<N extends SubmitName>(
    name: N,
    args: ArgsOf<N>,
    endorsers: readonly string[],
  ): Promise<Submitted<ResultOf<N>>>;
  /** Evaluates a transaction on the caller's own organization's peer. */
  evaluate<N extends EvaluateName>(name: N, ...args: ArgsOf<N>): Promise<ResultOf<N>>;
}

/** A transaction that committed with another validation code than VALID (MVCC conflicts...). */
export class CommitError extends Error {
  override readonly name = 'CommitError';
  /** The validation code (fabric-protos TxValidationCode). */
  readonly code: number;
  readonly transactionId: string;

  constructor(options: Readonly<{ code: number; transactionId: string; name: string }>) {
    super(
      `${options.name} ${options.transactionId} failed to commit: code ${String(options.code)}`,
    );
    this.code = options.code;
    this.transactionId = options.transactionId;
  }
}

class GatewayCalls implements LedgerCalls {
  readonly mspId: string;
  readonly chaincode: string;
  readonly #gateway: Gateway;
  readonly #channel: string;

  constructor(options: Readonly<{ gateway: Gateway; channel: string; chaincode: string }>) {
    this.#gateway = options.gateway;
    this.#channel = options.channel;
    this.chaincode = options.chaincode;
    this.mspId = options.gateway.getIdentity().mspId;
  }

  #contract(contract: string) {
    return this.#gateway.getNetwork(this.#channel).getContract(this.chaincode, contract);
  }

  async submit<N extends SubmitName>(
    name: N,
    args: ArgsOf<N>,
    endorsers: readonly string[],
  ): Promise<Submitted<ResultOf<N>>> {
    const { contract, fn } = splitName(name);
    for (let attempt = 1; ; attempt += 1) {
      const salt = newSalt();
      const proposal = this.#contract(contract).newProposal(fn, {
        transientData: transientRequest({ args, salt }),
        endorsingOrganizations: [...endorsers],
      });
      let transaction;
      try {
        transaction = await proposal.endorse();
      } catch (error) {
        if (!isEndorsementMismatch(error) || attempt >= MAX_ATTEMPTS) throw error;
        countRetry('ENDORSEMENT_MISMATCH');
        await backoff(attempt);
        continue;
      }
      const committed = await transaction.submit();
      const status = await committed.getStatus();
      if (status.successful) {
        // A submit's result is sealed for its salt (it is written into the block).
        const result = await openResult(name, committed.getResult(), {
          salt,
          txId: status.transactionId,
        });
        return { result, txId: status.transactionId };
      }
      const retryable = RETRYABLE_COMMIT_CODES.get(status.code);
      if (retryable === undefined || attempt >= MAX_ATTEMPTS)
        throw new CommitError({ name, code: status.code, transactionId: status.transactionId });
      countRetry(retryable);
      await backoff(attempt);
    }
  }

  async evaluate<N extends EvaluateName>(name: N, ...args: ArgsOf<N>): Promise<ResultOf<N>> {
    const { contract, fn } = splitName(name);
    const proposal = this.#contract(contract).newProposal(fn, {
      transientData: transientRequest({ args }),
    });
    return decodeResult(name, await proposal.evaluate());
  }
}

/** The typed calls of `chaincode` through a connected Fabric Gateway. */
export function ledgerCalls(
  options: Readonly<{ gateway: Gateway; channel: string; chaincode: string }>,
): LedgerCalls {
  return new GatewayCalls(options);
}

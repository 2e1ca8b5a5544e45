import { EndorseError, type Gateway, type Transaction } from '@hyperledger/fabric-gateway';
import {
  GOVERNMENT_MSP,
  decodeResult,
  newSalt,
  openResult,
  splitName,
  transientRequest,
  type ArgsOf,
  type EvaluateName,
  type ResultOf,
  type SubmitName,
} from '@consent-ledger/ledger-api';
import { waitForGossip, type LedgerConnection } from '@consent-ledger/network';
import { topology, waitForAllPeers } from './ledger.ts';

/**
 * The tests' typed calls of the chaincode, through the Fabric Gateway of the caller's own peer, as
 * the gateways make them: the inputs as transient data (ledger-api request.ts), a fresh salt on every
 * submit, the endorsing organizations named (docs/privacy.md: transient data must reach members
 * only). One place, so that every test calls the ledger the same way.
 */

/** Whoever calls: a test user, or any connection. */
export interface Caller {
  readonly connection: LedgerConnection;
}

/** Options of {@link submit}. */
export interface SubmitOptions {
  /**
   * The endorsing organizations; by default the caller's own and the regulator (enough wherever
   * the caller's organization is a member of what is written; the regulator's own calls that
   * write a patient's collections must name another member).
   */
  readonly endorsers?: readonly string[];
  /** Wait until every peer has committed the block (default true: the next step may act elsewhere). */
  readonly waitForAllPeers?: boolean;
  /** A given salt (tests of reuse); a fresh one by default. */
  readonly salt?: string;
}

/** A committed submit: its decoded result, transaction ID and block. */
export interface Submitted<R> {
  readonly result: R;
  readonly txId: string;
  readonly blockNumber: bigint;
}

function contractOf(
  gateway: Gateway,
  name: string,
): ReturnType<ReturnType<Gateway['getNetwork']>['getContract']> {
  const { contract } = splitName(name as SubmitName);
  return gateway.getNetwork(topology.channel.name).getContract(topology.chaincode.name, contract);
}

/** The caller's MSP ID. */
export function mspOf(caller: Caller): string {
  return caller.connection.gateway.getIdentity().mspId;
}

/**
 * Submits a transaction and waits for its commit; a commit failure throws with its validation code
 * (`code` on the error). Endorsement refusals throw fabric-gateway's EndorseError (coded details).
 */
export async function submit<N extends SubmitName>(
  caller: Caller,
  name: N,
  args: ArgsOf<N>,
  options: Readonly<SubmitOptions> = {},
): Promise<Submitted<ResultOf<N>>> {
  const own = mspOf(caller);
  const endorsers = options.endorsers ?? [...new Set([own, GOVERNMENT_MSP])];
  const { fn } = splitName(name);
  const salt = options.salt ?? newSalt();
  const endorse = (): Promise<Transaction> =>
    contractOf(caller.connection.gateway, name)
      .newProposal(fn, {
        transientData: transientRequest({ args, salt }),
        endorsingOrganizations: [...endorsers],
      })
      .endorse();
  let transaction: Transaction;
  try {
    transaction = await endorse();
  } catch (error) {
    if (!isMembershipGap(error)) throw error;
    // The caller's peer had no live peer of a named organization in its gossip view: a member
    // whose alive messages are late is dropped from it until they arrive again (network/src/
    // gossip.ts). Nothing was endorsed, so nothing was written: wait until every peer sees every
    // other again and endorse the same proposal once more, as a client of Fabric's gateway does
    // on UNAVAILABLE. It is logged, so that a run shows how often it happens.
    console.warn(`[ledger-calls] ${name}: ${error.message}; waiting for gossip, then once more`);
    await waitForGossip(topology);
    transaction = await endorse();
  }
  const committed = await transaction.submit();
  const status = await committed.getStatus();
  if (!status.successful) {
    throw Object.assign(
      new Error(`${name} ${status.transactionId} failed to commit: code ${String(status.code)}`),
      { code: status.code, transactionId: status.transactionId },
    );
  }
  if (options.waitForAllPeers !== false) await waitForAllPeers(status.blockNumber);
  return {
    // A submit's result is sealed for its salt (it is written into the block): open it.
    result: await openResult(name, committed.getResult(), { salt, txId: status.transactionId }),
    txId: status.transactionId,
    blockNumber: status.blockNumber,
  };
}

/** gRPC's status UNAVAILABLE. */
const GRPC_UNAVAILABLE = 14;

/** Fabric's gateway found no live peer of a named organization ("failed to find any endorsing peers"). */
function isMembershipGap(error: unknown): error is EndorseError {
  return (
    error instanceof EndorseError &&
    error.code === GRPC_UNAVAILABLE &&
    error.message.includes('failed to find any endorsing peers')
  );
}

/** Evaluates a transaction on the caller's own peer. */
export async function evaluate<N extends EvaluateName>(
  caller: Caller,
  name: N,
  ...args: ArgsOf<N>
): Promise<ResultOf<N>> {
  const { fn } = splitName(name);
  const proposal = contractOf(caller.connection.gateway, name).newProposal(fn, {
    transientData: transientRequest({ args }),
  });
  return decodeResult(name, await proposal.evaluate());
}

/**
 * Sends a raw proposal: any function name and any transient map (bad-input tests send malformed
 * requests with it). Endorses only (nothing is ordered) unless `submit` is set.
 */
export async function sendRaw(
  caller: Caller,
  options: Readonly<{
    contract: string;
    fn: string;
    transient: Record<string, Uint8Array>;
    endorsers?: readonly string[];
    submit?: boolean;
  }>,
): Promise<Uint8Array> {
  const proposal = caller.connection.gateway
    .getNetwork(topology.channel.name)
    .getContract(topology.chaincode.name, options.contract)
    .newProposal(options.fn, {
      transientData: options.transient,
      endorsingOrganizations: [...(options.endorsers ?? [mspOf(caller), GOVERNMENT_MSP])],
    });
  const transaction = await proposal.endorse();
  if (options.submit !== true) return transaction.getResult();
  const committed = await transaction.submit();
  await committed.getStatus();
  return committed.getResult();
}

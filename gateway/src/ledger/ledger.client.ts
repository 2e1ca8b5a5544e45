import { createPrivateKey, randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import {
  CommitError,
  connect,
  hash,
  signers,
  type ChaincodeEvent,
  type Checkpoint,
  type CloseableAsyncIterable,
  type Contract,
  type Gateway,
  type Transaction,
} from '@hyperledger/fabric-gateway';
import {
  decodeResult,
  encodeArguments,
  splitName,
  type ArgsOf,
  type ContractName,
  type EvaluateName,
  type ResultOf,
  type SubmitName,
  type TransactionName,
} from '@consent-ledger/ledger-api';
import { UnauthenticatedError } from '../common/errors.js';
import type { GatewayConfig } from '../config/gateway.config.js';
import type { OrgProfile } from '../config/connection-profile.js';
import type { LedgerMetrics } from '../metrics/metrics.service.js';
import {
  RETRYABLE_COMMIT_CODES,
  isEndorsementMismatch,
  toLedgerError,
  validationCodeName,
} from './ledger-errors.js';
import type { IdentityWallet } from './wallet.js';

/** One system chaincode the gateway reads blocks and the channel configuration from. */
export type SystemChaincode = 'qscc' | 'cscc';

/** One evaluation of a system chaincode (qscc, cscc) on the channel. */
export interface SystemCall {
  /** Wallet label of the calling identity: the logged-in user's, never a shared admin. */
  readonly identity: string;
  readonly chaincode: SystemChaincode;
  readonly transaction: string;
  readonly args?: readonly string[];
  /** Deadline in milliseconds, instead of the configured evaluate deadline. */
  readonly timeoutMs?: number;
}

/** A committed write: the transaction's result and its ID. */
export interface Committed<R> {
  readonly result: R;
  readonly txId: string;
}

/** Options of {@link LedgerClient.chaincodeEvents}. */
export interface ChaincodeEventsOptions {
  readonly identity: string;
  /** Where to resume; the whole chain when it has no position and no start block is given. */
  readonly checkpoint?: Checkpoint;
  readonly startBlock?: bigint;
}

/** Options of {@link LedgerClient.as}. */
export interface SessionOptions {
  /** Deadline of each evaluation in milliseconds, instead of the configured one. */
  readonly timeoutMs?: number;
}

/**
 * The ledger's transactions as one identity calls them, typed by ledger-api's catalogue:
 * `session.submit('consent:GrantConsent', input)`. Arguments travel as ledger-api's
 * encodeArguments makes them (strings as they are, anything else as JSON) and results are decoded
 * by its decodeResult.
 */
export interface LedgerSession {
  /** Evaluates a read on the organization's peer (nothing is ordered). */
  evaluate<N extends EvaluateName>(name: N, ...args: ArgsOf<N>): Promise<ResultOf<N>>;
  /** Endorses, orders and waits for the commit of a write. */
  submit<N extends SubmitName>(name: N, ...args: ArgsOf<N>): Promise<Committed<ResultOf<N>>>;
}

/**
 * The one component that talks to the peer. Calls are made as one identity (a wallet label: the
 * logged-in user's, never a shared admin), through one cached gateway connection per identity
 * over one shared gRPC client, with deadlines on every call, retries of MVCC and phantom read
 * conflicts (and of endorsements that differed because a peer was a block behind:
 * isEndorsementMismatch), and errors turned into LedgerError.
 */
export interface LedgerClient {
  /** Calls the ledger as one identity (a wallet label): the logged-in user's, never a shared admin. */
  as(identity: string, options?: Readonly<SessionOptions>): LedgerSession;
  /** Evaluates a system chaincode transaction (qscc, cscc) as the given identity. */
  evaluateSystem(call: SystemCall): Promise<Uint8Array>;
  chaincodeEvents(options: ChaincodeEventsOptions): Promise<CloseableAsyncIterable<ChaincodeEvent>>;
  /** Drops the cached connection of an identity (after it was re-enrolled or removed). */
  forget(identity: string): void;
  close(): void;
}

/** One transaction call as it travels to the peer: its arguments already encoded. */
export interface LedgerCall {
  /** Wallet label of the calling identity. */
  readonly identity: string;
  readonly name: TransactionName;
  readonly args: readonly string[];
  /** Deadline of an evaluation in milliseconds, instead of the configured one. */
  readonly timeoutMs?: number;
}

/** What a {@link LedgerSession} sends its encoded calls through: the peer, or a test's fake. */
export interface LedgerTransport {
  evaluate(call: LedgerCall): Promise<Uint8Array>;
  submit(call: LedgerCall): Promise<Committed<Uint8Array>>;
}

/** Options of {@link createLedgerSession}. */
export interface LedgerSessionOptions extends SessionOptions {
  readonly transport: LedgerTransport;
  /** Wallet label of the identity every call of the session is made as. */
  readonly identity: string;
}

class TransportSession implements LedgerSession {
  readonly #options: Readonly<LedgerSessionOptions>;

  constructor(options: Readonly<LedgerSessionOptions>) {
    this.#options = options;
  }

  async evaluate<N extends EvaluateName>(name: N, ...args: ArgsOf<N>): Promise<ResultOf<N>> {
    const bytes = await this.#options.transport.evaluate(this.#call(name, args));
    return decodeResult(name, bytes);
  }

  async submit<N extends SubmitName>(name: N, ...args: ArgsOf<N>): Promise<Committed<ResultOf<N>>> {
    const { result, txId } = await this.#options.transport.submit(this.#call(name, args));
    return { result: decodeResult(name, result), txId };
  }

  #call(name: TransactionName, args: readonly unknown[]): LedgerCall {
    return {
      identity: this.#options.identity,
      name,
      args: encodeArguments(args),
      ...(this.#options.timeoutMs === undefined ? {} : { timeoutMs: this.#options.timeoutMs }),
    };
  }
}

/** A session of one identity over a transport: encodes the arguments and decodes the results. */
export function createLedgerSession(options: Readonly<LedgerSessionOptions>): LedgerSession {
  return new TransportSession(options);
}

/** Injection token of the {@link LedgerClient}. */
export const LEDGER_CLIENT = Symbol('LEDGER_CLIENT');

/** Options of {@link createLedgerClient}. */
export interface LedgerClientOptions {
  readonly profile: OrgProfile;
  readonly config: Pick<
    GatewayConfig,
    | 'LEDGER_EVALUATE_TIMEOUT_MS'
    | 'LEDGER_ENDORSE_TIMEOUT_MS'
    | 'LEDGER_SUBMIT_TIMEOUT_MS'
    | 'LEDGER_COMMIT_TIMEOUT_MS'
    | 'LEDGER_MAX_ATTEMPTS'
  >;
  readonly wallet: IdentityWallet;
  readonly metrics: LedgerMetrics;
  /** Waits before retry `attempt` (1-based); exponential backoff with full jitter by default. */
  readonly backoff?: (attempt: number) => Promise<void>;
  /** fabric-gateway's connect (replaced in tests). */
  readonly connect?: typeof connect;
}

const MAX_CACHED_CONNECTIONS = 500;

function timeoutOf(call: Readonly<{ timeoutMs?: number }>): { timeoutMs?: number } {
  return call.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs };
}

/** Exponential backoff with full jitter: a random wait in [0, min(2 s, 100 ms * 2^(attempt-1))]. */
export function jitteredBackoff(attempt: number): Promise<void> {
  const cap = Math.min(2_000, 100 * 2 ** (attempt - 1));
  return sleep(randomInt(0, cap + 1));
}

class FabricLedgerClient implements LedgerClient {
  readonly #options: LedgerClientOptions;
  readonly #client: grpc.Client;
  readonly #gateways = new Map<string, Gateway>();
  readonly #backoff: (attempt: number) => Promise<void>;
  readonly #transport: LedgerTransport = {
    evaluate: (call) => this.#evaluate(call),
    submit: (call) => this.#submit(call),
  };

  constructor(options: LedgerClientOptions) {
    this.#options = options;
    this.#backoff = options.backoff ?? jitteredBackoff;
    const { peer } = options.profile;
    const credentials = peer.tls
      ? grpc.credentials.createSsl(Buffer.from(peer.tlsCaPem))
      : grpc.credentials.createInsecure();
    this.#client = new grpc.Client(peer.endpoint, credentials, {
      'grpc.max_receive_message_length': 100 * 1024 * 1024,
      'grpc.max_send_message_length': 100 * 1024 * 1024,
      'grpc.keepalive_time_ms': 120_000,
      ...(peer.hostOverride === undefined || isIP(peer.hostOverride) !== 0
        ? {}
        : { 'grpc.ssl_target_name_override': peer.hostOverride }),
    });
  }

  as(identity: string, options: Readonly<SessionOptions> = {}): LedgerSession {
    return createLedgerSession({ ...options, transport: this.#transport, identity });
  }

  /** One evaluation of a chaincode transaction, as the call's identity. */
  async #evaluate(call: LedgerCall): Promise<Uint8Array> {
    const { contract, fn } = splitName(call.name);
    return this.#evaluateOn({
      name: call.name,
      contract: () => this.#contract(call.identity, contract),
      call: { transaction: fn, args: call.args, ...timeoutOf(call) },
    });
  }

  async evaluateSystem(call: SystemCall): Promise<Uint8Array> {
    return this.#evaluateOn({
      name: `${call.chaincode}:${call.transaction}`,
      contract: async () =>
        (await this.#gateway(call.identity))
          .getNetwork(this.#options.profile.channel)
          .getContract(call.chaincode),
      call,
    });
  }

  /** One evaluation with a deadline, its error mapped and its latency recorded. */
  async #evaluateOn(
    target: Readonly<{
      name: string;
      contract: () => Promise<Contract>;
      call: Readonly<{ transaction: string; args?: readonly string[]; timeoutMs?: number }>;
    }>,
  ): Promise<Uint8Array> {
    const { name, call } = target;
    const started = performance.now();
    let outcome = 'ok';
    try {
      const contract = await target.contract();
      const proposal = contract.newProposal(call.transaction, {
        arguments: [...(call.args ?? [])],
      });
      const deadline =
        Date.now() + (call.timeoutMs ?? this.#options.config.LEDGER_EVALUATE_TIMEOUT_MS);
      return await proposal.evaluate({ deadline });
    } catch (error) {
      const failure = toLedgerError(error, name);
      outcome = failure.code;
      throw failure;
    } finally {
      this.#options.metrics.observeLedgerCall({
        transaction: name,
        kind: 'evaluate',
        outcome,
        seconds: (performance.now() - started) / 1000,
      });
    }
  }

  /** One write, retried while it loses MVCC or phantom races or its endorsements differ. */
  async #submit(call: LedgerCall): Promise<Committed<Uint8Array>> {
    const { name } = call;
    const { contract: contractName, fn } = splitName(name);
    const started = performance.now();
    let outcome = 'ok';
    try {
      const contract = await this.#contract(call.identity, contractName);
      for (let attempt = 1; ; attempt += 1) {
        const proposal = contract.newProposal(fn, { arguments: [...call.args] });
        let transaction: Transaction;
        try {
          transaction = await proposal.endorse();
        } catch (error) {
          if (!isEndorsementMismatch(error) || attempt >= this.#options.config.LEDGER_MAX_ATTEMPTS)
            throw error;
          this.#options.metrics.countRetry(name, 'ENDORSEMENT_MISMATCH');
          await this.#backoff(attempt);
          continue;
        }
        const submitted = await transaction.submit();
        const status = await submitted.getStatus();
        if (status.successful)
          return { result: submitted.getResult(), txId: submitted.getTransactionId() };
        const retryable = RETRYABLE_COMMIT_CODES.has(status.code);
        if (!retryable || attempt >= this.#options.config.LEDGER_MAX_ATTEMPTS)
          throw new CommitError({
            code: status.code,
            transactionId: status.transactionId,
            message: `Transaction ${status.transactionId} failed to commit with status code ${String(status.code)} (${validationCodeName(status.code)})`,
          });
        this.#options.metrics.countRetry(name, validationCodeName(status.code));
        await this.#backoff(attempt);
      }
    } catch (error) {
      const failure = toLedgerError(error, name);
      outcome = failure.code;
      throw failure;
    } finally {
      this.#options.metrics.observeLedgerCall({
        transaction: name,
        kind: 'submit',
        outcome,
        seconds: (performance.now() - started) / 1000,
      });
    }
  }

  async chaincodeEvents(
    options: ChaincodeEventsOptions,
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    const { profile } = this.#options;
    try {
      const gateway = await this.#gateway(options.identity);
      return await gateway.getNetwork(profile.channel).getChaincodeEvents(profile.chaincode, {
        ...(options.checkpoint === undefined ? {} : { checkpoint: options.checkpoint }),
        ...(options.startBlock === undefined ? {} : { startBlock: options.startBlock }),
      });
    } catch (error) {
      throw toLedgerError(error, 'ChaincodeEvents');
    }
  }

  forget(identity: string): void {
    this.#gateways.get(identity)?.close();
    this.#gateways.delete(identity);
  }

  close(): void {
    for (const gateway of this.#gateways.values()) gateway.close();
    this.#gateways.clear();
    this.#client.close();
  }

  async #contract(identity: string, contract: ContractName): Promise<Contract> {
    const { profile } = this.#options;
    const gateway = await this.#gateway(identity);
    return gateway.getNetwork(profile.channel).getContract(profile.chaincode, contract);
  }

  async #gateway(identity: string): Promise<Gateway> {
    const cached = this.#gateways.get(identity);
    if (cached !== undefined) {
      this.#gateways.delete(identity);
      this.#gateways.set(identity, cached);
      return cached;
    }
    const credentials = await this.#options.wallet.get(identity);
    if (credentials === undefined)
      throw new UnauthenticatedError(`no ledger identity is enrolled for ${identity}`);
    const { config } = this.#options;
    const gateway = (this.#options.connect ?? connect)({
      client: this.#client,
      identity: { mspId: credentials.mspId, credentials: Buffer.from(credentials.certificate) },
      signer: signers.newPrivateKeySigner(createPrivateKey(credentials.privateKey)),
      hash: hash.sha256,
      evaluateOptions: () => ({ deadline: Date.now() + config.LEDGER_EVALUATE_TIMEOUT_MS }),
      endorseOptions: () => ({ deadline: Date.now() + config.LEDGER_ENDORSE_TIMEOUT_MS }),
      submitOptions: () => ({ deadline: Date.now() + config.LEDGER_SUBMIT_TIMEOUT_MS }),
      commitStatusOptions: () => ({ deadline: Date.now() + config.LEDGER_COMMIT_TIMEOUT_MS }),
    });
    this.#gateways.set(identity, gateway);
    if (this.#gateways.size > MAX_CACHED_CONNECTIONS) {
      const [oldest] = this.#gateways.keys();
      if (oldest !== undefined) this.forget(oldest);
    }
    return gateway;
  }
}

/** Creates the ledger client of one organization's peer. */
export function createLedgerClient(options: LedgerClientOptions): LedgerClient {
  return new FabricLedgerClient(options);
}

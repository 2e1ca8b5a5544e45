import { createPrivateKey, randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import {
  CommitError,
  connect,
  hash,
  signers,
  type CloseableAsyncIterable,
  type Contract,
  type Gateway,
  type ProposalOptions,
  type Transaction,
} from '@hyperledger/fabric-gateway';
import type { peer } from '@hyperledger/fabric-protos';
import {
  decodeResult,
  encodeArguments,
  newSalt,
  openSealed,
  splitName,
  transientRequest,
  type ArgsOf,
  type ContractName,
  type EvaluateName,
  type ResultOf,
  type SubmitName,
  type TransactionName,
} from '@consent-ledger/ledger-api';
import { LedgerUnavailableError, UnauthenticatedError } from '../common/errors.js';
import type { GatewayConfig } from '../config/gateway.config.js';
import type { OrgProfile } from '../config/connection-profile.js';
import type { LedgerMetrics } from '../metrics/metrics.service.js';
import {
  RETRYABLE_COMMIT_CODES,
  isEndorsementMismatch,
  isEndorserUnavailable,
  toLedgerError,
  validationCodeName,
} from './ledger-errors.js';
import { recordCommit } from './ledger-position.js';
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

/** Options of {@link LedgerClient.blockAndPrivateDataEvents}. */
export interface BlockEventsOptions {
  /** Wallet label of the listening identity (its organization's collections are delivered). */
  readonly identity: string;
  /** The first block delivered. */
  readonly startBlock: bigint;
}

/**
 * Who endorses a submitted transaction (ledger/endorsers.ts makes it): a proposal carries its
 * inputs as transient data, so it names the organizations whose peers may see them.
 */
export interface Endorsement {
  /** The private data collections the transaction writes. */
  readonly collections: readonly string[];
  /** The endorsing organizations, the caller's own first. */
  readonly organizations: readonly string[];
  /**
   * Tried once instead when a peer of `organizations` cannot be reached (the regulator in place
   * of the patient's home).
   */
  readonly fallback?: readonly string[];
}

/** Options of {@link LedgerClient.as}. */
export interface SessionOptions {
  /** Deadline of each evaluation in milliseconds, instead of the configured one. */
  readonly timeoutMs?: number;
  /**
   * The endorsers of the session's submits; without them Fabric's discovery chooses (public-only
   * writes). Evaluations run on the organization's own peer and name none.
   */
  readonly endorsers?: Endorsement | undefined;
}

/**
 * The ledger's transactions as one identity calls them, typed by ledger-api's catalogue:
 * `session.submit('consent:GrantConsent', action)`. Arguments travel as transient data, encoded by
 * ledger-api (`transientRequest`: strings as they are, anything else as JSON, and a fresh salt for
 * every submitted proposal); results are decoded by its decodeResult.
 */
export interface LedgerSession {
  /** Evaluates a read on the organization's peer (nothing is ordered). */
  evaluate<N extends EvaluateName>(name: N, ...args: ArgsOf<N>): Promise<ResultOf<N>>;
  /** Endorses, orders and waits for the commit of a write. */
  submit<N extends SubmitName>(name: N, ...args: ArgsOf<N>): Promise<Committed<ResultOf<N>>>;
}

/**
 * The one component that talks to the peer. Calls are made as one identity (a wallet label: the
 * logged-in staff member's own, or the gateway's service identity for what it does itself and for
 * patients, who hold their own keys), through one cached gateway connection per identity over one
 * shared gRPC client, with deadlines on every call, the endorsers named, retries of MVCC and
 * phantom read conflicts (and of endorsements that differed because a peer was a block behind:
 * isEndorsementMismatch; or, once, with the fallback endorsers when a peer was unreachable), and
 * errors turned into LedgerError.
 *
 * Salts: every proposal of a submit gets a salt of its own, made for it (ledger-api `newSalt`).
 * A retry is a new proposal, hence a new transaction ID, so it gets a new salt too, even though
 * its arguments are the same request: a transaction that failed validation (an MVCC conflict) is
 * in a block with the hashes of what it wrote, and a salt used by two transactions would let
 * anyone compare their hashes. A salt is never reused across transactions, valid or not.
 */
export interface LedgerClient {
  /** Calls the ledger as one identity (a wallet label); see {@link SessionOptions}. */
  as(identity: string, options?: Readonly<SessionOptions>): LedgerSession;
  /** Evaluates a system chaincode transaction (qscc, cscc) as the given identity. */
  evaluateSystem(call: SystemCall): Promise<Uint8Array>;
  /**
   * Blocks with the private data of the collections the identity's organization is a member of,
   * from `startBlock` on, as its own peer delivers them.
   */
  blockAndPrivateDataEvents(
    options: BlockEventsOptions,
  ): Promise<CloseableAsyncIterable<peer.BlockAndPrivateData>>;
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
  /** The endorsers of a submit. */
  readonly endorsers?: Endorsement | undefined;
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
      ...(this.#options.endorsers === undefined ? {} : { endorsers: this.#options.endorsers }),
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

  /** One evaluation of a chaincode transaction on the own peer, its request as transient data. */
  async #evaluate(call: LedgerCall): Promise<Uint8Array> {
    const { contract, fn } = splitName(call.name);
    return this.#evaluateOn({
      name: call.name,
      contract: () => this.#contract(call.identity, contract),
      call: { transaction: fn, ...timeoutOf(call) },
      proposal: { transientData: transientRequest({ args: call.args }) },
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
      proposal: { arguments: [...(call.args ?? [])] },
    });
  }

  /** One evaluation with a deadline, its error mapped and its latency recorded. */
  async #evaluateOn(
    target: Readonly<{
      name: string;
      contract: () => Promise<Contract>;
      call: Readonly<{ transaction: string; timeoutMs?: number }>;
      proposal: ProposalOptions;
    }>,
  ): Promise<Uint8Array> {
    const { name, call } = target;
    const started = performance.now();
    let outcome = 'ok';
    try {
      const contract = await target.contract();
      const proposal = contract.newProposal(call.transaction, target.proposal);
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

  /**
   * One write, retried while it loses MVCC or phantom races or its endorsements differ, and once
   * with the fallback endorsers when a named peer is unreachable. Every attempt is a new proposal
   * with a new salt (see {@link LedgerClient}).
   */
  async #submit(call: LedgerCall): Promise<Committed<Uint8Array>> {
    const { name, endorsers } = call;
    const { contract: contractName, fn } = splitName(name);
    const { LEDGER_MAX_ATTEMPTS } = this.#options.config;
    const started = performance.now();
    let outcome = 'ok';
    try {
      const contract = await this.#contract(call.identity, contractName);
      let organizations = endorsers?.organizations;
      let fallback = endorsers?.fallback;
      for (let attempt = 1; ; attempt += 1) {
        const salt = newSalt();
        const proposal = contract.newProposal(fn, {
          transientData: transientRequest({ args: call.args, salt }),
          ...(organizations === undefined ? {} : { endorsingOrganizations: [...organizations] }),
        });
        let transaction: Transaction;
        try {
          transaction = await proposal.endorse();
        } catch (error) {
          if (
            fallback !== undefined &&
            organizations !== undefined &&
            isEndorserUnavailable(error, organizations)
          ) {
            organizations = fallback;
            fallback = undefined;
            attempt -= 1;
            this.#options.metrics.countRetry(name, 'ENDORSER_UNAVAILABLE');
            continue;
          }
          if (!isEndorsementMismatch(error) || attempt >= LEDGER_MAX_ATTEMPTS) throw error;
          this.#options.metrics.countRetry(name, 'ENDORSEMENT_MISMATCH');
          await this.#backoff(attempt);
          continue;
        }
        const submitted = await transaction.submit();
        const status = await submitted.getStatus();
        if (status.successful) {
          recordCommit(status.blockNumber);
          // The result came back sealed for this salt (it is written into the block).
          const txId = submitted.getTransactionId();
          return { result: await openSealed(submitted.getResult(), { salt, txId }), txId };
        }
        const retryable = RETRYABLE_COMMIT_CODES.has(status.code);
        if (!retryable || attempt >= LEDGER_MAX_ATTEMPTS)
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

  async blockAndPrivateDataEvents(
    options: BlockEventsOptions,
  ): Promise<CloseableAsyncIterable<peer.BlockAndPrivateData>> {
    try {
      const gateway = await this.#gateway(options.identity);
      return await gateway
        .getNetwork(this.#options.profile.channel)
        .getBlockAndPrivateDataEvents({ startBlock: options.startBlock });
    } catch (error) {
      throw toLedgerError(error, 'BlockAndPrivateDataEvents');
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

/**
 * One block with the private data the identity's organization holds (the first block of
 * {@link LedgerClient.blockAndPrivateDataEvents}, the stream closed after it).
 */
export async function blockWithPrivateData(
  ledger: LedgerClient,
  options: Readonly<{ identity: string; blockNumber: bigint }>,
): Promise<peer.BlockAndPrivateData> {
  const events = await ledger.blockAndPrivateDataEvents({
    identity: options.identity,
    startBlock: options.blockNumber,
  });
  try {
    for await (const event of events) return event;
  } finally {
    events.close();
  }
  throw new LedgerUnavailableError(`the peer delivered no block ${String(options.blockNumber)}`);
}

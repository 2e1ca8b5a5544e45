/**
 * Read-your-writes across organizations.
 *
 * A write is committed at the writer's own peer when its gateway answers. Another organization's
 * peer receives the block from the orderers on its own, a moment later. A client that writes
 * through one gateway and at once reads through another can therefore read the older state.
 *
 * - Every answer to a request that committed a transaction carries `Ledger-Block: N`: the block
 *   its transactions were committed in (the highest one, when it committed several).
 * - A request may send `Ledger-Min-Block: N`. It is then answered only after this organization's
 *   peer has committed block N. If the peer does not get there in time, the answer is 503
 *   `LEDGER_UNAVAILABLE`.
 *
 * This is the same idea as a session's consistency token in a replicated database. The block
 * number tells a client nothing it could not read with `GET /ledger`. The headers' names and the
 * clients' tracker are ledger-api's (ledger-block.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { common } from '@hyperledger/fabric-protos';
import { LedgerUnavailableError } from '../common/errors.js';
import type { BlockWaitMetrics, BlockWaitOutcome } from '../metrics/metrics.service.js';
import type { LedgerClient } from './ledger.client.js';
import { SERVICE_IDENTITY } from './wallet.js';

/** The commits of one request. */
export interface CommitRecord {
  /** The highest block the request committed a transaction in, if any. */
  readonly highest: bigint | undefined;
}

/** The record as {@link recordCommit} fills it. */
type WritableCommitRecord = { -readonly [K in keyof CommitRecord]: CommitRecord[K] };

const commits = new AsyncLocalStorage<WritableCommitRecord>();

/**
 * Runs `work` with a record of its own commits (one per request), which {@link recordCommit}
 * fills wherever the work calls the ledger.
 */
export function recordingCommits<T>(work: (record: CommitRecord) => T): T {
  const record: WritableCommitRecord = { highest: undefined };
  return commits.run(record, () => work(record));
}

/**
 * The commit record of the current request, when one is recording: the idempotency interceptor
 * keeps its block with the answer it stores, so that a replayed answer names it too.
 */
export function currentCommitRecord(): CommitRecord | undefined {
  return commits.getStore();
}

/** Notes that the current request committed a transaction in block `blockNumber`. */
export function recordCommit(blockNumber: bigint): void {
  const record = commits.getStore();
  if (record === undefined) return;
  if (record.highest === undefined || blockNumber > record.highest) record.highest = blockNumber;
}

/** Injection token of the {@link LedgerPosition}. */
export const LEDGER_POSITION = Symbol('LEDGER_POSITION');

/** How far this organization's peer has committed, as the gateway knows it. */
export interface LedgerPosition {
  /** Notes that the peer has committed block `blockNumber` (a commit status named it). */
  observe(blockNumber: bigint): void;
  /**
   * Resolves once the peer has committed block `blockNumber`. Throws LedgerUnavailableError when
   * it has not within the configured wait, or when the peer cannot be asked.
   */
  reach(blockNumber: bigint): Promise<void>;
}

/** Options of {@link createLedgerPosition}. */
export interface LedgerPositionOptions {
  readonly ledger: Pick<LedgerClient, 'evaluateSystem'>;
  readonly channel: string;
  /** How long {@link LedgerPosition.reach} waits for the peer, in milliseconds. */
  readonly waitMs: number;
  /** The least time between two questions to the peer, in milliseconds (50 by default). */
  readonly pollMs?: number;
  readonly metrics?: BlockWaitMetrics;
}

class PeerLedgerPosition implements LedgerPosition {
  readonly #options: LedgerPositionOptions;
  /** The peer's height (blocks committed) as last learnt: every block below it is committed. */
  #height = 0n;
  /** The question to the peer in flight, shared by every waiter. */
  #asking: Promise<void> | undefined;
  /** When the peer was last asked (performance.now()), to ask at most once per poll interval. */
  #askedAt = Number.NEGATIVE_INFINITY;

  constructor(options: LedgerPositionOptions) {
    this.#options = options;
  }

  observe(blockNumber: bigint): void {
    if (blockNumber + 1n > this.#height) this.#height = blockNumber + 1n;
  }

  async reach(blockNumber: bigint): Promise<void> {
    const started = performance.now();
    const observe = (outcome: BlockWaitOutcome): void =>
      this.#options.metrics?.observeBlockWait(outcome, (performance.now() - started) / 1000);
    if (this.#height > blockNumber) {
      observe('at-once');
      return;
    }
    const deadline = started + this.#options.waitMs;
    while (this.#height <= blockNumber) {
      if (performance.now() >= deadline) {
        observe('timed-out');
        throw new LedgerUnavailableError(
          `this organization's peer has not committed block ${String(blockNumber)} yet (it has ${String(this.#height)} blocks): try again shortly`,
        );
      }
      this.#asking ??= this.#ask().finally(() => {
        this.#asking = undefined;
      });
      try {
        await this.#asking;
      } catch (error) {
        observe('peer-unavailable');
        throw error;
      }
    }
    observe('waited');
  }

  /** Asks the peer its height (qscc GetChainInfo), no sooner than a poll interval after the last. */
  async #ask(): Promise<void> {
    const early = this.#askedAt + (this.#options.pollMs ?? 50) - performance.now();
    if (early > 0) await sleep(early);
    this.#askedAt = performance.now();
    let bytes: Uint8Array;
    try {
      bytes = await this.#options.ledger.evaluateSystem({
        identity: SERVICE_IDENTITY,
        chaincode: 'qscc',
        transaction: 'GetChainInfo',
        args: [this.#options.channel],
        timeoutMs: this.#options.waitMs,
      });
    } catch (error) {
      throw new LedgerUnavailableError("this organization's peer did not tell its height", {
        cause: error,
      });
    }
    const height = BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
    if (height > this.#height) this.#height = height;
  }
}

/** Creates the position of this organization's peer. */
export function createLedgerPosition(options: Readonly<LedgerPositionOptions>): LedgerPosition {
  return new PeerLedgerPosition(options);
}

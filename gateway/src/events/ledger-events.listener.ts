import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import type { peer } from '@hyperledger/fabric-protos';
import { Observable, Subject } from 'rxjs';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';
import { errorMessages } from '../ledger/ledger-errors.js';
import { decodePrivateBlock } from '../ledger/private-block.js';
import { SERVICE_IDENTITY } from '../ledger/wallet.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from './event.store.js';
import { ledgerEventsOf } from './ledger-event.builder.js';

/** The deliver service's answer for a start block the peer does not hold. */
const BLOCK_NOT_ON_PEER = /Unexpected status response: 404\b/;
/** Fabric's error for a block below a snapshot-joined peer's first block. */
const FIRST_AVAILABLE = /bootstrapped from a snapshot\. First available block = \[(\d+)\]/;

/**
 * Listens to the channel's blocks with their private data (`getBlockAndPrivateDataEvents`) as the
 * gateway's own service identity, from the stored checkpoint (the first block on a first start).
 * Each block's events are built from the private data this organization's peer holds
 * (ledger-event.builder.ts) and stored with the new checkpoint in one SQLite transaction: a
 * restart neither loses nor repeats an event. Streams broken by the peer are reopened with backoff.
 * A peer that joined the channel from a ledger snapshot holds no block below it: the listener
 * starts at its first block, and says so in its log (the events before are not on this peer).
 */
@Injectable()
export class LedgerEventsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger(LedgerEventsListener.name);
  readonly #stored = new Subject<StoredEvent>();
  readonly #stop = new AbortController();
  #iterator: CloseableAsyncIterable<peer.BlockAndPrivateData> | undefined;
  #running: Promise<void> | undefined;
  #connected = false;

  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(ORG_PROFILE) private readonly profile: OrgProfile,
  ) {}

  /** Events as they are stored. */
  get events(): Observable<StoredEvent> {
    return this.#stored.asObservable();
  }

  /** Whether the event stream is open. */
  get connected(): boolean {
    return this.#connected;
  }

  onApplicationBootstrap(): void {
    if (this.config.GATEWAY_EVENTS === 'on') this.#running = this.#listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.#stop.abort();
    this.#iterator?.close();
    await this.#running;
    this.#stored.complete();
  }

  #stopping(): boolean {
    return this.#stop.signal.aborted;
  }

  async #listen(): Promise<void> {
    for (let failures = 0; !this.#stop.signal.aborted;) {
      try {
        const iterator = await this.ledger.blockAndPrivateDataEvents({
          identity: SERVICE_IDENTITY,
          startBlock: this.store.nextBlock(),
        });
        this.#iterator = iterator;
        this.#connected = true;
        failures = 0;
        for await (const data of iterator) {
          const block = decodePrivateBlock(data, this.profile.chaincode);
          const stored = this.store.appendBlock({
            blockNumber: block.number,
            events: ledgerEventsOf(block),
          });
          for (const event of stored) this.#stored.next(event);
        }
      } catch (error) {
        if (this.#stopping()) break;
        if (
          error instanceof Error &&
          BLOCK_NOT_ON_PEER.test(error.message) &&
          (await this.#skipToFirstBlock())
        )
          continue;
        failures += 1;
        this.#logger.warn(
          `block event stream failed (${error instanceof Error ? error.message : String(error)}); reopening`,
        );
      } finally {
        this.#connected = false;
        this.#iterator?.close();
        this.#iterator = undefined;
      }
      const wait = randomInt(0, Math.min(30_000, 500 * 2 ** Math.min(failures, 6)) + 1);
      await sleep(wait, undefined, { signal: this.#stop.signal }).catch(() => undefined);
    }
  }

  /**
   * When the peer joined from a snapshot above the checkpoint, moves the checkpoint to its first
   * block (Fabric names it in the error for a block below it) and answers true.
   */
  async #skipToFirstBlock(): Promise<boolean> {
    const from = this.store.nextBlock();
    const first = await this.ledger
      .evaluateSystem({
        identity: SERVICE_IDENTITY,
        chaincode: 'qscc',
        transaction: 'GetBlockByNumber',
        args: [this.profile.channel, from.toString()],
      })
      .then(
        () => undefined,
        (error: unknown) => {
          const match = errorMessages(error)
            .map((message) => FIRST_AVAILABLE.exec(message))
            .find((each) => each !== null);
          return match?.[1] === undefined ? undefined : BigInt(match[1]);
        },
      );
    if (first === undefined || !this.store.skipTo(first)) return false;
    this.#logger.warn(
      `this organization's peer joined the channel from a snapshot: its first block is ${first.toString()}; events of blocks ${from.toString()} to ${(first - 1n).toString()} are not on it, listening from block ${first.toString()}`,
    );
    return true;
  }
}

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
import { decodePrivateBlock } from '../ledger/private-block.js';
import { SERVICE_IDENTITY } from '../ledger/wallet.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from './event.store.js';
import { ledgerEventsOf } from './ledger-event.builder.js';

/**
 * Listens to the channel's blocks with their private data (`getBlockAndPrivateDataEvents`) as the
 * gateway's own service identity, from the stored checkpoint (the first block on a first start).
 * Each block's events are built from the private data this organization's peer holds
 * (ledger-event.builder.ts) and stored with the new checkpoint in one SQLite transaction: a
 * restart neither loses nor repeats an event. Streams broken by the peer are reopened with backoff.
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
}

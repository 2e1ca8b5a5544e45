import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ChaincodeEvent, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { Observable, Subject } from 'rxjs';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { SERVICE_IDENTITY } from '../identities/identities.service.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from './event.store.js';

/**
 * Listens to the chaincode's events with the gateway's own service identity, from the stored
 * checkpoint (from the first block on a first start), and stores each event together with the
 * new checkpoint in one SQLite transaction: a restart neither loses nor repeats an event. Streams
 * broken by the peer are reopened with backoff.
 */
@Injectable()
export class LedgerEventsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger(LedgerEventsListener.name);
  readonly #stored = new Subject<StoredEvent>();
  readonly #stop = new AbortController();
  #iterator: CloseableAsyncIterable<ChaincodeEvent> | undefined;
  #running: Promise<void> | undefined;
  #connected = false;

  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
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
        const checkpoint = this.store.checkpoint();
        this.#iterator = await this.ledger.chaincodeEvents({
          identity: SERVICE_IDENTITY,
          checkpoint,
          ...(checkpoint.getBlockNumber() === undefined ? { startBlock: 0n } : {}),
        });
        this.#connected = true;
        failures = 0;
        for await (const event of this.#iterator) {
          const stored = this.store.append(event);
          if (stored !== undefined) this.#stored.next(stored);
        }
      } catch (error) {
        if (this.#stopping()) break;
        failures += 1;
        this.#logger.warn(
          `chaincode event stream failed (${error instanceof Error ? error.message : String(error)}); reopening`,
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

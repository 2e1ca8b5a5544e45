import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { InboxCounts, InboxItem, InboxPage, InboxReadAll } from '@consent-ledger/ledger-api';
import { auditTime, type Subscription } from 'rxjs';
import type { PatientSession } from '../auth/principal.js';
import { InvalidArgumentError, NotFoundError } from '../common/errors.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { EVENT_STORE, type EventStore } from '../events/event.store.js';
import { LedgerEventsListener } from '../events/ledger-events.listener.js';
import { inboxChangesOf } from './inbox-changes.js';
import { ITEM_ID_PATTERN } from './inbox.dto.js';
import { INBOX_STORE, type InboxStore } from './inbox.store.js';

/** How often consents about to end are looked for besides after each block: hourly. */
const SWEEP_MS = 3_600_000;
/** Ledger events applied per inbox transaction. */
const BATCH = 500;

/** What GET /inbox reads. */
export interface InboxPageQuery {
  readonly unread?: boolean;
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/**
 * The patients' inboxes at their home gateway. Fed from the stored ledger events (the block
 * listener's, which hold exactly what this organization's peer received) with a cursor of its own:
 * after each stored block and at start, every event not yet applied is turned into inbox changes
 * (inbox-changes.ts) and applied with the new cursor in one transaction, so a restart neither
 * loses nor repeats an item. Consents about to end are looked for after each block and hourly.
 */
@Injectable()
export class InboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger(InboxService.name);
  #live: Subscription | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(INBOX_STORE) private readonly store: InboxStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly listener: LedgerEventsListener,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.#update();
    // The listener announces a block's events one by one, in one synchronous turn: one update
    // after the turn applies them all (auditTime(0)), instead of one per event.
    this.#live = this.listener.events.pipe(auditTime(0)).subscribe(() => {
      this.#update();
    });
    this.#timer = setInterval(() => {
      this.#update();
    }, SWEEP_MS);
    this.#timer.unref();
  }

  onApplicationShutdown(): void {
    this.#live?.unsubscribe();
    clearInterval(this.#timer);
  }

  /** Applies the stored events not yet applied, then sweeps; never throws (logged, retried). */
  #update(): void {
    try {
      this.catchUp();
      this.store.sweep({
        now: new Date(),
        warnDays: this.config.INBOX_EXPIRY_WARN_DAYS,
        keepReadDays: this.config.INBOX_KEEP_READ_DAYS,
      });
    } catch (error) {
      this.#logger.error(
        `inbox update failed (${error instanceof Error ? error.message : String(error)}); retried with the next block`,
      );
    }
  }

  /** Applies every stored ledger event after the inbox's cursor; answers how many. */
  catchUp(): number {
    let applied = 0;
    for (
      let batch = this.events.after(this.store.cursor(), { all: true }, BATCH);
      batch.length > 0;
      batch = this.events.after(this.store.cursor(), { all: true }, BATCH)
    ) {
      const last = batch.at(-1);
      if (last === undefined) break;
      this.store.apply(batch.flatMap(inboxChangesOf), last.seq);
      applied += batch.length;
    }
    return applied;
  }

  /** A page of the session's patient's items, newest first, with the unread counts. */
  page(session: PatientSession, query: Readonly<InboxPageQuery>): InboxPage {
    const pageSize = query.pageSize ?? 25;
    const before = bookmarkOf(query.bookmark);
    const rows = this.store.page({
      patientId: session.patientId,
      unreadOnly: query.unread === true,
      pageSize,
      ...(before === undefined ? {} : { before }),
    });
    const items = rows.slice(0, pageSize);
    const last = items.at(-1);
    return {
      items,
      ...(rows.length > pageSize && last !== undefined ? { bookmark: String(last.itemId) } : {}),
      counts: this.store.counts(session.patientId),
    };
  }

  /** The session's patient's unread counts. */
  counts(session: PatientSession): InboxCounts {
    return this.store.counts(session.patientId);
  }

  /** Marks one of the patient's items read (NOT_FOUND for anyone else's). */
  markRead(session: PatientSession, itemId: number): InboxItem {
    const item = this.store.markRead(session.patientId, itemId, new Date());
    if (item === undefined)
      throw new NotFoundError('NOT_FOUND', `inbox item ${String(itemId)} not found`);
    return item;
  }

  /** Marks the patient's unread items read, up to `upTo` (the newest item the patient saw). */
  markAllRead(session: PatientSession, upTo?: number): InboxReadAll {
    const marked = this.store.markAllRead(session.patientId, new Date(), upTo);
    return { marked, counts: this.store.counts(session.patientId) };
  }
}

/** A page bookmark: the item ID the previous page ended at. */
function bookmarkOf(bookmark: string | undefined): number | undefined {
  if (bookmark === undefined || bookmark === '') return undefined;
  if (!ITEM_ID_PATTERN.test(bookmark))
    throw new InvalidArgumentError('bookmark must be the bookmark of a previous inbox page');
  return Number(bookmark);
}

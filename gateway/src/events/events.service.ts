import { Inject, Injectable } from '@nestjs/common';
import type { MessageEvent } from '@nestjs/common';
import { Observable, filter, interval, map, merge } from 'rxjs';
import type { Principal } from '../auth/principal.js';
import { InvalidArgumentError } from '../common/errors.js';
import {
  EVENT_STORE,
  type EventStore,
  type EventVisibility,
  type StoredEvent,
} from './event.store.js';
import { LedgerEventsListener } from './ledger-events.listener.js';

/** How often an idle stream sends a comment, so proxies keep it open. */
const HEARTBEAT_MS = 15_000;

/** What a caller may see: the regulator everything, a patient their own, others their organization's. */
export function visibilityOf(caller: Principal): EventVisibility {
  if (caller.role === 'regulator' && caller.orgType === 'government') return { all: true };
  if (caller.role === 'patient') return { patientId: caller.patientId ?? '\u0000' };
  return { org: caller.mspId };
}

function toMessage(event: StoredEvent): MessageEvent {
  return {
    id: String(event.seq),
    data: {
      eventName: event.eventName,
      txId: event.txId,
      blockNumber: event.blockNumber,
      payload: event.payload,
    },
  };
}

/** Parses a Last-Event-ID header (the seq of the last event the client saw). */
export function parseLastEventId(header: string | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  if (!/^\d{1,15}$/.test(header))
    throw new InvalidArgumentError('Last-Event-ID must be an event ID');
  return Number(header);
}

/** Server-sent streams of the stored ledger events each caller may see, resumable by event ID. */
@Injectable()
export class EventsService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly listener: LedgerEventsListener,
  ) {}

  /**
   * The caller's events: those after `lastEventId` first (replayed from the store), then live
   * ones; without `lastEventId`, only events from now on.
   */
  stream(caller: Principal, lastEventId: number | undefined): Observable<MessageEvent> {
    const visibility = visibilityOf(caller);
    const events = new Observable<MessageEvent>((subscriber) => {
      let cursor = lastEventId ?? this.store.lastSeq();
      const emit = (event: StoredEvent): void => {
        if (event.seq <= cursor) return;
        cursor = event.seq;
        subscriber.next(toMessage(event));
      };
      // Subscribing and replaying happen in one synchronous turn (node:sqlite), so no stored
      // event can fall between the replay and the live feed.
      const live = this.listener.events
        .pipe(filter((event) => this.store.visible(event, visibility)))
        .subscribe({
          next: emit,
          error: (error: unknown) => {
            subscriber.error(error);
          },
          complete: () => {
            subscriber.complete();
          },
        });
      for (
        let batch = this.store.after(cursor, visibility);
        batch.length > 0;
        batch = this.store.after(cursor, visibility)
      )
        batch.forEach(emit);
      return () => {
        live.unsubscribe();
      };
    });
    const heartbeat = interval(HEARTBEAT_MS).pipe(
      map((): MessageEvent => ({ comment: 'keep-alive' })),
    );
    return merge(events, heartbeat);
  }
}

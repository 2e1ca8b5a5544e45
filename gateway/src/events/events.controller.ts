import { Controller, Headers, Inject, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { takeUntil, type Observable } from 'rxjs';
import { CurrentUser } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { sessionEnd } from '../sessions/session-end.js';
import { SESSIONS, type Sessions } from '../sessions/sessions.js';
import { EventsService, parseLastEventId } from './events.service.js';

/** Ledger events as server-sent events. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    @Inject(SESSIONS) private readonly sessions: Sessions,
  ) {}

  /**
   * The ledger events the caller may see, built from what this organization's peer holds
   * (patient, or guardian: the patient's own; regulator: all; others: their organization's), as
   * `text/event-stream`. The stream ends when the access token expires or its session ends
   * (logout, the user disabled): reconnect with a fresh token and Last-Event-ID to resume.
   */
  @Sse()
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiOkResponse({ description: 'data: {eventName, txId, blockNumber, payload}' })
  stream(
    @CurrentUser() caller: Principal,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): Observable<MessageEvent> {
    return this.events
      .stream(caller, parseLastEventId(lastEventId))
      .pipe(takeUntil(sessionEnd(this.sessions, caller)));
  }
}

import { Module } from '@nestjs/common';
import { IdentitiesModule } from '../identities/identities.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { DATABASE } from '../storage/database.js';
import { EVENT_STORE, createEventStore } from './event.store.js';
import { EventsController } from './events.controller.js';
import { EventsService } from './events.service.js';
import { LedgerEventsListener } from './ledger-events.listener.js';

/** The listener of blocks with private data, its event store, and the SSE endpoint. */
@Module({
  imports: [LedgerModule, IdentitiesModule, SessionsModule],
  controllers: [EventsController],
  providers: [
    LedgerEventsListener,
    EventsService,
    { provide: EVENT_STORE, inject: [DATABASE], useFactory: createEventStore },
  ],
  exports: [EventsService, LedgerEventsListener, EVENT_STORE],
})
export class EventsModule {}

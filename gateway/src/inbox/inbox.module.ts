import { Module } from '@nestjs/common';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { EventsModule } from '../events/events.module.js';
import { DATABASE, type Database } from '../storage/database.js';
import { InboxController } from './inbox.controller.js';
import { InboxService } from './inbox.service.js';
import { INBOX_STORE, createInboxStore } from './inbox.store.js';

/** The patients' inboxes, fed by the block listener's stored events. */
@Module({
  imports: [EventsModule],
  controllers: [InboxController],
  providers: [
    InboxService,
    {
      provide: INBOX_STORE,
      inject: [DATABASE, ORG_PROFILE],
      useFactory: (db: Database, profile: OrgProfile) => createInboxStore(db, profile.mspId),
    },
  ],
})
export class InboxModule {}

import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { ConsentRequestsController } from './consent-requests.controller.js';
import { ConsentRequestsService } from './consent-requests.service.js';

/** Consent requests: asked by requesters, answered by patients at their home gateway. */
@Module({
  imports: [LedgerModule],
  controllers: [ConsentRequestsController],
  providers: [ConsentRequestsService],
  exports: [ConsentRequestsService],
})
export class ConsentRequestsModule {}

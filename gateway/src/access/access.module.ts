import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { AccessController } from './access.controller.js';
import { AccessService } from './access.service.js';

/** Access requests; exports {@link AccessService}. */
@Module({
  imports: [LedgerModule],
  controllers: [AccessController],
  providers: [AccessService],
  exports: [AccessService],
})
export class AccessModule {}

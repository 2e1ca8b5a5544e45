import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { DATABASE } from '../storage/database.js';
import { BATCH_STORE, createBatchStore } from './batch.store.js';
import { RecordsController } from './records.controller.js';
import { RecordsService } from './records.service.js';

/** Record anchors; exports {@link RecordsService} and the batch store. */
@Module({
  imports: [LedgerModule],
  controllers: [RecordsController],
  providers: [
    RecordsService,
    { provide: BATCH_STORE, inject: [DATABASE], useFactory: createBatchStore },
  ],
  exports: [RecordsService, BATCH_STORE],
})
export class RecordsModule {}

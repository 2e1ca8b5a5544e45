import { Module } from '@nestjs/common';
import { ConsentsModule } from '../consents/consents.module.js';
import { EvidenceModule } from '../evidence/evidence.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { ReceiptsController } from './receipts.controller.js';
import { ReceiptsService } from './receipts.service.js';

/** Receipts of consent actions, from the ledger's consents, notices and evidence. */
@Module({
  imports: [ConsentsModule, NoticesModule, EvidenceModule],
  controllers: [ReceiptsController],
  providers: [ReceiptsService],
})
export class ReceiptsModule {}

import { Module } from '@nestjs/common';
import { ConsentRequestsModule } from '../consent-requests/consent-requests.module.js';
import { ConsentsModule } from '../consents/consents.module.js';
import { EvidenceModule } from '../evidence/evidence.module.js';
import { NoticesModule } from '../notices/notices.module.js';
import { DeclineReceiptsController, ReceiptsController } from './receipts.controller.js';
import { ReceiptsService } from './receipts.service.js';

/**
 * Receipts of consent actions (and of declined consent requests), from the ledger's consents,
 * requests, notices and evidence.
 */
@Module({
  imports: [ConsentsModule, ConsentRequestsModule, NoticesModule, EvidenceModule],
  controllers: [ReceiptsController, DeclineReceiptsController],
  providers: [ReceiptsService],
})
export class ReceiptsModule {}

import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ConsentsModule } from '../consents/consents.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { RecordsModule } from '../records/records.module.js';
import { EvidenceController } from './evidence.controller.js';
import { EvidenceService } from './evidence.service.js';

/** Evidence bundles of records, batch members, access events and consent versions. */
@Module({
  imports: [LedgerModule, RecordsModule, AuditModule, ConsentsModule],
  controllers: [EvidenceController],
  providers: [EvidenceService],
  exports: [EvidenceService],
})
export class EvidenceModule {}

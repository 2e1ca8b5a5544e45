import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { DATABASE } from '../storage/database.js';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';
import { createReviewCommentStore, REVIEW_COMMENT_STORE } from './review-comment.store.js';

/** The audit trail; exports {@link AuditService}. */
@Module({
  imports: [LedgerModule],
  controllers: [AuditController],
  providers: [
    AuditService,
    { provide: REVIEW_COMMENT_STORE, inject: [DATABASE], useFactory: createReviewCommentStore },
  ],
  exports: [AuditService],
})
export class AuditModule {}

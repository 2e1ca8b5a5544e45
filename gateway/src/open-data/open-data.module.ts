import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { OpenDataRateGuard } from './open-data-rate.guard.js';
import { OpenStatisticsController } from './open-statistics.controller.js';
import { OpenStatisticsService } from './open-statistics.service.js';

/** Open data for residents (no credentials); exports {@link OpenStatisticsService}. */
@Module({
  imports: [LedgerModule],
  controllers: [OpenStatisticsController],
  providers: [OpenStatisticsService, OpenDataRateGuard],
  exports: [OpenStatisticsService],
})
export class OpenDataModule {}

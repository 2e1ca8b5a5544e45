import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { OpenDataModule } from '../open-data/open-data.module.js';
import { CohortsController } from './cohorts.controller.js';
import { CohortsService } from './cohorts.service.js';
import { ResearchController } from './research.controller.js';

/** Research cohorts and thresholds; exports {@link CohortsService}. */
@Module({
  imports: [LedgerModule, OpenDataModule],
  controllers: [CohortsController, ResearchController],
  providers: [CohortsService],
  exports: [CohortsService],
})
export class CohortsModule {}

import type { CohortPage } from '@consent-ledger/ledger-api';
import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentUser } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { CohortsService } from './cohorts.service.js';
import { RequestCohortDto } from './request-cohort.dto.js';

/** Research cohorts. */
@ApiTags('cohorts')
@ApiBearerAuth()
@Controller('cohorts')
export class CohortsController {
  constructor(private readonly cohorts: CohortsService) {}

  /**
   * A study's cohort: consenting patients' pseudonyms, each inclusion an access event (researcher).
   * Without patientIds, the next page of candidates (bookmark to resume; txId empty when none).
   */
  @Post()
  @Authorize('cohort:RequestCohort')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: '{studyId, included, events, bookmark, txId}' })
  request(@CurrentUser() caller: Principal, @Body() body: RequestCohortDto): Promise<CohortPage> {
    return this.cohorts.request(caller, body);
  }
}

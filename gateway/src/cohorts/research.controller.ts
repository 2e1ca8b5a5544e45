import {
  REGION_CODE_PATTERN,
  type CohortRefusalPage,
  type ResearchThreshold,
} from '@consent-ledger/ledger-api';
import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentUser } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { PageQueryDto } from '../common/dto.js';
import { idPipe } from '../common/id.pipe.js';
import { CohortsService, DEFAULT_THRESHOLD_REGION } from './cohorts.service.js';
import { ResearchThresholdDto } from './request-cohort.dto.js';

/** A region path segment: a six-digit GB/T 2260 code, or `default` (the channel-wide threshold). */
const REGION_OR_DEFAULT = new RegExp(
  `^(?:${DEFAULT_THRESHOLD_REGION}|${REGION_CODE_PATTERN.source.slice(1, -1)})$`,
);

/** Research thresholds (the regulator's rules for cohorts) and the studies they refused. */
@ApiTags('cohorts')
@ApiBearerAuth()
@Controller('research')
export class ResearchController {
  constructor(private readonly cohorts: CohortsService) {}

  /** Every research threshold set: the channel-wide default first, then by region code. */
  @Get('thresholds')
  @Authorize('cohort:ListResearchThresholds')
  @ApiOkResponse({ description: '[{region?, minCohortSize, ethicsApprovalRequired, setAt, txId}]' })
  thresholds(@CurrentUser() caller: Principal): Promise<readonly ResearchThreshold[]> {
    return this.cohorts.thresholds(caller);
  }

  /** Sets a region's threshold, or `default` for the channel-wide one (the government's admin). */
  @Put('thresholds/:region')
  @Authorize('cohort:SetResearchThreshold')
  @ApiOkResponse({ description: '{region?, minCohortSize, ethicsApprovalRequired, setAt, txId}' })
  setThreshold(
    @CurrentUser() caller: Principal,
    @Param('region', idPipe(REGION_OR_DEFAULT, 'region: a six-digit code or default'))
    region: string,
    @Body() body: ResearchThresholdDto,
  ): Promise<ResearchThreshold> {
    return this.cohorts.setThreshold(caller, region, body);
  }

  /** The studies refused by a threshold, newest first (the regulator). */
  @Get('refusals')
  @Authorize('cohort:QueryCohortRefusals')
  @ApiOkResponse({ description: '{refusals, bookmark}' })
  refusals(
    @CurrentUser() caller: Principal,
    @Query() query: PageQueryDto,
  ): Promise<CohortRefusalPage> {
    return this.cohorts.refusals(caller, query);
  }
}

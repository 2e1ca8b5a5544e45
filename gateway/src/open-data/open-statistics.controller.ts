import type { OpenStatistics } from '@consent-ledger/ledger-api';
import { Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators.js';
import { OpenDataRateGuard } from './open-data-rate.guard.js';
import { OpenStatisticsQueryDto } from './open-statistics-query.dto.js';
import { OpenStatisticsService } from './open-statistics.service.js';

/** Open data for residents: aggregates only, no credentials, read-only. */
@ApiTags('open data')
@Controller('open')
export class OpenStatisticsController {
  constructor(private readonly statistics: OpenStatisticsService) {}

  /**
   * Access events by day, city and purpose, small counts suppressed (`lessThan`), no totals (the
   * government's gateway; others answer 501).
   */
  @Public()
  @UseGuards(OpenDataRateGuard)
  @Get('statistics')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ description: '{from, to, cells: [{day, region, purpose, count | lessThan}]}' })
  @ApiTooManyRequestsResponse({ description: 'too many requests from this address (Retry-After)' })
  get(@Query() query: OpenStatisticsQueryDto): Promise<OpenStatistics> {
    return this.statistics.statistics(query);
  }
}

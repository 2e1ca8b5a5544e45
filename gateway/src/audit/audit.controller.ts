import { Readable } from 'node:stream';
import {
  EVENT_ID_PATTERN,
  type AccessEvent,
  type AccessEventPage,
  type Statistics,
} from '@consent-ledger/ledger-api';
import { Body, Controller, Get, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentUser } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { PageQueryDto } from '../common/dto.js';
import { idPipe } from '../common/id.pipe.js';
import { toAuditEvent } from '../fhir/audit-event.mapper.js';
import { csvExport, fhirBundleExport } from './audit-export.js';
import {
  AccessEventsQueryDto,
  EmergencyReviewDto,
  ExportQueryDto,
  StatisticsQueryDto,
} from './audit-query.dto.js';
import { AuditService, type ReviewCommentView } from './audit.service.js';

/** The audit trail. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Access events the caller may see (regulator all, patient own, others their organization's). */
  @Get('access-events')
  @Authorize('audit:QueryAccessEvents')
  @ApiOkResponse({ description: '{items, bookmark}' })
  query(
    @CurrentUser() caller: Principal,
    @Query() query: AccessEventsQueryDto,
  ): Promise<AccessEventPage> {
    return this.audit.query(caller, query);
  }

  /** Streams every matching access event as CSV or as a FHIR R4 Bundle of AuditEvents. */
  @Get('access-events/export')
  @Authorize('audit:QueryAccessEvents')
  @ApiProduces('text/csv', 'application/fhir+json')
  async export(
    @CurrentUser() caller: Principal,
    @Query() query: ExportQueryDto,
  ): Promise<StreamableFile> {
    const { format, ...filter } = query;
    const events = await this.audit.events(caller, filter);
    if (format === 'csv')
      return new StreamableFile(Readable.from(csvExport(events)), {
        type: 'text/csv; charset=utf-8',
        disposition: 'attachment; filename="access-events.csv"',
      });
    return new StreamableFile(Readable.from(fhirBundleExport(events, toAuditEvent)), {
      type: 'application/fhir+json; charset=utf-8',
      disposition: 'attachment; filename="access-events.json"',
    });
  }

  /** One access event, under the same visibility rule. */
  @Get('access-events/:eventId')
  @Authorize('audit:GetAccessEvent')
  event(
    @CurrentUser() caller: Principal,
    @Param('eventId', idPipe(EVENT_ID_PATTERN, 'event ID')) eventId: string,
  ): Promise<AccessEvent> {
    return this.audit.get(caller, eventId);
  }

  /** Pending break-glass reviews, oldest first (regulator). */
  @Get('emergency-reviews')
  @Authorize('audit:QueryEmergencyReviews')
  pending(
    @CurrentUser() caller: Principal,
    @Query() query: PageQueryDto,
  ): Promise<AccessEventPage> {
    return this.audit.pendingReviews(caller, query);
  }

  /** The regulator's comment on a review, checked against the ledger's commitment (regulator). */
  @Get('emergency-reviews/:eventId')
  @Authorize('audit:ReviewEmergencyAccess')
  comment(
    @CurrentUser() caller: Principal,
    @Param('eventId', idPipe(EVENT_ID_PATTERN, 'event ID')) eventId: string,
  ): Promise<ReviewCommentView> {
    return this.audit.reviewComment(caller, eventId);
  }

  /** Reviews a break-glass access with a comment (regulator). */
  @Post('emergency-reviews/:eventId')
  @Authorize('audit:ReviewEmergencyAccess')
  review(
    @CurrentUser() caller: Principal,
    @Param('eventId', idPipe(EVENT_ID_PATTERN, 'event ID')) eventId: string,
    @Body() body: EmergencyReviewDto,
  ): Promise<{ event: AccessEvent; txId: string }> {
    return this.audit.review(caller, eventId, body);
  }

  /** Aggregate counts, no patient IDs (regulator). */
  @Get('statistics')
  @Authorize('audit:GetStatistics')
  statistics(
    @CurrentUser() caller: Principal,
    @Query() query: StatisticsQueryDto,
  ): Promise<Statistics> {
    return this.audit.statistics(caller, query);
  }
}

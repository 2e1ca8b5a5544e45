import {
  MSP_ID_PATTERN,
  NOTICE_ID_PATTERN,
  type Notice,
  type NoticeSummary,
  type NoticeUse,
} from '@consent-ledger/ledger-api';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentUser } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { idPipe } from '../common/id.pipe.js';
import { NoticesQueryDto, PublishNoticeDto } from './notice.dto.js';
import { NoticesService } from './notices.service.js';

const orgPipe = idPipe(MSP_ID_PATTERN, 'organization');
const noticeIdPipe = idPipe(NOTICE_ID_PATTERN, 'notice ID');

/** Notices: what an organization tells patients before they consent, version by version. */
@ApiTags('notices')
@ApiBearerAuth()
@Controller('notices')
export class NoticesController {
  constructor(private readonly notices: NoticesService) {}

  /** Publishes the next version of one of this organization's notices (its admin). */
  @Post()
  @Authorize('notice:PublishNotice')
  @ApiCreatedResponse({ description: 'the notice version with the SHA-256 of its texts' })
  publish(@CurrentUser() caller: Principal, @Body() body: PublishNoticeDto): Promise<Notice> {
    return this.notices.publish(caller, body);
  }

  /** Every version of an organization's notices (this gateway's by default), without texts. */
  @Get()
  @Authorize('notice:ListNotices')
  @ApiOkResponse({ description: 'NoticeSummary[] by notice ID, then version' })
  list(
    @CurrentUser() caller: Principal,
    @Query() query: NoticesQueryDto,
  ): Promise<readonly NoticeSummary[]> {
    return this.notices.list(caller, query.org ?? caller.mspId);
  }

  /** How many consents name each version of a notice (the regulator). */
  @Get(':org/:noticeId/use')
  @Authorize('notice:CountConsentsByNotice')
  @ApiOkResponse({ description: 'NoticeUse: consents per version' })
  use(
    @CurrentUser() caller: Principal,
    @Param('org', orgPipe) org: string,
    @Param('noticeId', noticeIdPipe) noticeId: string,
  ): Promise<NoticeUse> {
    return this.notices.use(caller, { org, noticeId });
  }

  /** One version of a notice, with its texts in both languages and their SHA-256. */
  @Get(':org/:noticeId/:version')
  @Authorize('notice:GetNotice')
  @ApiOkResponse({ description: 'Notice' })
  get(
    @CurrentUser() caller: Principal,
    @Param('org', orgPipe) org: string,
    @Param('noticeId', noticeIdPipe) noticeId: string,
    @Param('version', idPipe(/^[1-9]\d{0,5}$/, 'notice version')) version: string,
  ): Promise<Notice> {
    return this.notices.get(caller, { org, noticeId, version: Number(version) });
  }
}

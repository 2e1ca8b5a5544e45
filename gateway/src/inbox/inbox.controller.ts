import type { InboxCounts, InboxItem, InboxPage, InboxReadAll } from '@consent-ledger/ledger-api';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { patientSessionOf, type Principal } from '../auth/principal.js';
import { idPipe } from '../common/id.pipe.js';
import { ITEM_ID_PATTERN, InboxQueryDto, ReadAllDto } from './inbox.dto.js';
import { InboxService } from './inbox.service.js';

/**
 * The patient's inbox at the home gateway (the patient's or a guardian's session): break-glass
 * accesses, consent requests, consents about to end, erasures; kept until read.
 */
@ApiTags('inbox')
@ApiBearerAuth()
@Controller('inbox')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  /** A page of the inbox, newest first, with the unread counts. */
  @Get()
  @Roles('patient')
  @ApiOkResponse({ description: 'InboxPage: {items, bookmark?, counts}' })
  page(@CurrentUser() caller: Principal, @Query() query: InboxQueryDto): InboxPage {
    return this.inbox.page(patientSessionOf(caller), query);
  }

  /** The unread counts, in all and by kind (what the web app's badge shows). */
  @Get('unread')
  @Roles('patient')
  @ApiOkResponse({ description: 'InboxCounts: {unread, byKind}' })
  counts(@CurrentUser() caller: Principal): InboxCounts {
    return this.inbox.counts(patientSessionOf(caller));
  }

  /** Marks every unread item read, up to the newest the patient saw. */
  @Post('read-all')
  @HttpCode(200)
  @Roles('patient')
  @ApiOkResponse({ description: 'InboxReadAll: {marked, counts}' })
  readAll(@CurrentUser() caller: Principal, @Body() body: ReadAllDto): InboxReadAll {
    return this.inbox.markAllRead(patientSessionOf(caller), body.upTo);
  }

  /** Marks one item read (it stays read if it was). */
  @Post(':itemId/read')
  @HttpCode(200)
  @Roles('patient')
  @ApiOkResponse({ description: 'InboxItem, read' })
  read(
    @CurrentUser() caller: Principal,
    @Param('itemId', idPipe(ITEM_ID_PATTERN, 'inbox item ID')) itemId: string,
  ): InboxItem {
    return this.inbox.markRead(patientSessionOf(caller), Number(itemId));
  }
}

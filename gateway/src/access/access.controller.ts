import type { AccessOutcome, Decision } from '@consent-ledger/ledger-api';
import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Authorize, CurrentUser } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { AccessService } from './access.service.js';
import { EmergencyAccessDto, RequestAccessDto } from './request-access.dto.js';

/** Access requests and decisions. */
@ApiTags('access')
@ApiBearerAuth()
@Controller()
export class AccessController {
  constructor(private readonly access: AccessService) {}

  /** Requests access to a patient's data; the decision is recorded on the ledger. */
  @Post('access-requests')
  @Authorize('access:RequestAccess')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: '{eventId, decision, consentId?, consentIds, reason, txId}' })
  request(
    @CurrentUser() caller: Principal,
    @Body() body: RequestAccessDto,
  ): Promise<AccessOutcome> {
    return this.access.request(caller, body);
  }

  /** Break-glass access (hospital clinicians); reviewed by the regulator afterwards. */
  @Post('access-requests/emergency')
  @Authorize('access:RequestEmergencyAccess')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: '{eventId, decision, consentIds, reason, txId}' })
  emergency(
    @CurrentUser() caller: Principal,
    @Body() body: EmergencyAccessDto,
  ): Promise<AccessOutcome> {
    return this.access.emergency(caller, body);
  }

  /** The decision a request would get now, without recording anything. */
  @Get('access-decisions')
  @Authorize('access:CheckAccess')
  @ApiOkResponse({ description: '{decision, reason, consentIds}' })
  decide(@CurrentUser() caller: Principal, @Query() query: RequestAccessDto): Promise<Decision> {
    return this.access.check(caller, query);
  }
}

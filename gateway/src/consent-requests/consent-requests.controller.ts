import {
  CONSENT_REQUEST_ID_PATTERN,
  type ConsentRequest,
  type ConsentRequestPage,
  type ConsentRequestWrite,
  type RequestLimitsSetting,
} from '@consent-ledger/ledger-api';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Authorize, CurrentUser, Roles } from '../auth/auth.decorators.js';
import { patientSessionOf, type Principal } from '../auth/principal.js';
import { idPipe } from '../common/id.pipe.js';
import { SignedActionRequestDto } from '../patients/patients.dto.js';
import {
  CreateConsentRequestDto,
  QueryConsentRequestsDto,
  RequestLimitsDto,
} from './consent-request.dto.js';
import { ConsentRequestsService } from './consent-requests.service.js';

const requestIdPipe = idPipe(CONSENT_REQUEST_ID_PATTERN, 'consent request ID');

/**
 * Consent requests. A requester (analyst, clinician, researcher) asks and reads the answer at its
 * own gateway; the patient lists and answers at the home gateway with a statement signed on their
 * device (`{action: SignedAction}`, from the patient's own session only).
 */
@ApiTags('consent-requests')
@ApiBearerAuth()
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'replays the first result of a retried POST',
})
@Controller('consent-requests')
export class ConsentRequestsController {
  constructor(private readonly requests: ConsentRequestsService) {}

  /** Asks a patient for a consent to the caller's organization. */
  @Post()
  @Authorize('request:RequestConsent')
  @ApiCreatedResponse({ description: '{requestId, txId, request}' })
  create(
    @CurrentUser() caller: Principal,
    @Body() body: CreateConsentRequestDto,
  ): Promise<ConsentRequestWrite> {
    return this.requests.create(caller, body);
  }

  /** Requests the caller may see, newest first (a patient: their own). */
  @Get()
  @Authorize('request:QueryRequests')
  @ApiOkResponse({ description: '{items, bookmark}' })
  query(
    @CurrentUser() caller: Principal,
    @Query() query: QueryConsentRequestsDto,
  ): Promise<ConsentRequestPage> {
    return this.requests.query(caller, query);
  }

  /** The limits per requester organization and patient. */
  @Get('limits')
  @Authorize('request:GetRequestLimits')
  limits(@CurrentUser() caller: Principal): Promise<RequestLimitsSetting> {
    return this.requests.limits(caller);
  }

  /** Sets the limits (the regulator). */
  @Put('limits')
  @Authorize('request:SetRequestLimits')
  setLimits(
    @CurrentUser() caller: Principal,
    @Body() body: RequestLimitsDto,
  ): Promise<RequestLimitsSetting> {
    return this.requests.setLimits(caller, body);
  }

  /** One request. */
  @Get(':requestId')
  @Authorize('request:GetRequest')
  get(
    @CurrentUser() caller: Principal,
    @Param('requestId', requestIdPipe) requestId: string,
  ): Promise<ConsentRequest> {
    return this.requests.get(caller, requestId);
  }

  /** Approves: the patient's signed request:ApproveRequest, granting exactly the consent asked. */
  @Post(':requestId/approve')
  @HttpCode(200)
  @Roles('patient')
  @ApiOkResponse({ description: '{requestId, txId, request, consent}' })
  approve(
    @CurrentUser() caller: Principal,
    @Param('requestId', requestIdPipe) requestId: string,
    @Body() body: SignedActionRequestDto,
  ): Promise<ConsentRequestWrite> {
    return this.requests.approve(patientSessionOf(caller), requestId, body.action);
  }

  /** Declines: the patient's signed request:DeclineRequest. */
  @Post(':requestId/decline')
  @HttpCode(200)
  @Roles('patient')
  @ApiOkResponse({ description: '{requestId, txId, request}' })
  decline(
    @CurrentUser() caller: Principal,
    @Param('requestId', requestIdPipe) requestId: string,
    @Body() body: SignedActionRequestDto,
  ): Promise<ConsentRequestWrite> {
    return this.requests.decline(patientSessionOf(caller), requestId, body.action);
  }

  /** Withdraws an open request (the requester's organization). */
  @Post(':requestId/withdraw')
  @HttpCode(200)
  @Authorize('request:WithdrawRequest')
  withdraw(
    @CurrentUser() caller: Principal,
    @Param('requestId', requestIdPipe) requestId: string,
  ): Promise<ConsentRequestWrite> {
    return this.requests.withdraw(caller, requestId);
  }
}

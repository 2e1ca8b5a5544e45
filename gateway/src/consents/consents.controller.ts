import {
  CONSENT_ID_PATTERN,
  type Consent,
  type ConsentErasure,
  type ConsentPage,
  type ConsentVersion,
  type ConsentWrite,
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
import { ConsentsService } from './consents.service.js';
import { QueryConsentsDto } from './query-consents.dto.js';

const consentIdPipe = idPipe(CONSENT_ID_PATTERN, 'consent ID');

/**
 * Patients' consents. Writes take a statement the patient (or a guardian) signed on their own
 * device (`{action: SignedAction}`), from that patient's session only (`@Roles('patient')`: the
 * matrix lets any member carry a signed statement, so the route says who may post one here).
 */
@ApiTags('consents')
@ApiBearerAuth()
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'replays the first result of a retried POST',
})
@Controller('consents')
export class ConsentsController {
  constructor(private readonly consents: ConsentsService) {}

  /** Grants a consent: the patient's signed consent:GrantConsent statement. */
  @Post()
  @Roles('patient')
  @ApiCreatedResponse({ description: '{consentId, txId, consent}' })
  grant(
    @CurrentUser() caller: Principal,
    @Body() body: SignedActionRequestDto,
  ): Promise<ConsentWrite> {
    return this.consents.grant(patientSessionOf(caller), body.action);
  }

  /** Consents the caller may see. */
  @Get()
  @Authorize('consent:QueryConsents')
  @ApiOkResponse({ description: '{items, bookmark}' })
  query(@CurrentUser() caller: Principal, @Query() query: QueryConsentsDto): Promise<ConsentPage> {
    return this.consents.query(caller, query);
  }

  /** One consent. */
  @Get(':consentId')
  @Authorize('consent:GetConsent')
  get(
    @CurrentUser() caller: Principal,
    @Param('consentId', consentIdPipe) consentId: string,
  ): Promise<Consent> {
    return this.consents.get(caller, consentId);
  }

  /** Every version of a consent, oldest first. */
  @Get(':consentId/history')
  @Authorize('consent:GetConsentHistory')
  history(
    @CurrentUser() caller: Principal,
    @Param('consentId', consentIdPipe) consentId: string,
  ): Promise<readonly ConsentVersion[]> {
    return this.consents.history(caller, consentId);
  }

  /** Replaces a consent's terms (its patient's signed consent:UpdateConsent; version + 1). */
  @Put(':consentId')
  @Roles('patient')
  update(
    @CurrentUser() caller: Principal,
    @Param('consentId', consentIdPipe) consentId: string,
    @Body() body: SignedActionRequestDto,
  ): Promise<ConsentWrite> {
    return this.consents.update(patientSessionOf(caller), consentId, body.action);
  }

  /** Revokes a consent (its patient's signed consent:RevokeConsent). */
  @Post(':consentId/revoke')
  @HttpCode(200)
  @Roles('patient')
  revoke(
    @CurrentUser() caller: Principal,
    @Param('consentId', consentIdPipe) consentId: string,
    @Body() body: SignedActionRequestDto,
  ): Promise<ConsentWrite> {
    return this.consents.revoke(patientSessionOf(caller), consentId, body.action);
  }

  /** Erases a revoked or expired consent's details from every peer (its patient's signed consent:EraseConsent). */
  @Post(':consentId/erase')
  @HttpCode(200)
  @Roles('patient')
  @ApiOkResponse({ description: '{consentId, txId, receipt}' })
  erase(
    @CurrentUser() caller: Principal,
    @Param('consentId', consentIdPipe) consentId: string,
    @Body() body: SignedActionRequestDto,
  ): Promise<ConsentErasure> {
    return this.consents.erase(patientSessionOf(caller), consentId, body.action);
  }
}

import {
  CONSENT_ID_PATTERN,
  type Consent,
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
import { Authorize, CurrentUser } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { idPipe } from '../common/id.pipe.js';
import { ConsentsService } from './consents.service.js';
import { GrantConsentDto } from './grant-consent.dto.js';
import { QueryConsentsDto } from './query-consents.dto.js';

const consentIdPipe = idPipe(CONSENT_ID_PATTERN, 'consent ID');

/** Patients' consents. */
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

  /** Grants a consent (patient). */
  @Post()
  @Authorize('consent:GrantConsent')
  @ApiCreatedResponse({ description: '{consentId, txId, consent}' })
  grant(@CurrentUser() caller: Principal, @Body() body: GrantConsentDto): Promise<ConsentWrite> {
    return this.consents.grant(caller, body);
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

  /** Replaces a consent's terms (its patient; version + 1). */
  @Put(':consentId')
  @Authorize('consent:UpdateConsent')
  update(
    @CurrentUser() caller: Principal,
    @Param('consentId', consentIdPipe) consentId: string,
    @Body() body: GrantConsentDto,
  ): Promise<ConsentWrite> {
    return this.consents.update(caller, consentId, body);
  }

  /** Revokes a consent (its patient). */
  @Post(':consentId/revoke')
  @HttpCode(200)
  @Authorize('consent:RevokeConsent')
  revoke(
    @CurrentUser() caller: Principal,
    @Param('consentId', consentIdPipe) consentId: string,
  ): Promise<ConsentWrite> {
    return this.consents.revoke(caller, consentId);
  }
}

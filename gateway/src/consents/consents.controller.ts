import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import type { Page } from '../common/dto.js';
import { idPipe } from '../common/id.pipe.js';
import { PERMISSIONS } from '../common/permissions.js';
import { CONSENT_ID } from '../common/vocabulary.js';
import type { Consent, ConsentVersion, ConsentWrite } from './consent.types.js';
import { ConsentsService } from './consents.service.js';
import { GrantConsentDto } from './grant-consent.dto.js';
import { QueryConsentsDto } from './query-consents.dto.js';

const consentIdPipe = idPipe(CONSENT_ID, 'consent ID');

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
  @Roles(...PERMISSIONS.grantConsent)
  @ApiCreatedResponse({ description: '{consentId, txId, consent}' })
  grant(@CurrentUser() caller: Principal, @Body() body: GrantConsentDto): Promise<ConsentWrite> {
    return this.consents.grant(caller, body);
  }

  /** Consents the caller may see. */
  @Get()
  @ApiOkResponse({ description: '{items, bookmark}' })
  query(
    @CurrentUser() caller: Principal,
    @Query() query: QueryConsentsDto,
  ): Promise<Page<Consent>> {
    return this.consents.query(caller, query);
  }

  /** One consent. */
  @Get(':consentId')
  get(
    @CurrentUser() caller: Principal,
    @Param('consentId', consentIdPipe) consentId: string,
  ): Promise<Consent> {
    return this.consents.get(caller, consentId);
  }

  /** Every version of a consent, oldest first. */
  @Get(':consentId/history')
  history(
    @CurrentUser() caller: Principal,
    @Param('consentId', consentIdPipe) consentId: string,
  ): Promise<ConsentVersion[]> {
    return this.consents.history(caller, consentId);
  }

  /** Replaces a consent's terms (its patient; version + 1). */
  @Put(':consentId')
  @Roles(...PERMISSIONS.grantConsent)
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
  @Roles(...PERMISSIONS.revokeConsent)
  revoke(
    @CurrentUser() caller: Principal,
    @Param('consentId', consentIdPipe) consentId: string,
  ): Promise<ConsentWrite> {
    return this.consents.revoke(caller, consentId);
  }
}

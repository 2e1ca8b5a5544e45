import {
  CONSENT_ID_PATTERN,
  CONSENT_REQUEST_ID_PATTERN,
  type ConsentReceipt,
  type DeclineReceipt,
} from '@consent-ledger/ledger-api';
import type { EvidenceBundle } from '@consent-ledger/verifier';
import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentUser } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { idPipe } from '../common/id.pipe.js';
import { ConsentProofQueryDto } from '../evidence/evidence.dto.js';
import { ReceiptsService } from './receipts.service.js';

/** Receipts of consent actions. */
@ApiTags('consents')
@ApiBearerAuth()
@Controller('consents')
export class ReceiptsController {
  constructor(private readonly receipts: ReceiptsService) {}

  /**
   * The receipt of a consent's action (the latest version, or `version`): what was agreed, under
   * which notice, when, with its evidence bundle; under the consent's read rule.
   */
  @Get(':consentId/receipt')
  @Authorize('consent:GetConsentHistory')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'ConsentReceipt (ledger-api), its evidence an evidence bundle' })
  receipt(
    @CurrentUser() caller: Principal,
    @Param('consentId', idPipe(CONSENT_ID_PATTERN, 'consent ID')) consentId: string,
    @Query() query: ConsentProofQueryDto,
  ): Promise<ConsentReceipt<EvidenceBundle>> {
    return this.receipts.consentReceipt(caller, consentId, query.version);
  }
}

/** Receipts of declined consent requests. */
@ApiTags('consent-requests')
@ApiBearerAuth()
@Controller('consent-requests')
export class DeclineReceiptsController {
  constructor(private readonly receipts: ReceiptsService) {}

  /**
   * The receipt of a consent request's decline: the terms as asked, the coded reasons, who signed
   * and when, with the declining transaction's evidence bundle; under the request's read rule.
   */
  @Get(':requestId/receipt')
  @Authorize('request:GetRequest')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'DeclineReceipt (ledger-api), its evidence an evidence bundle' })
  @ApiConflictResponse({ description: 'CONFLICT: the request is not declined' })
  receipt(
    @CurrentUser() caller: Principal,
    @Param('requestId', idPipe(CONSENT_REQUEST_ID_PATTERN, 'consent request ID')) requestId: string,
  ): Promise<DeclineReceipt<EvidenceBundle>> {
    return this.receipts.declineReceipt(caller, requestId);
  }
}

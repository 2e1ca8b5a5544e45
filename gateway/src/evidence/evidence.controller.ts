import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { EvidenceBundle } from '@consent-ledger/verifier';
import {
  CONSENT_ID_PATTERN,
  EVENT_ID_PATTERN,
  EXTERNAL_ID_PATTERN,
} from '@consent-ledger/ledger-api';
import { Authorize, CurrentUser } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { idPipe } from '../common/id.pipe.js';
import { ConsentProofQueryDto, RecordProofQueryDto } from './evidence.dto.js';
import { EvidenceService } from './evidence.service.js';

const BUNDLE = 'an evidence bundle (docs/evidence-bundle.md), for consent-ledger-verify';

/** Evidence bundles an auditor verifies offline. */
@ApiBearerAuth()
@Controller()
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  /** The evidence bundle of a record's anchor (latest, a version, or a batch membership). */
  @Get('records/:recordId/proof')
  @Authorize('records:GetRecord')
  @ApiTags('records')
  @ApiOkResponse({ description: BUNDLE })
  recordProof(
    @CurrentUser() caller: Principal,
    @Param('recordId', idPipe(EXTERNAL_ID_PATTERN, 'record ID')) recordId: string,
    @Query() query: RecordProofQueryDto,
  ): Promise<EvidenceBundle> {
    return this.evidence.recordProof(caller, recordId, {
      ...(query.version === undefined ? {} : { version: query.version }),
      ...(query.batchId === undefined ? {} : { batchId: query.batchId }),
      ...(query.owner === undefined ? {} : { owner: query.owner }),
    });
  }

  /** The evidence bundle of an access event, under the event's visibility rule. */
  @Get('audit/access-events/:eventId/proof')
  @Authorize('audit:GetAccessEvent')
  @ApiTags('audit')
  @ApiOkResponse({ description: BUNDLE })
  accessEventProof(
    @CurrentUser() caller: Principal,
    @Param('eventId', idPipe(EVENT_ID_PATTERN, 'event ID')) eventId: string,
  ): Promise<EvidenceBundle> {
    return this.evidence.accessEventProof(caller, eventId);
  }

  /** The evidence bundle of a consent's version (the latest, or `version`), under the consent's rule. */
  @Get('consents/:consentId/proof')
  @Authorize('consent:GetConsentHistory')
  @ApiTags('consents')
  @ApiOkResponse({ description: BUNDLE })
  consentProof(
    @CurrentUser() caller: Principal,
    @Param('consentId', idPipe(CONSENT_ID_PATTERN, 'consent ID')) consentId: string,
    @Query() query: ConsentProofQueryDto,
  ): Promise<EvidenceBundle> {
    return this.evidence.consentProof(
      caller,
      consentId,
      query.version === undefined ? {} : { version: query.version },
    );
  }
}

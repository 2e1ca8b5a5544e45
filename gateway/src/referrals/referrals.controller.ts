import { REFERRAL_ID_PATTERN, type Referral, type ReferralWrite } from '@consent-ledger/ledger-api';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
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
import { CreateReferralDto } from './create-referral.dto.js';
import { ReferralsService } from './referrals.service.js';

const referralIdPipe = idPipe(REFERRAL_ID_PATTERN, 'referral ID');

/** Referrals between hospitals. */
@ApiTags('referrals')
@ApiBearerAuth()
@Controller('referrals')
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  /** Refers a patient to another hospital, or back (hospital clinician). */
  @Post()
  @Authorize('referral:CreateReferral')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: '{referralId, txId, referral}' })
  create(
    @CurrentUser() caller: Principal,
    @Body() body: CreateReferralDto,
  ): Promise<ReferralWrite> {
    return this.referrals.create(caller, body);
  }

  /** One referral (either hospital, the patient, the regulator). */
  @Get(':referralId')
  @Authorize('referral:GetReferral')
  @ApiOkResponse({ description: 'the referral; status expired once validUntil has passed' })
  get(
    @CurrentUser() caller: Principal,
    @Param('referralId', referralIdPipe) referralId: string,
  ): Promise<Referral> {
    return this.referrals.get(caller, referralId);
  }

  /** Closes a referral: the receiving hospital's referral access ends (either hospital's clinician). */
  @Post(':referralId/close')
  @HttpCode(200)
  @Authorize('referral:CloseReferral')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOkResponse({ description: '{referralId, txId, referral}' })
  close(
    @CurrentUser() caller: Principal,
    @Param('referralId', referralIdPipe) referralId: string,
  ): Promise<ReferralWrite> {
    return this.referrals.close(caller, referralId);
  }
}

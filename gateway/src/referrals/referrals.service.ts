import {
  REFERRAL_ID_PATTERN,
  type Referral,
  type ReferralInput,
  type ReferralWrite,
} from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { InvalidArgumentError } from '../common/errors.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';

function checkReferralId(referralId: string): void {
  if (!REFERRAL_ID_PATTERN.test(referralId))
    throw new InvalidArgumentError('malformed referral ID');
}

/**
 * Referrals between hospitals (`referral` contract): a clinician refers a patient, for some
 * categories and until a date, to another hospital (or back, naming the referral it returns);
 * while open, that hospital may ask for those categories with purpose `referral`.
 */
@Injectable()
export class ReferralsService {
  constructor(@Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient) {}

  /** CreateReferral (hospital clinician; the referring hospital is the caller's). */
  async create(caller: Principal, input: ReferralInput): Promise<ReferralWrite> {
    if (input.returnOf !== undefined) checkReferralId(input.returnOf);
    const request: ReferralInput = {
      patientId: input.patientId,
      toOrg: input.toOrg,
      categories: [...input.categories],
      validUntil: input.validUntil,
      ...(input.returnOf === undefined ? {} : { returnOf: input.returnOf }),
    };
    const { result: referral, txId } = await this.ledger
      .as(caller.walletLabel)
      .submit('referral:CreateReferral', request);
    return { referralId: referral.referralId, txId, referral };
  }

  /** CloseReferral (a clinician of either hospital): the referral's access ends. */
  async close(caller: Principal, referralId: string): Promise<ReferralWrite> {
    checkReferralId(referralId);
    const { result: referral, txId } = await this.ledger
      .as(caller.walletLabel)
      .submit('referral:CloseReferral', referralId);
    return { referralId, txId, referral };
  }

  /** GetReferral (either hospital, the patient, the regulator). */
  async get(caller: Principal, referralId: string): Promise<Referral> {
    checkReferralId(referralId);
    return await this.ledger.as(caller.walletLabel).evaluate('referral:GetReferral', referralId);
  }
}

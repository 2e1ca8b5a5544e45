import {
  REFERRAL_ID_PATTERN,
  type Referral,
  type ReferralInput,
  type ReferralWrite,
} from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import { assertOwnPatient, ledgerIdentity, type Principal } from '../auth/principal.js';
import { InvalidArgumentError } from '../common/errors.js';
import { ENDORSERS, type Endorsers } from '../ledger/endorsers.js';
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
  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(ENDORSERS) private readonly endorsers: Endorsers,
  ) {}

  /**
   * CreateReferral (hospital clinician; the referring hospital is the caller's), endorsed by the
   * two hospitals (or the caller's and the regulator).
   */
  async create(caller: Principal, input: ReferralInput): Promise<ReferralWrite> {
    if (input.returnOf !== undefined) checkReferralId(input.returnOf);
    const request: ReferralInput = {
      patientId: input.patientId,
      toOrg: input.toOrg,
      categories: [...input.categories],
      validUntil: input.validUntil,
      ...(input.returnOf === undefined ? {} : { returnOf: input.returnOf }),
    };
    const endorsers = await this.endorsers.plan('referral:CreateReferral', {
      patientId: request.patientId,
      with: request.toOrg,
    });
    const { result: referral, txId } = await this.ledger
      .as(ledgerIdentity(caller), { endorsers })
      .submit('referral:CreateReferral', request);
    return { referralId: referral.referralId, txId, referral };
  }

  /**
   * CloseReferral (a clinician of either hospital): the referral's access ends. The referral is
   * read first, to name the other hospital as endorser.
   */
  async close(caller: Principal, referralId: string): Promise<ReferralWrite> {
    const open = await this.get(caller, referralId);
    this.endorsers.remember(open.patientId, open.patientHome);
    const endorsers = await this.endorsers.plan('referral:CloseReferral', {
      patientId: open.patientId,
      with: open.fromOrg === caller.mspId ? open.toOrg : open.fromOrg,
    });
    const { result: referral, txId } = await this.ledger
      .as(ledgerIdentity(caller), { endorsers })
      .submit('referral:CloseReferral', referralId);
    return { referralId, txId, referral };
  }

  /** GetReferral (either hospital, the patient, the regulator). */
  async get(caller: Principal, referralId: string): Promise<Referral> {
    checkReferralId(referralId);
    const referral = await this.ledger
      .as(ledgerIdentity(caller))
      .evaluate('referral:GetReferral', referralId);
    assertOwnPatient(caller, referral.patientId);
    return referral;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { InvalidArgumentError } from '../common/errors.js';
import { PERMISSIONS, assertAllowed } from '../common/permissions.js';
import { REFERRAL_ID } from '../common/vocabulary.js';
import { LEDGER_CLIENT, parseJson, type LedgerClient } from '../ledger/ledger.client.js';
import type { Referral, ReferralRequest, ReferralWrite } from './referral.types.js';

function checkReferralId(referralId: string): void {
  if (!REFERRAL_ID.test(referralId)) throw new InvalidArgumentError('malformed referral ID');
}

/**
 * Referrals between hospitals (`access` contract): a clinician refers a patient, for some
 * categories and until a date, to another hospital (or back, naming the referral it returns);
 * while open, that hospital may ask for those categories with purpose `referral`.
 */
@Injectable()
export class ReferralsService {
  constructor(@Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient) {}

  /** CreateReferral (hospital clinician; the referring hospital is the caller's). */
  async create(caller: Principal, input: ReferralRequest): Promise<ReferralWrite> {
    assertAllowed(caller, PERMISSIONS.referral);
    if (input.returnOf !== undefined) checkReferralId(input.returnOf);
    const request = {
      patientId: input.patientId,
      toOrg: input.toOrg,
      categories: [...input.categories],
      validUntil: input.validUntil,
      ...(input.returnOf === undefined ? {} : { returnOf: input.returnOf }),
    };
    const { payload, txId } = await this.ledger.submit({
      identity: caller.walletLabel,
      contract: 'access',
      transaction: 'CreateReferral',
      args: [JSON.stringify(request)],
    });
    const referral = parseJson<Referral>(payload);
    return { referralId: referral.referralId, txId, referral };
  }

  /** CloseReferral (a clinician of either hospital): the referral's access ends. */
  async close(caller: Principal, referralId: string): Promise<ReferralWrite> {
    assertAllowed(caller, PERMISSIONS.referral);
    checkReferralId(referralId);
    const { payload, txId } = await this.ledger.submit({
      identity: caller.walletLabel,
      contract: 'access',
      transaction: 'CloseReferral',
      args: [referralId],
    });
    return { referralId, txId, referral: parseJson<Referral>(payload) };
  }

  /** GetReferral (either hospital, the patient, the regulator). */
  async get(caller: Principal, referralId: string): Promise<Referral> {
    checkReferralId(referralId);
    return parseJson<Referral>(
      await this.ledger.evaluate({
        identity: caller.walletLabel,
        contract: 'access',
        transaction: 'GetReferral',
        args: [referralId],
      }),
    );
  }
}

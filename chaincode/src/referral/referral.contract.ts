import {
  ledgerError,
  pairCollection,
  type ChaincodeContract,
  type Referral,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { announce } from '../ledger/events';
import { requireReader } from '../ledger/guards';
import { locateDocument } from '../ledger/locate';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { addMillis } from '../ledger/time';
import { requireHome } from '../patient/binding-store';
import { requireOrganization } from '../registry/organization-store';
import { parseReferralId, parseReferralInput } from './referral-input';
import { presentReferral, readReferral, writeReferral } from './referral-store';

/** Longest validity of a referral. */
const MAX_REFERRAL_MILLIS = 366 * 86_400_000;

/**
 * Referrals between hospitals: a clinician refers a patient to another hospital for some data
 * categories (and refers them back), which lets that hospital's access for purpose `referral`
 * be permitted by the patient's consents while the referral is open. One of the two hospitals is
 * the patient's home: the referral is kept with the two and the regulator.
 */
@Info({ title: 'Referral', description: 'Two-way referrals between hospitals' })
export class ReferralContract
  extends LedgerContract
  implements ChaincodeContract<'referral', LedgerContext>
{
  constructor() {
    super('referral');
  }

  /** Refers a patient to another hospital for some categories (event ReferralCreated). */
  @Transaction()
  @Returns('Referral')
  async CreateReferral(ctx: LedgerContext): Promise<Referral> {
    const [referralJson] = ctx.argsOf('referral:CreateReferral');
    const input = parseReferralInput(referralJson);
    const caller = ctx.member;
    if (input.validUntil <= ctx.txTime) {
      throw ledgerError('INVALID_ARGUMENT', 'referral.validUntil: must be in the future');
    }
    if (input.validUntil > addMillis(ctx.txTime, MAX_REFERRAL_MILLIS)) {
      throw ledgerError('INVALID_ARGUMENT', 'referral.validUntil: must be within 366 days');
    }
    const target = await requireOrganization(ctx.stub, input.toOrg);
    if (target.type !== 'hospital') {
      throw ledgerError('RULE_VIOLATION', `referrals go to hospitals; ${input.toOrg} is not one`);
    }
    if (input.toOrg === caller.mspId) {
      throw ledgerError('RULE_VIOLATION', 'a referral goes to another hospital');
    }
    const home = await requireHome(ctx, input.patientId);
    if (home !== caller.mspId && home !== input.toOrg) {
      throw ledgerError(
        'RULE_VIOLATION',
        `one of the two hospitals of a referral must be the patient's home (${home})`,
      );
    }
    const collection = pairCollection(caller.mspId, input.toOrg);
    if (input.returnOf !== undefined) {
      const outbound = await readReferral(ctx, { collection, referralId: input.returnOf });
      if (outbound === undefined)
        throw ledgerError('REFERRAL_NOT_FOUND', `referral ${input.returnOf} does not exist`);
      if (
        outbound.patientId !== input.patientId ||
        outbound.toOrg !== caller.mspId ||
        outbound.fromOrg !== input.toOrg
      ) {
        throw ledgerError(
          'RULE_VIOLATION',
          `a referral back returns ${input.returnOf}'s patient from its receiving hospital to its referring one`,
        );
      }
    }
    const referral: Referral = {
      referralId: ctx.nextId('ref'),
      patientId: input.patientId,
      patientHome: home,
      fromOrg: caller.mspId,
      toOrg: input.toOrg,
      categories: input.categories,
      validUntil: input.validUntil,
      ...(input.returnOf === undefined ? {} : { returnOf: input.returnOf }),
      status: 'open',
      createdAt: ctx.txTime,
      createdBy: caller.idHash,
      txId: ctx.txId,
      salt: ctx.salt,
    };
    await writeReferral(ctx, { collection, referral });
    announce(ctx.stub, 'ReferralCreated');
    return referral;
  }

  /** Closes a referral (a clinician of either hospital; event ReferralClosed). */
  @Transaction()
  @Returns('Referral')
  async CloseReferral(ctx: LedgerContext): Promise<Referral> {
    const [referralId] = ctx.argsOf('referral:CloseReferral');
    const id = parseReferralId(referralId);
    const caller = ctx.member;
    const { value: referral, collection } = await this.#locate(ctx, id);
    if (caller.mspId !== referral.fromOrg && caller.mspId !== referral.toOrg) {
      throw ledgerError('FORBIDDEN', `only the two hospitals of referral ${id} may close it`);
    }
    if (referral.status === 'closed')
      throw ledgerError('CONFLICT', `referral ${id} is already closed`);
    const closed: Referral = {
      ...referral,
      status: 'closed',
      closedAt: ctx.txTime,
      closedBy: caller.idHash,
      txId: ctx.txId,
      salt: ctx.salt,
    };
    await writeReferral(ctx, { collection, referral: closed, previous: referral });
    announce(ctx.stub, 'ReferralClosed');
    return closed;
  }

  /** A referral (either hospital, the patient's home admins, the regulator). */
  @Transaction(false)
  @Returns('Referral')
  async GetReferral(ctx: LedgerContext): Promise<Referral> {
    const [referralId] = ctx.argsOf('referral:GetReferral');
    const id = parseReferralId(referralId);
    const { value: referral } = await this.#locate(ctx, id);
    requireReader(ctx.member, {
      home: referral.patientHome,
      orgs: [referral.fromOrg, referral.toOrg],
      what: `referral ${id}`,
    });
    return presentReferral(referral, ctx.txTime);
  }

  #locate(ctx: LedgerContext, referralId: string) {
    const what = `referral ${referralId}`;
    return locateDocument(ctx, {
      path: ['referral', referralId],
      notFound: () => ledgerError('REFERRAL_NOT_FOUND', `${what} does not exist`),
      what,
    });
  }
}

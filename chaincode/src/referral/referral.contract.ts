import { ledgerError, type ChaincodeContract, type Referral } from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { emitEvent } from '../ledger/events';
import { requireReader } from '../ledger/guards';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { addMillis } from '../ledger/time';
import { requireOrganization } from '../registry/organization-store';
import { parseReferralId, parseReferralInput } from './referral-input';
import { indexReferral, presentReferral, readReferral, writeReferral } from './referral-store';

/** Longest validity of a referral. */
const MAX_REFERRAL_MILLIS = 366 * 86_400_000;

/**
 * Referrals between hospitals: a clinician refers a patient to another hospital for some data
 * categories (and refers them back), which lets that hospital's access for purpose `referral`
 * be permitted by the patient's consents while the referral is open.
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
  async CreateReferral(ctx: LedgerContext, referralJson: string): Promise<Referral> {
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
    if (input.returnOf !== undefined) {
      const outbound = await readReferral(ctx.stub, input.returnOf);
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
      fromOrg: caller.mspId,
      toOrg: input.toOrg,
      categories: input.categories,
      validUntil: input.validUntil,
      ...(input.returnOf === undefined ? {} : { returnOf: input.returnOf }),
      status: 'open',
      createdAt: ctx.txTime,
      createdBy: caller.idHash,
      txId: ctx.txId,
    };
    await writeReferral(ctx.stub, referral);
    await indexReferral(ctx.stub, referral);
    announceReferral(ctx, { referral: referral, name: 'ReferralCreated' });
    return referral;
  }

  /** Closes a referral (a clinician of either hospital; event ReferralClosed). */
  @Transaction()
  @Returns('Referral')
  async CloseReferral(ctx: LedgerContext, referralId: string): Promise<Referral> {
    const id = parseReferralId(referralId);
    const caller = ctx.member;
    const referral = await readReferral(ctx.stub, id);
    if (referral === undefined)
      throw ledgerError('REFERRAL_NOT_FOUND', `referral ${id} does not exist`);
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
    };
    await writeReferral(ctx.stub, closed);
    announceReferral(ctx, { referral: closed, name: 'ReferralClosed' });
    return closed;
  }

  /** A referral (either hospital, the patient, the regulator). */
  @Transaction(false)
  @Returns('Referral')
  async GetReferral(ctx: LedgerContext, referralId: string): Promise<Referral> {
    const id = parseReferralId(referralId);
    const referral = await readReferral(ctx.stub, id);
    if (referral === undefined)
      throw ledgerError('REFERRAL_NOT_FOUND', `referral ${id} does not exist`);
    requireReader(ctx.member, {
      patientId: referral.patientId,
      orgs: [referral.fromOrg, referral.toOrg],
      what: `referral ${id}`,
    });
    return presentReferral(referral, ctx.txTime);
  }
}

function announceReferral(
  ctx: LedgerContext,
  event: { readonly referral: Referral; readonly name: 'ReferralCreated' | 'ReferralClosed' },
): void {
  const { referral, name } = event;
  emitEvent(ctx.stub, {
    name,
    payload: {
      referralId: referral.referralId,
      patientId: referral.patientId,
      fromOrg: referral.fromOrg,
      toOrg: referral.toOrg,
      categories: referral.categories,
      status: referral.status === 'closed' ? 'closed' : 'open',
      timestamp: ctx.txTime,
    },
  });
}

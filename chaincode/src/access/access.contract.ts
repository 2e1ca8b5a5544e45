import type { AccessEvent, ChaincodeContract, Decision } from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { accessorOf, decideAccess, decideEmergency } from './access-evaluation';
import { parseAccessRequest, parseEmergencyRequest } from './access-input';
import { recordAccessEvent } from './access-recording';

/**
 * Access to patients' data: every request is decided by the patient's consents and recorded as an
 * access event whatever the decision; break-glass access, pending the regulator's review (which is
 * the audit contract's).
 */
@Info({ title: 'Access', description: 'Consent-checked, audited access; break-glass' })
export class AccessContract
  extends LedgerContract
  implements ChaincodeContract<'access', LedgerContext>
{
  constructor() {
    super('access');
  }

  /** Decides an access by the patient's consents and records it (event AccessRecorded). */
  @Transaction()
  @Returns('AccessEvent')
  async RequestAccess(ctx: LedgerContext, requestJson: string): Promise<AccessEvent> {
    const request = parseAccessRequest(requestJson);
    const caller = ctx.member;
    const decision = await decideAccess(ctx.stub, {
      patientId: request.patientId,
      accessor: accessorOf(caller),
      purpose: request.purpose,
      categories: request.categories,
      ...period(request),
      now: ctx.txTime,
    });
    return recordAccessEvent(ctx, {
      eventId: ctx.nextId('evt'),
      patientId: request.patientId,
      purpose: request.purpose,
      categories: request.categories,
      recordIds: request.recordIds ?? [],
      ...period(request),
      decision,
    });
  }

  /** Decides an access like RequestAccess, writing nothing. */
  @Transaction(false)
  @Returns('Decision')
  async CheckAccess(ctx: LedgerContext, requestJson: string): Promise<Decision> {
    const request = parseAccessRequest(requestJson);
    return decideAccess(ctx.stub, {
      patientId: request.patientId,
      accessor: accessorOf(ctx.member),
      purpose: request.purpose,
      categories: request.categories,
      ...period(request),
      now: ctx.txTime,
    });
  }

  /**
   * Break-glass access by a hospital clinician: permitted without consent unless the patient's
   * deny covers emergencies; recorded with a coded reason and the justification's hash, pending the
   * regulator's review (audit:ReviewEmergencyAccess).
   */
  @Transaction()
  @Returns('AccessEvent')
  async RequestEmergencyAccess(ctx: LedgerContext, requestJson: string): Promise<AccessEvent> {
    const request = parseEmergencyRequest(requestJson);
    const caller = ctx.member;
    const decision = await decideEmergency(ctx.stub, {
      patientId: request.patientId,
      accessor: accessorOf(caller),
      categories: request.categories,
      now: ctx.txTime,
    });
    return recordAccessEvent(ctx, {
      eventId: ctx.nextId('evt'),
      patientId: request.patientId,
      purpose: 'emergency',
      categories: request.categories,
      recordIds: request.recordIds ?? [],
      decision,
      emergency: {
        reasonCode: request.reasonCode,
        justificationHash: request.justificationHash,
        review: { status: 'pending' },
      },
    });
  }
}

function period(request: { readonly dataFrom?: string; readonly dataUntil?: string }): {
  dataFrom?: string;
  dataUntil?: string;
} {
  return {
    ...(request.dataFrom === undefined ? {} : { dataFrom: request.dataFrom }),
    ...(request.dataUntil === undefined ? {} : { dataUntil: request.dataUntil }),
  };
}

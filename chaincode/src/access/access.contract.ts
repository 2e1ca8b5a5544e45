import type { AccessEvent, ChaincodeContract, Decision } from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { requireHome } from '../patient/binding-store';
import { accessorOf, decideAccess, decideEmergency } from './access-evaluation';
import { parseAccessRequest, parseEmergencyRequest } from './access-input';
import { recordAccessEvent } from './access-recording';

/**
 * Access to patients' data: every request is decided by the patient's consents, on the endorsing
 * peers of the organizations that hold them (the accessor's and the patient's home), and recorded
 * as an access event whatever the decision; break-glass access, pending the regulator's review
 * (which is the audit contract's).
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
  async RequestAccess(ctx: LedgerContext): Promise<AccessEvent> {
    const [requestJson] = ctx.argsOf('access:RequestAccess');
    const request = parseAccessRequest(requestJson);
    const home = await requireHome(ctx, request.patientId);
    const decision = await decideAccess(ctx, {
      patientId: request.patientId,
      home,
      accessor: accessorOf(ctx.member),
      purpose: request.purpose,
      categories: request.categories,
      ...period(request),
      now: ctx.txTime,
    });
    return recordAccessEvent(ctx, {
      eventId: ctx.nextId('evt'),
      patientId: request.patientId,
      patientHome: home,
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
  async CheckAccess(ctx: LedgerContext): Promise<Decision> {
    const [requestJson] = ctx.argsOf('access:CheckAccess');
    const request = parseAccessRequest(requestJson);
    return decideAccess(ctx, {
      patientId: request.patientId,
      home: await requireHome(ctx, request.patientId),
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
  async RequestEmergencyAccess(ctx: LedgerContext): Promise<AccessEvent> {
    const [requestJson] = ctx.argsOf('access:RequestEmergencyAccess');
    const request = parseEmergencyRequest(requestJson);
    const home = await requireHome(ctx, request.patientId);
    const decision = await decideEmergency(ctx, {
      patientId: request.patientId,
      home,
      accessor: accessorOf(ctx.member),
      categories: request.categories,
      now: ctx.txTime,
    });
    return recordAccessEvent(ctx, {
      eventId: ctx.nextId('evt'),
      patientId: request.patientId,
      patientHome: home,
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

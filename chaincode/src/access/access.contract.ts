import type {
  AccessEvent,
  ChaincodeContract,
  Decision,
  SensitivityLabel,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { requireHome } from '../patient/binding-store';
import { authorize } from '../ledger/authorization';
import {
  accessorOf,
  checkAccess,
  decideAccess,
  decideEmergency,
  type PatientQuestion,
} from './access-evaluation';
import { parseAccessRequest, parseEmergencyRequest, type ValidAccessRequest } from './access-input';
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
    const { request, question } = await accessQuestion(ctx, 'access:RequestAccess');
    const decision = await decideAccess(ctx, question);
    return recordAccessEvent(ctx, {
      eventId: ctx.nextId('evt'),
      patientId: request.patientId,
      patientHome: question.home,
      purpose: request.purpose,
      categories: request.categories,
      ...declared(request),
      recordIds: request.recordIds ?? [],
      ...period(request),
      decision,
    });
  }

  /**
   * Decides an access like RequestAccess, writing nothing: only for a caller who may make the
   * request itself (the one question both ask, {@link accessQuestion}), naming only the consents
   * the caller may read.
   */
  @Transaction(false)
  @Returns('Decision')
  async CheckAccess(ctx: LedgerContext): Promise<Decision> {
    const { question } = await accessQuestion(ctx, 'access:CheckAccess');
    return checkAccess(ctx, question);
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
      ...declared(request),
      now: ctx.txTime,
    });
    return recordAccessEvent(ctx, {
      eventId: ctx.nextId('evt'),
      patientId: request.patientId,
      patientHome: home,
      purpose: 'emergency',
      categories: request.categories,
      ...declared(request),
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

/**
 * The question of RequestAccess and CheckAccess, one function for both: the caller must pass
 * RequestAccess's rule of the matrix (whichever of the two is called: a check is answered only to
 * a caller who could make the request), the request is parsed as RequestAccess parses it and the
 * patient must be registered.
 */
async function accessQuestion(
  ctx: LedgerContext,
  transaction: 'access:RequestAccess' | 'access:CheckAccess',
): Promise<{ request: ValidAccessRequest; question: PatientQuestion }> {
  authorize('access:RequestAccess', ctx.member);
  const [requestJson] = ctx.argsOf(transaction);
  const request = parseAccessRequest(requestJson);
  const home = await requireHome(ctx, request.patientId);
  return {
    request,
    question: {
      patientId: request.patientId,
      home,
      accessor: accessorOf(ctx.member),
      purpose: request.purpose,
      categories: request.categories,
      ...declared(request),
      ...period(request),
      now: ctx.txTime,
    },
  };
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

/** The sensitivity labels a request declares, when it declares any. */
function declared(request: { readonly labels?: readonly SensitivityLabel[] }): {
  labels?: readonly SensitivityLabel[];
} {
  return request.labels === undefined ? {} : { labels: request.labels };
}

import type { ChaincodeContract, CohortResult } from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { accessorOf, decideAccess } from '../access/access-evaluation';
import { storeAccessEvent } from '../access/access-recording';
import { patientsGrantedTo } from '../consent/consent-store';
import { emitEvent } from '../ledger/events';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { DEFAULT_PAGE_SIZE } from '../ledger/validation';
import { parseCohortRequest } from './cohort-input';

/** Index entries a cohort page examines at most, per patient it may include. */
const SCAN_FACTOR = 10;

/**
 * Research cohorts: the patients whose consents permit a research institute's study, each
 * decided like an access for purpose `research` and recorded as an access event.
 */
@Info({ title: 'Cohort', description: 'Research cohorts, one access event per patient' })
export class CohortContract
  extends LedgerContract
  implements ChaincodeContract<'cohort', LedgerContext>
{
  constructor() {
    super('cohort');
  }

  /**
   * A page of a research cohort: patients with an active research permit to the caller's
   * organization (found through the consent store's grantee index, or the patients named), one
   * access event per patient included (event CohortRecorded). A page ends once pageSize patients
   * are included or 10 x pageSize index entries are examined; its bookmark resumes at the next
   * patient, empty at the end.
   */
  @Transaction()
  @Returns('CohortResult')
  async RequestCohort(ctx: LedgerContext, cohortJson: string): Promise<CohortResult> {
    const request = parseCohortRequest(cohortJson);
    const caller = ctx.member;
    const included: string[] = [];
    const events: string[] = [];
    const consider = async (patientId: string): Promise<void> => {
      const decision = await decideAccess(ctx.stub, {
        patientId,
        accessor: accessorOf(caller),
        purpose: 'research',
        categories: request.categories,
        now: ctx.txTime,
      });
      if (decision.decision !== 'permit') return;
      const event = await storeAccessEvent(ctx, {
        eventId: ctx.nextId('evt'),
        patientId,
        purpose: 'research',
        categories: request.categories,
        recordIds: [],
        decision,
        cohort: { studyId: request.studyId },
      });
      included.push(patientId);
      events.push(event.eventId);
    };

    let bookmark = '';
    if (request.patientIds !== undefined) {
      for (const patientId of request.patientIds) await consider(patientId);
    } else {
      const pageSize = request.pageSize ?? DEFAULT_PAGE_SIZE;
      for await (const patient of patientsGrantedTo(ctx.stub, {
        org: caller.mspId,
        bookmark: request.bookmark ?? '',
      })) {
        if (included.length >= pageSize || patient.examined >= pageSize * SCAN_FACTOR) {
          bookmark = patient.bookmark;
          break;
        }
        await consider(patient.patientId);
      }
    }
    emitEvent(ctx.stub, {
      name: 'CohortRecorded',
      payload: {
        studyId: request.studyId,
        accessorOrg: caller.mspId,
        included: included.length,
        eventIds: events,
        timestamp: ctx.txTime,
      },
    });
    return { included, events, bookmark };
  }
}

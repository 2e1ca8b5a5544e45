import {
  collectionsOf,
  type ChaincodeContract,
  type CohortResult,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { accessorOf, decideAccess } from '../access/access-evaluation';
import { storeAccessEvent } from '../access/access-recording';
import { channelMspIds } from '../ledger/channel';
import { announce } from '../ledger/events';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { encodeBookmark, mergedEntries, scanStart } from '../ledger/pagination';
import { DEFAULT_PAGE_SIZE } from '../ledger/validation';
import { locateHome } from '../patient/binding-store';
import { parseCohortRequest } from './cohort-input';

/** Index entries a cohort page examines at most, per patient it may include. */
const SCAN_FACTOR = 10;

/** The home of the patients whose consents to `org` a collection of `org` holds. */
function homeOf(collection: string, org: string): string {
  if (collection.startsWith('org_')) return org;
  const [first = '', second = ''] = collection.slice('pair_'.length).split('_');
  return first === org ? second : first;
}

/**
 * Research cohorts: the patients whose consents permit a research institute's study, each
 * decided like an access for purpose `research` and recorded as an access event. The consents
 * granted to the institute are found in its own collections (`org_R` and every `pair_<X,R>`), so
 * its endorsing peer and the regulator's hold everything the cohort reads.
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
   * organization (found through the grantee index of the organization's collections, merged in
   * key order, or the patients named), one access event per patient included (event
   * CohortRecorded). A page ends once pageSize patients are included or 10 x pageSize index
   * entries are examined; its bookmark resumes at the next patient, empty at the end.
   */
  @Transaction()
  @Returns('CohortResult')
  async RequestCohort(ctx: LedgerContext): Promise<CohortResult> {
    const [cohortJson] = ctx.argsOf('cohort:RequestCohort');
    const request = parseCohortRequest(cohortJson);
    const caller = ctx.member;
    const included: string[] = [];
    const events: string[] = [];
    const consider = async (patientId: string, home: string): Promise<void> => {
      const decision = await decideAccess(ctx, {
        patientId,
        home,
        accessor: accessorOf(caller),
        purpose: 'research',
        categories: request.categories,
        now: ctx.txTime,
      });
      if (decision.decision !== 'permit') return;
      const event = await storeAccessEvent(ctx, {
        eventId: ctx.nextId('evt'),
        patientId,
        patientHome: home,
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
      for (const patientId of request.patientIds) {
        const home = await locateHome(ctx, patientId);
        if (home !== undefined) await consider(patientId, home);
      }
    } else {
      const pageSize = request.pageSize ?? DEFAULT_PAGE_SIZE;
      const prefix = [caller.mspId];
      const startKey = scanStart(ctx.stub, {
        type: 'consentByGrantee',
        prefix,
        ...(request.bookmark === undefined ? {} : { bookmark: request.bookmark }),
      });
      let examined = 0;
      let current: string | undefined;
      for await (const entry of mergedEntries(ctx.stub, {
        collections: collectionsOf(caller.mspId, await channelMspIds(ctx)),
        type: 'consentByGrantee',
        prefix,
        ...(startKey === undefined ? {} : { startKey }),
      })) {
        const patientId = entry.attributes[1];
        if (patientId === undefined || entry.collection === undefined) continue;
        if (patientId !== current) {
          if (included.length >= pageSize || examined >= pageSize * SCAN_FACTOR) {
            bookmark = encodeBookmark(entry.key);
            break;
          }
          current = patientId;
          await consider(patientId, homeOf(entry.collection, caller.mspId));
        }
        examined += 1;
      }
    }
    announce(ctx.stub, 'CohortRecorded');
    return { included, events, bookmark };
  }
}

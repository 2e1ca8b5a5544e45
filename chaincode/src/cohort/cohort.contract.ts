import {
  collectionsOf,
  orgCollection,
  type Category,
  type ChaincodeContract,
  type CohortCandidates,
  type CohortRefusal,
  type CohortRefusalCode,
  type CohortRefusalPage,
  type CohortResult,
  type Decision,
  type ResearchThreshold,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { accessorOf, decideAccess } from '../access/access-evaluation';
import { storeAccessEvent } from '../access/access-recording';
import { channelMspIds } from '../ledger/channel';
import { announce } from '../ledger/events';
import { LedgerContext, type Member } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { encodeBookmark, mergedEntries, scanStart } from '../ledger/pagination';
import { DEFAULT_PAGE_SIZE } from '../ledger/validation';
import { finestCode } from '../ledger/region';
import { locateHome } from '../patient/binding-store';
import {
  parseCohortQuery,
  parseCohortRequest,
  parseRefusalQuery,
  parseThresholdInput,
  type ValidCohortRequest,
} from './cohort-input';
import {
  appliedThreshold,
  listThresholds,
  refusalPage,
  writeRefusal,
  writeThreshold,
} from './threshold-store';

/** Index entries a FindCohort page examines at most, per candidate it may find. */
const SCAN_FACTOR = 10;

/** The home of the patients whose consents to `org` a collection of `org` holds. */
function homeOf(collection: string, org: string): string {
  if (collection.startsWith('org_')) return org;
  const [first = '', second = ''] = collection.slice('pair_'.length).split('_');
  return first === org ? second : first;
}

/** Decides a patient for a study like an access for purpose `research` (writes nothing). */
function decideResearch(
  ctx: LedgerContext,
  question: Readonly<{
    caller: Member;
    patientId: string;
    home: string;
    categories: readonly Category[];
  }>,
): Promise<Decision> {
  return decideAccess(ctx, {
    patientId: question.patientId,
    home: question.home,
    accessor: accessorOf(question.caller),
    purpose: 'research',
    categories: question.categories,
    now: ctx.txTime,
  });
}

/**
 * Research cohorts, in two steps because Fabric refuses a transaction that writes after scanning
 * private data: FindCohort (evaluate) scans the grantee index of the institute's own collections
 * (`org_R` and every `pair_<X,R>`, merged in key order) for the patients whose consents permit
 * the study now; RequestCohort (submit) decides exactly the patients named, each like an access for
 * purpose `research` (point reads only), and records an access event for each one included. Its
 * endorsing peer and the regulator's hold everything either step reads.
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
   * A page of candidates: the patients with consents to the caller's organization whose consents
   * permit research on the categories now, in grantee-index order. A page ends once pageSize
   * candidates are found or 10 x pageSize index entries are examined; its bookmark resumes at the
   * next patient, empty at the end. Writes nothing.
   */
  @Transaction(false)
  @Returns('CohortCandidates')
  async FindCohort(ctx: LedgerContext): Promise<CohortCandidates> {
    const [queryJson] = ctx.argsOf('cohort:FindCohort');
    const query = parseCohortQuery(queryJson);
    const caller = ctx.member;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const prefix = [caller.mspId];
    const startKey = scanStart(ctx.stub, {
      type: 'consentByGrantee',
      prefix,
      ...(query.bookmark === undefined ? {} : { bookmark: query.bookmark }),
    });
    const candidates: string[] = [];
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
        if (candidates.length >= pageSize || examined >= pageSize * SCAN_FACTOR) {
          return { candidates, bookmark: encodeBookmark(entry.key) };
        }
        current = patientId;
        const decision = await decideResearch(ctx, {
          caller,
          patientId,
          home: homeOf(entry.collection, caller.mspId),
          categories: query.categories,
        });
        if (decision.decision === 'permit') candidates.push(patientId);
      }
      examined += 1;
    }
    return { candidates, bookmark: '' };
  }

  /**
   * A study's cohort among the patients named (1..100, as FindCohort found them or as the study
   * chose): each decided like an access for purpose `research`, one access event per patient
   * included (event CohortRecorded). Unknown pseudonyms are left out. Point reads only. The
   * research threshold of the requesting organization's region applies (its registered region's
   * most specific code, rolled up to city and province, else the channel-wide default): a study
   * without the ethics approval reference it requires, or whose cohort would include fewer patients
   * than its minimum, is refused: no access event is written, only a refusal record (in the
   * collection of the requesting organization and the regulator: the study, the organization and
   * the rule, nothing about patients), and the
   * result carries it instead of patients.
   */
  @Transaction()
  @Returns('CohortResult')
  async RequestCohort(ctx: LedgerContext): Promise<CohortResult> {
    const [cohortJson] = ctx.argsOf('cohort:RequestCohort');
    const request = parseCohortRequest(cohortJson);
    const caller = ctx.member;
    const region = finestCode(caller.organization.region);
    const threshold = await appliedThreshold(ctx.stub, region);
    const refuse = async (code: CohortRefusalCode): Promise<CohortResult> => ({
      included: [],
      events: [],
      refusal: await logRefusal(ctx, { code, request, region, threshold }),
    });
    if (threshold.ethicsApprovalRequired && request.ethicsApproval === undefined) {
      return refuse('ETHICS_APPROVAL_REQUIRED');
    }
    if (request.patientIds.length < threshold.minCohortSize) return refuse('COHORT_TOO_SMALL');
    const permitted: { patientId: string; home: string; decision: Decision }[] = [];
    for (const patientId of request.patientIds) {
      const home = await locateHome(ctx, patientId);
      if (home === undefined) continue;
      const decision = await decideResearch(ctx, {
        caller,
        patientId,
        home,
        categories: request.categories,
      });
      if (decision.decision === 'permit') permitted.push({ patientId, home, decision });
    }
    if (permitted.length < threshold.minCohortSize) return refuse('COHORT_TOO_SMALL');
    const included: string[] = [];
    const events: string[] = [];
    for (const { patientId, home, decision } of permitted) {
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
    }
    announce(ctx.stub, 'CohortRecorded');
    return { included, events };
  }

  /**
   * Sets the research threshold of a region (a GB/T 2260 code at any level: the most specific one
   * set applies) or, naming no region, the channel-wide default (the government's admin). The
   * latest setting overwrites.
   */
  @Transaction()
  @Returns('ResearchThreshold')
  async SetResearchThreshold(ctx: LedgerContext): Promise<ResearchThreshold> {
    const [thresholdJson] = ctx.argsOf('cohort:SetResearchThreshold');
    const input = parseThresholdInput(thresholdJson);
    const threshold: ResearchThreshold = {
      ...(input.region === undefined ? {} : { region: input.region }),
      minCohortSize: input.minCohortSize,
      ethicsApprovalRequired: input.ethicsApprovalRequired,
      setAt: ctx.txTime,
      txId: ctx.txId,
    };
    await writeThreshold(ctx.stub, threshold);
    return threshold;
  }

  /** Every research threshold set: the channel-wide default first, then by region code. */
  @Transaction(false)
  @Returns('ResearchThreshold[]')
  async ListResearchThresholds(ctx: LedgerContext): Promise<ResearchThreshold[]> {
    return listThresholds(ctx.stub);
  }

  /** The refused studies, newest first (the regulator). */
  @Transaction(false)
  @Returns('CohortRefusalPage')
  async QueryCohortRefusals(ctx: LedgerContext): Promise<CohortRefusalPage> {
    const [queryJson] = ctx.argsOf('cohort:QueryCohortRefusals');
    const query = parseRefusalQuery(queryJson);
    // Each refusal is kept with its requesting organization and the regulator, which holds them all.
    const collections = (await channelMspIds(ctx)).map(orgCollection);
    const page = await refusalPage(ctx.stub, {
      collections,
      pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
      ...(query.bookmark === undefined ? {} : { bookmark: query.bookmark }),
    });
    return { refusals: page.items, bookmark: page.bookmark };
  }
}

/** Writes the refusal record of a study (no patient ID, no count of patients found). */
async function logRefusal(
  ctx: LedgerContext,
  refused: Readonly<{
    code: CohortRefusalCode;
    request: ValidCohortRequest;
    region: string;
    threshold: CohortRefusal['threshold'];
  }>,
): Promise<CohortRefusal> {
  const refusal: CohortRefusal = {
    refusalId: ctx.txId,
    code: refused.code,
    studyId: refused.request.studyId,
    requesterOrg: ctx.member.mspId,
    region: refused.region,
    threshold: refused.threshold,
    ...(refused.request.ethicsApproval === undefined
      ? {}
      : { ethicsApproval: refused.request.ethicsApproval }),
    refusedAt: ctx.txTime,
    salt: ctx.salt,
  };
  await writeRefusal(ctx, refusal);
  return refusal;
}

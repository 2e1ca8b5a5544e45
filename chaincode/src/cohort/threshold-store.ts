import {
  BUILT_IN_THRESHOLD,
  orgCollection,
  type AppliedThreshold,
  type CohortRefusal,
  type Page,
  type ResearchThreshold,
} from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import type { RequestContext } from '../ledger/ledger-context';
import { scanPage } from '../ledger/pagination';
import { levelOf, rollUp } from '../ledger/region';
import { decodeDocument, inCollection, publicState, stateIn } from '../ledger/state';
import { descendingTime } from '../ledger/time';

/** The key attribute of the channel-wide default threshold. */
const DEFAULT_REGION = 'default';

/** The codes a region code's threshold is looked up under, most specific first. */
function lookupCodes(code: string): string[] {
  const codes = [code];
  if (levelOf(code) === 'county') codes.push(rollUp(code, 'city'));
  if (levelOf(code) !== 'province') codes.push(rollUp(code, 'province'));
  return codes;
}

/** Writes a region's threshold (or the channel-wide default when it names no region). */
export async function writeThreshold(
  stub: ChaincodeStub,
  threshold: ResearchThreshold,
): Promise<void> {
  await publicState(stub).write({
    key: ['researchThreshold', threshold.region ?? DEFAULT_REGION],
    value: threshold,
  });
}

/** Every threshold set: the channel-wide default first, then by region code. */
export async function listThresholds(stub: ChaincodeStub): Promise<ResearchThreshold[]> {
  const thresholds: ResearchThreshold[] = [];
  for await (const threshold of publicState(stub).documents(['researchThreshold'])) {
    thresholds.push(threshold);
  }
  const defaults = thresholds.filter((threshold) => threshold.region === undefined);
  return [...defaults, ...thresholds.filter((threshold) => threshold.region !== undefined)];
}

/**
 * The threshold that applies to a region code: the one set for the code itself, else for its city,
 * else for its province, else the channel-wide default, else the built-in one. Point reads only
 * (a submit may call it).
 */
export async function appliedThreshold(
  stub: ChaincodeStub,
  code: string,
): Promise<AppliedThreshold> {
  const state = publicState(stub);
  for (const source of [...lookupCodes(code), DEFAULT_REGION]) {
    const threshold = await state.read(['researchThreshold', source]);
    if (threshold !== undefined) {
      return {
        minCohortSize: threshold.minCohortSize,
        ethicsApprovalRequired: threshold.ethicsApprovalRequired,
        source,
      };
    }
  }
  return { ...BUILT_IN_THRESHOLD, source: 'built-in' };
}

/**
 * Logs a refused study in the collection of the requesting organization and the regulator, newest
 * first by its time.
 */
export async function writeRefusal(ctx: RequestContext, refusal: CohortRefusal): Promise<void> {
  await stateIn(ctx, inCollection(orgCollection(refusal.requesterOrg))).write({
    key: ['cohortRefusal', descendingTime(refusal.refusedAt), refusal.refusalId],
    value: refusal,
  });
}

/**
 * A page of the refusals kept in `collections` (merged newest first); the bookmark resumes at the
 * next one (empty at the end).
 */
export async function refusalPage(
  stub: ChaincodeStub,
  query: Readonly<{ collections: readonly string[]; pageSize: number; bookmark?: string }>,
): Promise<Page<CohortRefusal>> {
  return scanPage(stub, {
    collections: query.collections,
    type: 'cohortRefusal',
    prefix: [],
    pageSize: query.pageSize,
    ...(query.bookmark === undefined ? {} : { bookmark: query.bookmark }),
    select: (entry) => Promise.resolve(decodeDocument('cohortRefusal', entry.value)),
  });
}

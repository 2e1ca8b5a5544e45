import {
  collectionsOf,
  GOVERNMENT_MSP,
  ledgerError,
  orgCollection,
  TOTAL_COUNT_LIMIT,
  type AccessEvent,
  type AccessEventPage,
  type ChaincodeContract,
  type DayCounts,
  type DayStatistics,
  type ErasureReceipt,
  type ExpiredItems,
  type OpenStatistics,
  type PurgeResult,
  type RetentionPolicy,
  type Statistics,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import {
  purgeAccessEvent,
  readAccessEvent,
  writeReviewedEvent,
} from '../access/access-event-store';
import { consentEnd, consentSetChanges, purgeConsent, readConsent } from '../consent/consent-store';
import { channelCollections, channelMspIds } from '../ledger/channel';
import { announce, emitEvent } from '../ledger/events';
import { applyIdSetChanges, type IdSetChange } from '../ledger/id-set';
import {
  canRead,
  isRegulator,
  readableCollections,
  requireReader,
  scopedForHome,
} from '../ledger/guards';
import { locateDocument } from '../ledger/locate';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { countEntries, scanPage, scanPageReversed, type ScanOptions } from '../ledger/pagination';
import { finestCode, isWithin, rollUp } from '../ledger/region';
import { retentionPolicy } from '../ledger/retention';
import { decodeDocument, inCollection, stateIn, type IndexEntry } from '../ledger/state';
import { addMillis, dayOf, daysBetween, dayStart, descendingTime, nextDay } from '../ledger/time';
import { DEFAULT_PAGE_SIZE } from '../ledger/validation';
import { locateHome, writeErasure } from '../patient/binding-store';
import {
  purgeReferral,
  readReferral,
  referralEnd,
  referralSetChange,
} from '../referral/referral-store';
import {
  DEFAULT_PURGE_LIMIT,
  parseDay,
  parseDayCounts,
  parseEventId,
  parseEventQuery,
  parseOpenStatisticsQuery,
  parsePurgeList,
  parsePurgeOrder,
  parseReview,
  parseReviewQuery,
  parseStatisticsQuery,
  type EventQuery,
  type ValidPurgeList,
  type ValidPurgeOrder,
} from './audit-input';
import { appliedThreshold, listThresholds } from '../cohort/threshold-store';
import { listOrganizations } from '../registry/organization-store';
import {
  addByCity,
  dayCounts,
  openCells,
  statisticsAccumulator,
  type CityPurposeCounts,
  type StatisticsEntry,
} from './statistics';

/** How long after its end a day may be rolled up (late transactions carry client timestamps). */
const ROLLUP_DELAY_MILLIS = 3_600_000;

const DAY_MILLIS = 86_400_000;

/** The regulator's own collection (statistics roll-ups). */
const REGULATOR_COLLECTION = orgCollection(GOVERNMENT_MSP);

/**
 * The audit trail: access events for the patient's home (all of its patients'), organizations
 * (their own accesses) and the regulator (everything, across every collection), the break-glass
 * review queue and the regulator's reviews, statistics without patient IDs, and the erasure of
 * data past its retention period.
 */
@Info({ title: 'Audit', description: 'Access events, reviews, statistics, retention' })
export class AuditContract
  extends LedgerContract
  implements ChaincodeContract<'audit', LedgerContext>
{
  constructor() {
    super('audit');
  }

  /**
   * A page of access events, newest first (or oldest first, `order: 'asc'`): the regulator all,
   * admins those of their organization's patients and their organization's own, others their
   * organization's; filtered by patient, accessor organization, time window `[from, to)`,
   * decision, break-glass and the accessor organization's region (any level). With `withTotal`,
   * also how many match over all pages (exact, or at least a count: ledger-api ResultTotal).
   */
  @Transaction(false)
  @Returns('AccessEventPage')
  async QueryAccessEvents(ctx: LedgerContext): Promise<AccessEventPage> {
    const [queryJson] = ctx.argsOf('audit:QueryAccessEvents');
    const query = parseEventQuery(queryJson);
    const caller = ctx.member;
    const accessorOrg = scopedForHome(caller, query.accessorOrg);
    return queryEvents(ctx, { ...query, ...optional('accessorOrg', accessorOrg) });
  }

  /** One access event (its home's admins, the regulator, the accessor's organization). */
  @Transaction(false)
  @Returns('AccessEvent')
  async GetAccessEvent(ctx: LedgerContext): Promise<AccessEvent> {
    const [eventId] = ctx.argsOf('audit:GetAccessEvent');
    const { value: event } = await locateEvent(ctx, parseEventId(eventId));
    requireReader(ctx.member, {
      home: event.patientHome,
      orgs: [event.accessor.org],
      what: `access event ${event.eventId}`,
    });
    return event;
  }

  /** Break-glass accesses waiting for the regulator's review, oldest first (every collection). */
  @Transaction(false)
  @Returns('AccessEventPage')
  async QueryEmergencyReviews(ctx: LedgerContext): Promise<AccessEventPage> {
    const [queryJson] = ctx.argsOf('audit:QueryEmergencyReviews');
    const query = parseReviewQuery(queryJson);
    return scanPage(ctx.stub, {
      collections: await channelCollections(ctx),
      type: 'eventPendingReview',
      prefix: [],
      pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
      ...optional('bookmark', query.bookmark),
      select: (entry) => eventOf(ctx, entry),
    });
  }

  /**
   * The regulator's review of a break-glass access (event EmergencyReviewed): its outcome and the
   * commitment to its comment (the comment itself stays in the regulator's gateway).
   */
  @Transaction()
  @Returns('AccessEvent')
  async ReviewEmergencyAccess(ctx: LedgerContext): Promise<AccessEvent> {
    const [eventId, reviewJson] = ctx.argsOf('audit:ReviewEmergencyAccess');
    const id = parseEventId(eventId);
    const review = parseReview(reviewJson);
    const { value: event, collection } = await locateEvent(ctx, id);
    if (!event.breakGlass || event.emergency === undefined) {
      throw ledgerError('RULE_VIOLATION', `access event ${id} is not a break-glass access`);
    }
    if (event.emergency.review.status === 'reviewed') {
      throw ledgerError('CONFLICT', `access event ${id} is already reviewed`);
    }
    const reviewed: AccessEvent = {
      ...event,
      emergency: {
        ...event.emergency,
        review: {
          status: 'reviewed',
          outcome: review.outcome,
          reviewedAt: ctx.txTime,
          reviewerIdHash: ctx.member.idHash,
          commentHash: review.commentHash,
        },
      },
      salt: ctx.salt,
    };
    await writeReviewedEvent(ctx, { collection, event: reviewed });
    announce(ctx.stub, 'EmergencyReviewed');
    return reviewed;
  }

  /**
   * Counts of access events in `[from, to)` by purpose, category, decision, break-glass and
   * accessor region (at the requested level, optionally within one region): whole days from their
   * rollup when there is one, the rest by scanning the time index of every collection.
   */
  @Transaction(false)
  @Returns('Statistics')
  async GetStatistics(ctx: LedgerContext): Promise<Statistics> {
    const [queryJson] = ctx.argsOf('audit:GetStatistics');
    const query = parseStatisticsQuery(queryJson);
    const accumulator = statisticsAccumulator(query);
    const collections = await channelCollections(ctx);
    let rolledUpDays = 0;
    let scannedDays = 0;
    for (const day of daysBetween(query.from, query.to)) {
      const whole = query.from <= dayStart(day) && dayStart(nextDay(day)) <= query.to;
      const rollup = whole
        ? await stateIn(ctx, inCollection(REGULATOR_COLLECTION)).read(['dayStatistics', day])
        : undefined;
      if (rollup !== undefined) {
        for (const [region, counts] of Object.entries(rollup.regions))
          accumulator.add(region, counts);
        rolledUpDays += 1;
        continue;
      }
      scannedDays += 1;
      for (const collection of collections) {
        for await (const entry of stateIn(ctx, inCollection(collection)).entries({
          path: ['eventByTime', day],
        })) {
          const timestamp = entry.attributes[1] ?? '';
          if (timestamp < query.from) continue;
          if (timestamp >= query.to) break;
          accumulator.addEntry(decodeDocument('eventByTime', entry.value));
        }
      }
    }
    return accumulator.result({ rolledUpDays, scannedDays });
  }

  /**
   * Open statistics for residents: the access events of whole UTC days `from`..`to` (at most 31),
   * counted by day, accessor city and purpose (from rollups where there are some, else by scanning
   * the day), one cell for every city of a registered organization and every purpose, each count
   * below its city's minimum suppressed: the minimum cohort size of the research threshold that
   * applies to the city, or of any threshold set inside it, whichever is larger. No totals. Writes
   * nothing; the government's gateway evaluates it on the regulator's peer, which holds every
   * collection.
   */
  @Transaction(false)
  @Returns('OpenStatistics')
  async GetOpenStatistics(ctx: LedgerContext): Promise<OpenStatistics> {
    const [queryJson] = ctx.argsOf('audit:GetOpenStatistics');
    const query = parseOpenStatisticsQuery(queryJson);
    const collections = await channelCollections(ctx);
    const cities = new Set(
      (await listOrganizations(ctx.stub)).map((org) => rollUp(finestCode(org.region), 'city')),
    );
    const days: { day: string; counts: CityPurposeCounts }[] = [];
    for (let day = query.from; day <= query.to; day = nextDay(day)) {
      const counts = new Map<string, Record<string, number>>();
      const rollup = await stateIn(ctx, inCollection(REGULATOR_COLLECTION)).read([
        'dayStatistics',
        day,
      ]);
      if (rollup === undefined) {
        for (const collection of collections) {
          for await (const entry of stateIn(ctx, inCollection(collection)).entries({
            path: ['eventByTime', day],
          })) {
            const compact = decodeDocument('eventByTime', entry.value);
            addByCity(counts, compact.r, {
              total: 1,
              byPurpose: { [compact.p]: 1 },
              byCategory: {},
              byDecision: {},
              byBreakGlass: {},
            });
          }
        }
      } else {
        for (const [region, regionCounts] of Object.entries(rollup.regions))
          addByCity(counts, region, regionCounts);
      }
      for (const city of counts.keys()) cities.add(city);
      days.push({ day, counts });
    }
    const thresholds = await listThresholds(ctx.stub);
    const minimums = new Map<string, number>();
    for (const city of cities) {
      const inside = thresholds
        .filter((threshold) => threshold.region !== undefined && isWithin(threshold.region, city))
        .map((threshold) => threshold.minCohortSize);
      const applied = await appliedThreshold(ctx.stub, city);
      minimums.set(city, Math.max(applied.minCohortSize, ...inside));
    }
    return {
      from: query.from,
      to: query.to,
      cells: openCells({
        days,
        cities: [...cities].sort(),
        minimumOf: (city) => minimums.get(city) ?? 0,
      }),
    };
  }

  /**
   * Counts one UTC day's access events over every collection (the time index's compact entries,
   * one day of it): what RollupStatistics keeps. Writes nothing.
   */
  @Transaction(false)
  @Returns('DayCounts')
  async CountDay(ctx: LedgerContext): Promise<DayCounts> {
    const [day] = ctx.argsOf('audit:CountDay');
    const id = parseDay(day);
    const entries: StatisticsEntry[] = [];
    for (const collection of await channelCollections(ctx)) {
      for await (const entry of stateIn(ctx, inCollection(collection)).entries({
        path: ['eventByTime', id],
      })) {
        entries.push(decodeDocument('eventByTime', entry.value));
      }
    }
    return dayCounts(id, entries);
  }

  /**
   * Keeps a day's counts, as CountDay gave them, for GetStatistics to reuse (re-runnable: the
   * latest overwrites). The day must have ended over an hour ago (late transactions carry client
   * timestamps) and the counts must have CountDay's shape and add up. The rollup is the regulator's
   * own cache, in its own collection: nothing else reads it.
   */
  @Transaction()
  @Returns('DayStatistics')
  async RollupStatistics(ctx: LedgerContext): Promise<DayStatistics> {
    const [countsJson] = ctx.argsOf('audit:RollupStatistics');
    const counts = parseDayCounts(countsJson);
    if (ctx.txTime < addMillis(dayStart(nextDay(counts.day)), ROLLUP_DELAY_MILLIS)) {
      throw ledgerError('RULE_VIOLATION', `day ${counts.day} ended less than an hour ago`);
    }
    const rollup: DayStatistics = {
      day: counts.day,
      total: counts.total,
      regions: counts.regions,
      rolledUpAt: ctx.txTime,
      txId: ctx.txId,
      salt: ctx.salt,
    };
    await stateIn(ctx, inCollection(REGULATOR_COLLECTION)).write({
      key: ['dayStatistics', counts.day],
      value: rollup,
    });
    return rollup;
  }

  /**
   * The items of one kind in one collection that ended before a cut-off, oldest first, at most
   * `limit` (`more` says whether some are left): access events by their time, consents by their
   * revocation or expiry, referrals by their closing or expiry. The cut-off must lie at least the
   * kind's retention period before now (FORBIDDEN otherwise). Writes nothing: PurgeExpired erases
   * what this finds.
   */
  @Transaction(false)
  @Returns('ExpiredItems')
  async FindExpired(ctx: LedgerContext): Promise<ExpiredItems> {
    const [orderJson] = ctx.argsOf('audit:FindExpired');
    const order = parsePurgeOrder(orderJson);
    await checkRetention(ctx, order);
    const limit = order.limit ?? DEFAULT_PURGE_LIMIT;
    const index = END_INDEX[order.kind];
    const ids: string[] = [];
    let more = false;
    for await (const entry of stateIn(ctx, inCollection(order.collection)).entries({
      path: [index.type],
    })) {
      if ((entry.attributes[index.time] ?? '') >= order.before) break;
      if (ids.length >= limit) {
        more = true;
        break;
      }
      const id = entry.attributes.at(-1);
      if (id !== undefined) ids.push(id);
    }
    return { collection: order.collection, kind: order.kind, before: order.before, ids, more };
  }

  /**
   * Erases the items FindExpired found (one kind, one collection): each is read again by its key
   * and erased only if it is of that kind, in that collection, and ended before the cut-off,
   * which must lie at least the kind's retention period before the transaction (FORBIDDEN
   * otherwise, nothing erased). PurgePrivateData of every key of each item, on every peer of the
   * collection; consents and referrals also leave their set documents. Each patient concerned gets
   * a receipt in the collection purged (event DataPurged; `more` is false: FindExpired tells what
   * is left).
   */
  @Transaction()
  @Returns('PurgeResult')
  async PurgeExpired(ctx: LedgerContext): Promise<PurgeResult> {
    const [listJson] = ctx.argsOf('audit:PurgeExpired');
    const list = parsePurgeList(listJson);
    await checkRetention(ctx, list);
    const { purged, patients } = await purgeItems(ctx, list);
    for (const patientId of [...patients].sort()) {
      const receipt: ErasureReceipt = {
        patientId,
        kind: 'retention',
        subject: `${list.kind} before ${list.before}`,
        erasedAt: ctx.txTime,
        txId: ctx.txId,
        requestedBy: { kind: 'org', id: GOVERNMENT_MSP },
        salt: ctx.salt,
      };
      await writeErasure(ctx, { collection: list.collection, receipt });
    }
    const result: PurgeResult = {
      collection: list.collection,
      kind: list.kind,
      purged,
      more: false,
    };
    emitEvent(ctx.stub, { name: 'DataPurged', payload: result });
    return result;
  }

  /** The retention policy the chaincode package carries (days per kind of data). */
  @Transaction(false)
  @Returns('RetentionPolicy')
  GetRetentionPolicy(): Promise<RetentionPolicy> {
    return Promise.resolve(retentionPolicy());
  }
}

/** `{ [key]: value }`, or `{}` when the value is undefined (for optional fields). */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
}

function locateEvent(ctx: LedgerContext, eventId: string) {
  const what = `access event ${eventId}`;
  return locateDocument(ctx, {
    path: ['event', eventId],
    notFound: () => ledgerError('EVENT_NOT_FOUND', `${what} does not exist`),
    what,
  });
}

async function eventOf(ctx: LedgerContext, entry: IndexEntry): Promise<AccessEvent | undefined> {
  const eventId = entry.attributes.at(-1);
  return eventId === undefined || entry.collection === undefined
    ? undefined
    : readAccessEvent(ctx, { collection: entry.collection, eventId });
}

/** An index to scan for events: its type, fixed prefix, window start and time attribute. */
interface EventIndex extends Pick<ScanOptions<AccessEvent>, 'type' | 'prefix' | 'from'> {
  /** Position of the time attribute (`ts` ascending, `rts` descending) among the attributes. */
  readonly timeAttribute: number;
  /** True at the first entry past the query's window: the scan ends there. */
  readonly isPastEnd?: (entry: IndexEntry) => boolean;
  /** Whether the index's prefix and window express every filter of the query (keys.ts). */
  readonly covers: boolean;
}

/**
 * The index a query scans. Newest first (keys.ts `rts`), most selective first: patient, accessor
 * organization, break-glass, decision, else every event (`evt~new`). Oldest first: the ascending
 * time index, its other filters applied to each event read (pages may then come back short, with
 * a bookmark to continue); queryEvents first reads a filtered index backwards when it can.
 */
function eventIndex(query: EventQuery): EventIndex {
  const { from, to } = query;
  if ((query.order ?? 'desc') === 'asc') {
    // The time index buckets by day first: [day, ts, eventId].
    const filtered =
      query.patientId !== undefined ||
      query.accessorOrg !== undefined ||
      query.decision !== undefined ||
      query.breakGlass !== undefined ||
      query.region !== undefined;
    return {
      type: 'eventByTime',
      prefix: [],
      timeAttribute: 1,
      covers: !filtered,
      ...optional('from', from === undefined ? undefined : [dayOf(from), from]),
      ...optional('isPastEnd', to === undefined ? undefined : atOrAfter(1, to)),
    };
  }
  const index = (
    type: EventIndex['type'],
    prefix: readonly string[],
    covered: readonly (keyof EventQuery)[],
  ): EventIndex => {
    const residual = (['patientId', 'accessorOrg', 'decision', 'breakGlass', 'region'] as const)
      .filter((filter) => !covered.includes(filter))
      .some((filter) => query[filter] !== undefined);
    const timeAttribute = prefix.length;
    return {
      type,
      prefix,
      timeAttribute,
      covers: !residual,
      // `to` is exclusive: the newest instant wanted is one millisecond before it.
      ...optional('from', to === undefined ? undefined : [descendingTime(addMillis(to, -1))]),
      ...optional(
        'isPastEnd',
        from === undefined ? undefined : atOrAfter(timeAttribute, descendingTime(from), 'after'),
      ),
    };
  };
  if (query.patientId !== undefined)
    return index('eventByPatient', [query.patientId], ['patientId']);
  if (query.accessorOrg !== undefined)
    return index('eventByOrg', [query.accessorOrg], ['accessorOrg']);
  if (query.breakGlass === true) return index('eventBreakGlass', [], ['breakGlass']);
  if (query.decision !== undefined) return index('eventByDecision', [query.decision], ['decision']);
  return index('eventNewest', [], []);
}

/** True for an entry whose attribute at `position` is at or after (or strictly after) a bound. */
function atOrAfter(
  position: number,
  bound: string,
  strict?: 'after',
): (entry: IndexEntry) => boolean {
  return (entry) => {
    const value = entry.attributes[position] ?? '';
    return strict === 'after' ? value > bound : value >= bound;
  };
}

/**
 * Index entries an oldest-first query reads whole from a filtered newest-first index (a patient's
 * history, an organization's accesses...) before it scans the ascending time index instead.
 */
const REVERSED_KEY_LIMIT = 10_000;

/**
 * Entries a total examines at most when each costs a read of the whole event (filters the index
 * does not express): past it the total is a lower bound.
 */
const TOTAL_READ_LIMIT = 1_000;

async function queryEvents(ctx: LedgerContext, query: EventQuery): Promise<AccessEventPage> {
  const caller = ctx.member;
  const mspIds = await channelMspIds(ctx);
  let collections = readableCollections(caller, mspIds);
  if (query.patientId !== undefined) {
    // A registered patient's data is in its home's collections (the benchmark's synthetic
    // patients have no binding: their events are looked for everywhere the caller reads).
    const home = await locateHome(ctx, query.patientId);
    if (home !== undefined) {
      const homes = collectionsOf(home, mspIds);
      collections = collections.filter((collection) => homes.includes(collection));
    }
  }
  if (query.accessorOrg !== undefined) {
    const held = collectionsOf(query.accessorOrg, mspIds);
    collections = collections.filter((collection) => held.includes(collection));
  }
  const index = eventIndex(query);
  // The newest-first index of the query's filters: the page's own when newest first; oldest
  // first, the one read backwards when it can be, and the one a total counts through (a total
  // does not depend on the order).
  const newest = query.order === 'asc' ? eventIndex({ ...query, order: 'desc' }) : index;
  const matches = (event: AccessEvent): boolean =>
    (query.patientId === undefined || event.patientId === query.patientId) &&
    (query.accessorOrg === undefined || event.accessor.org === query.accessorOrg) &&
    (query.decision === undefined || event.decision === query.decision) &&
    (query.breakGlass === undefined || event.breakGlass === query.breakGlass) &&
    (query.region === undefined || isWithin(finestCode(event.accessorRegion), query.region)) &&
    (query.from === undefined || event.timestamp >= query.from) &&
    (query.to === undefined || event.timestamp < query.to) &&
    canRead(caller, { home: event.patientHome, orgs: [event.accessor.org], what: '' });
  const select = async (entry: IndexEntry): Promise<AccessEvent | undefined> => {
    const event = await eventOf(ctx, entry);
    return event !== undefined && matches(event) ? event : undefined;
  };
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  // An index's window among the query's collections, and a page of it.
  const windowOf = (of: EventIndex) => ({
    collections,
    type: of.type,
    prefix: of.prefix,
    ...optional('from', of.from),
    ...optional('isPastEnd', of.isPastEnd),
  });
  const scan = (of: EventIndex) => ({
    ...windowOf(of),
    ...optional('bookmark', query.bookmark),
    pageSize,
    select,
  });
  // Oldest first with a filter an index carries: that (newest-first) index's window backwards
  // while it is small enough to read whole; else the ascending time index, filtered.
  const reversed =
    query.order !== 'asc' || newest.type === 'eventNewest'
      ? undefined
      : await scanPageReversed(ctx.stub, { ...scan(newest), keyLimit: REVERSED_KEY_LIMIT });
  const page = reversed ?? (await scanPage(ctx.stub, scan(index)));
  if (query.withTotal !== true) return page;
  const total = await countEntries(ctx.stub, {
    ...windowOf(newest),
    // Index-only for the regulator when the index expresses every filter (it may read every
    // event); anyone else's entries are read and checked as the pages' items are.
    ...(newest.covers && isRegulator(caller)
      ? { limit: TOTAL_COUNT_LIMIT }
      : { limit: TOTAL_READ_LIMIT, select: async (entry) => (await select(entry)) !== undefined }),
  });
  return { ...page, total };
}

/** What a purge erased. */
interface Purged {
  readonly purged: number;
  /** The patients whose data was erased. */
  readonly patients: ReadonlySet<string>;
}

/** The index of each kind by the time its items end, and where that time is among its attributes. */
const END_INDEX = {
  accessEvent: { type: 'eventByTime', time: 1 },
  consent: { type: 'consentByEnd', time: 0 },
  referral: { type: 'referralByEnd', time: 0 },
} as const;

/**
 * Refuses a collection the channel does not have (INVALID_ARGUMENT) and a cut-off inside the
 * kind's retention period (FORBIDDEN).
 */
async function checkRetention(
  ctx: LedgerContext,
  order: Readonly<Pick<ValidPurgeOrder, 'collection' | 'kind' | 'before'>>,
): Promise<void> {
  if (!(await channelCollections(ctx)).includes(order.collection)) {
    throw ledgerError(
      'INVALID_ARGUMENT',
      `order.collection: ${order.collection} is not a collection of this channel`,
    );
  }
  const days = retentionPolicy()[order.kind];
  const latest = addMillis(ctx.txTime, -days * DAY_MILLIS);
  if (order.before > latest) {
    throw ledgerError(
      'FORBIDDEN',
      `${order.kind} is kept ${days} days: the cut-off must not be after ${latest}`,
    );
  }
}

/**
 * Purges the items of a list that are still due (read again by key: of the list's kind, in its
 * collection, ended before its cut-off); the others are left as they are.
 */
async function purgeItems(ctx: LedgerContext, list: ValidPurgeList): Promise<Purged> {
  const { collection, before } = list;
  const patients = new Set<string>();
  const sets: IdSetChange[] = [];
  let purged = 0;
  for (const id of list.ids) {
    if (list.kind === 'accessEvent') {
      const event = await readAccessEvent(ctx, { collection, eventId: id });
      if (event === undefined || event.timestamp >= before) continue;
      await purgeAccessEvent(ctx, { collection, event });
      patients.add(event.patientId);
    } else if (list.kind === 'consent') {
      const consent = await readConsent(ctx, { collection, consentId: id });
      const end = consent === undefined ? undefined : consentEnd(consent);
      if (consent === undefined || end === undefined || end >= before) continue;
      await purgeConsent(ctx, { collection, consent });
      sets.push(
        ...(await consentSetChanges(ctx, {
          consent,
          change: 'remove',
          collections: [collection],
          erase: true,
        })),
      );
      patients.add(consent.patientId);
    } else {
      const referral = await readReferral(ctx, { collection, referralId: id });
      if (referral === undefined || referralEnd(referral) >= before) continue;
      await purgeReferral(ctx, { collection, referral });
      sets.push({ ...referralSetChange({ collection, referral }, 'remove'), erase: true });
      patients.add(referral.patientId);
    }
    purged += 1;
  }
  // Several items may leave one set: each set document is changed once.
  await applyIdSetChanges(ctx, sets);
  return { purged, patients };
}

import {
  ledgerError,
  type AccessEvent,
  type AccessEventPage,
  type ChaincodeContract,
  type DayStatistics,
  type Page,
  type Statistics,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { readAccessEvent, writeReviewedEvent } from '../access/access-event-store';
import { emitEvent } from '../ledger/events';
import { requireReader, scopedOrganization, scopedPatient } from '../ledger/guards';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import { scanPage, type ScanOptions } from '../ledger/pagination';
import { finestCode, isWithin } from '../ledger/region';
import {
  decodeDocument,
  documentsUnder,
  entriesUnder,
  readDocument,
  writeDocument,
  type IndexEntry,
} from '../ledger/state';
import { addMillis, dayOf, daysBetween, dayStart, nextDay } from '../ledger/time';
import { DEFAULT_PAGE_SIZE } from '../ledger/validation';
import {
  parseDay,
  parseEventId,
  parseEventQuery,
  parseReview,
  parseReviewQuery,
  parseStatisticsQuery,
  type EventQuery,
} from './audit-input';
import { dayStatistics, statisticsAccumulator, type StatisticsEntry } from './statistics';

/** How long after its end a day may be rolled up (late transactions carry client timestamps). */
const ROLLUP_DELAY_MILLIS = 3_600_000;

/**
 * The audit trail: access events for patients (their own), organizations (their own accesses) and
 * the regulator (everything), the break-glass review queue and the regulator's reviews, and
 * statistics without patient IDs.
 */
@Info({ title: 'Audit', description: 'Access events, emergency reviews, statistics' })
export class AuditContract
  extends LedgerContract
  implements ChaincodeContract<'audit', LedgerContext>
{
  constructor() {
    super('audit');
  }

  /**
   * A page of access events, oldest first within the index used: patients see their own, the
   * regulator all, others their organization's; filtered by patient, accessor organization, time
   * window `[from, to)`, decision, break-glass and the accessor organization's region (any level).
   */
  @Transaction(false)
  @Returns('AccessEventPage')
  async QueryAccessEvents(ctx: LedgerContext, queryJson: string): Promise<AccessEventPage> {
    const query = parseEventQuery(queryJson);
    const caller = ctx.member;
    const scoped: EventQuery = {
      ...query,
      ...optional('patientId', scopedPatient(caller, query.patientId)),
      ...optional('accessorOrg', scopedOrganization(caller, query.accessorOrg)),
    };
    return queryEvents(ctx, scoped);
  }

  /** One access event (same visibility as QueryAccessEvents). */
  @Transaction(false)
  @Returns('AccessEvent')
  async GetAccessEvent(ctx: LedgerContext, eventId: string): Promise<AccessEvent> {
    const id = parseEventId(eventId);
    const event = await readAccessEvent(ctx.stub, id);
    if (event === undefined)
      throw ledgerError('EVENT_NOT_FOUND', `access event ${id} does not exist`);
    requireReader(ctx.member, {
      patientId: event.patientId,
      orgs: [event.accessor.org],
      what: `access event ${id}`,
    });
    return event;
  }

  /** Break-glass accesses waiting for the regulator's review, oldest first. */
  @Transaction(false)
  @Returns('AccessEventPage')
  async QueryEmergencyReviews(ctx: LedgerContext, queryJson: string): Promise<AccessEventPage> {
    const query = parseReviewQuery(queryJson);
    return scanPage(ctx.stub, {
      type: 'eventPendingReview',
      prefix: [],
      pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
      ...optional('bookmark', query.bookmark),
      readOnly: true,
      select: (entry) => eventOf(ctx, entry),
    });
  }

  /** The regulator's review of a break-glass access (event EmergencyReviewed). */
  @Transaction()
  @Returns('AccessEvent')
  async ReviewEmergencyAccess(
    ctx: LedgerContext,
    eventId: string,
    reviewJson: string,
  ): Promise<AccessEvent> {
    const id = parseEventId(eventId);
    const review = parseReview(reviewJson);
    const event = await readAccessEvent(ctx.stub, id);
    if (event === undefined)
      throw ledgerError('EVENT_NOT_FOUND', `access event ${id} does not exist`);
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
        },
      },
    };
    await writeReviewedEvent(ctx.stub, reviewed);
    emitEvent(ctx.stub, {
      name: 'EmergencyReviewed',
      payload: {
        eventId: id,
        accessorOrg: event.accessor.org,
        outcome: review.outcome,
        reviewedAt: ctx.txTime,
      },
    });
    return reviewed;
  }

  /**
   * Counts of access events in `[from, to)` by purpose, category, decision, break-glass and
   * accessor region (at the requested level, optionally within one region): whole days from their
   * rollup when there is one, the rest by scanning the time index.
   */
  @Transaction(false)
  @Returns('Statistics')
  async GetStatistics(ctx: LedgerContext, queryJson: string): Promise<Statistics> {
    const query = parseStatisticsQuery(queryJson);
    const accumulator = statisticsAccumulator(query);
    let rolledUpDays = 0;
    let scannedDays = 0;
    for (const day of daysBetween(query.from, query.to)) {
      const whole = query.from <= dayStart(day) && dayStart(nextDay(day)) <= query.to;
      const rollup = whole ? await readDocument(ctx.stub, ['dayStatistics', day]) : undefined;
      if (rollup !== undefined) {
        for (const [region, counts] of Object.entries(rollup.regions))
          accumulator.add(region, counts);
        rolledUpDays += 1;
        continue;
      }
      scannedDays += 1;
      for await (const entry of entriesUnder(ctx.stub, ['eventByTime', day])) {
        const timestamp = entry.attributes[1] ?? '';
        if (timestamp < query.from) continue;
        if (timestamp >= query.to) break;
        accumulator.addEntry(decodeDocument('eventByTime', entry.value));
      }
    }
    return accumulator.result({ rolledUpDays, scannedDays });
  }

  /** Counts one UTC day (ended over an hour ago) into a rollup GetStatistics reuses. */
  @Transaction()
  @Returns('DayStatistics')
  async RollupStatistics(ctx: LedgerContext, day: string): Promise<DayStatistics> {
    const id = parseDay(day);
    if (ctx.txTime < addMillis(dayStart(nextDay(id)), ROLLUP_DELAY_MILLIS)) {
      throw ledgerError('RULE_VIOLATION', `day ${id} ended less than an hour ago`);
    }
    const entries: StatisticsEntry[] = [];
    for await (const entry of documentsUnder(ctx.stub, ['eventByTime', id])) entries.push(entry);
    const rollup = dayStatistics({ day: id, entries, rolledUpAt: ctx.txTime, txId: ctx.txId });
    await writeDocument(ctx.stub, { key: ['dayStatistics', id], value: rollup });
    return rollup;
  }
}

/** `{ [key]: value }`, or `{}` when the value is undefined (for optional fields). */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
}

async function eventOf(ctx: LedgerContext, entry: IndexEntry): Promise<AccessEvent | undefined> {
  const eventId = entry.attributes.at(-1);
  return eventId === undefined ? undefined : readAccessEvent(ctx.stub, eventId);
}

/** An index to scan for events: its type, fixed prefix, window start and time attribute. */
interface EventIndex extends Pick<ScanOptions<AccessEvent>, 'type' | 'prefix' | 'from'> {
  /** Position of the timestamp among the index key's attributes. */
  readonly timeAttribute: number;
}

/** Index choice, most selective first: patient, accessor organization, break-glass, decision, time. */
function eventIndex(query: EventQuery): EventIndex {
  const { from } = query;
  const index = (type: EventIndex['type'], prefix: readonly string[]): EventIndex => {
    // The time index buckets by day first: [day, ts, eventId].
    const byDay = type === 'eventByTime';
    return {
      type,
      prefix,
      timeAttribute: prefix.length + (byDay ? 1 : 0),
      ...(from === undefined ? {} : { from: byDay ? [dayOf(from), from] : [from] }),
    };
  };
  if (query.patientId !== undefined) return index('eventByPatient', [query.patientId]);
  if (query.accessorOrg !== undefined) return index('eventByOrg', [query.accessorOrg]);
  if (query.breakGlass === true) return index('eventBreakGlass', []);
  if (query.decision !== undefined) return index('eventByDecision', [query.decision]);
  return index('eventByTime', []);
}

async function queryEvents(ctx: LedgerContext, query: EventQuery): Promise<Page<AccessEvent>> {
  const { type, prefix, from, timeAttribute } = eventIndex(query);
  const matches = (event: AccessEvent): boolean =>
    (query.patientId === undefined || event.patientId === query.patientId) &&
    (query.accessorOrg === undefined || event.accessor.org === query.accessorOrg) &&
    (query.decision === undefined || event.decision === query.decision) &&
    (query.breakGlass === undefined || event.breakGlass === query.breakGlass) &&
    (query.region === undefined || isWithin(finestCode(event.accessorRegion), query.region)) &&
    (query.from === undefined || event.timestamp >= query.from) &&
    (query.to === undefined || event.timestamp < query.to);
  const to = query.to;
  return scanPage(ctx.stub, {
    type,
    prefix,
    ...optional('from', from),
    ...optional('bookmark', query.bookmark),
    pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
    readOnly: true,
    ...optional(
      'isPastEnd',
      to === undefined
        ? undefined
        : (entry: IndexEntry) => (entry.attributes[timeAttribute] ?? '') >= to,
    ),
    select: async (entry) => {
      const event = await eventOf(ctx, entry);
      return event !== undefined && matches(event) ? event : undefined;
    },
  });
}

import { Inject, Injectable } from '@nestjs/common';
import type { AccessEvent } from '../access/access.types.js';
import type { Principal } from '../auth/principal.js';
import type { Page } from '../common/dto.js';
import { InvalidArgumentError } from '../common/errors.js';
import { assertPeriod } from '../common/periods.js';
import { PERMISSIONS, assertAllowed } from '../common/permissions.js';
import { EVENT_ID } from '../common/vocabulary.js';
import { LEDGER_CLIENT, parseJson, type LedgerClient } from '../ledger/ledger.client.js';
import type { AccessEventQuery, EmergencyReview, StatisticsQuery } from './audit.types.js';

const EXPORT_PAGE_SIZE = 100;

function checkEventId(eventId: string): void {
  if (!EVENT_ID.test(eventId)) throw new InvalidArgumentError('malformed event ID');
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/**
 * The audit trail (`audit` and `access` contracts): access events as each caller may see them,
 * exports, the regulator's emergency reviews and statistics.
 */
@Injectable()
export class AuditService {
  constructor(@Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient) {}

  /** QueryAccessEvents: regulator all, patient their own, others their organization's. */
  async query(caller: Principal, query: AccessEventQuery): Promise<Page<AccessEvent>> {
    assertPeriod(query.from, query.to, { from: 'from', until: 'to' });
    return parseJson<Page<AccessEvent>>(
      await this.ledger.evaluate({
        identity: caller.walletLabel,
        contract: 'audit',
        transaction: 'QueryAccessEvents',
        args: [JSON.stringify(compact(query))],
      }),
    );
  }

  /** GetAccessEvent, under the same rule. */
  async get(caller: Principal, eventId: string): Promise<AccessEvent> {
    checkEventId(eventId);
    return parseJson<AccessEvent>(
      await this.ledger.evaluate({
        identity: caller.walletLabel,
        contract: 'audit',
        transaction: 'GetAccessEvent',
        args: [eventId],
      }),
    );
  }

  /**
   * Every access event matching `query`, page after page. The first page is read before this
   * returns, so that a refusal surfaces as an error answer rather than a broken stream.
   */
  async events(
    caller: Principal,
    query: Omit<AccessEventQuery, 'pageSize' | 'bookmark'>,
  ): Promise<AsyncIterable<AccessEvent>> {
    const first = await this.query(caller, { ...query, pageSize: EXPORT_PAGE_SIZE });
    const next = (bookmark: string): Promise<Page<AccessEvent>> =>
      this.query(caller, { ...query, pageSize: EXPORT_PAGE_SIZE, bookmark });
    return (async function* pages() {
      let page = first;
      for (;;) {
        yield* page.items;
        if (page.bookmark === '') return;
        page = await next(page.bookmark);
      }
    })();
  }

  /** ReviewEmergencyAccess (GovMSP regulator). */
  async review(
    caller: Principal,
    eventId: string,
    review: EmergencyReview,
  ): Promise<{ event: AccessEvent; txId: string }> {
    assertAllowed(caller, PERMISSIONS.reviewEmergency);
    checkEventId(eventId);
    const { payload, txId } = await this.ledger.submit({
      identity: caller.walletLabel,
      contract: 'access',
      transaction: 'ReviewEmergencyAccess',
      args: [eventId, JSON.stringify({ outcome: review.outcome })],
    });
    return { event: parseJson<AccessEvent>(payload), txId };
  }

  /** QueryEmergencyReviews: pending break-glass events, oldest first (GovMSP regulator). */
  async pendingReviews(
    caller: Principal,
    page: Readonly<{ pageSize?: number; bookmark?: string }>,
  ): Promise<Page<AccessEvent>> {
    assertAllowed(caller, PERMISSIONS.reviewEmergency);
    return parseJson<Page<AccessEvent>>(
      await this.ledger.evaluate({
        identity: caller.walletLabel,
        contract: 'audit',
        transaction: 'QueryEmergencyReviews',
        args: [JSON.stringify(compact(page))],
      }),
    );
  }

  /** GetStatistics: counts by purpose, category, decision, region, breakGlass (GovMSP regulator). */
  async statistics(caller: Principal, query: StatisticsQuery): Promise<unknown> {
    assertAllowed(caller, PERMISSIONS.statistics);
    assertPeriod(query.from, query.to, { from: 'from', until: 'to' });
    return parseJson<unknown>(
      await this.ledger.evaluate({
        identity: caller.walletLabel,
        contract: 'audit',
        transaction: 'GetStatistics',
        args: [JSON.stringify(compact(query))],
      }),
    );
  }
}

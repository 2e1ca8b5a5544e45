import {
  EVENT_ID_PATTERN,
  type AccessEvent,
  type AccessEventPage,
  type AccessEventQuery,
  type ReviewOutcome,
  type ReviewQuery,
  type Statistics,
  type StatisticsQuery,
} from '@consent-ledger/ledger-api';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  assertOwnPatient,
  isPatientSession,
  ledgerIdentity,
  type Principal,
} from '../auth/principal.js';
import { ForbiddenError, InvalidArgumentError, NotFoundError } from '../common/errors.js';
import { assertPeriod } from '../common/periods.js';
import { ENDORSERS, type Endorsers } from '../ledger/endorsers.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';
import {
  REVIEW_COMMENT_STORE,
  reviewCommentHash,
  type ReviewComment,
  type ReviewCommentStore,
} from './review-comment.store.js';

const EXPORT_PAGE_SIZE = 100;

/** A review as the regulator gives it: the outcome and a comment (free text, kept here). */
export interface ReviewRequest {
  readonly outcome: ReviewOutcome;
  readonly comment: string;
}

/** A stored review comment, its commitment, and whether that matches the ledger's. */
export interface ReviewCommentView extends ReviewComment {
  /** The commitment, recomputed from the comment and salt. */
  readonly commentHash: string;
  /** It equals the commitment on the ledger. */
  readonly matchesLedger: boolean;
}

function checkEventId(eventId: string): void {
  if (!EVENT_ID_PATTERN.test(eventId)) throw new InvalidArgumentError('malformed event ID');
}

/**
 * The audit trail (`audit` contract): access events as each caller may see them, exports, the
 * regulator's emergency reviews and statistics.
 */
@Injectable()
export class AuditService {
  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(ENDORSERS) private readonly endorsers: Endorsers,
    @Inject(REVIEW_COMMENT_STORE) private readonly comments: ReviewCommentStore,
  ) {}

  /**
   * QueryAccessEvents: regulator all, patient their own, others their organization's; newest first
   * unless `order` is `asc`. A first page (no bookmark) carries the total over all pages unless
   * `withTotal` is false: it costs a scan, so later pages leave it out.
   */
  async query(caller: Principal, query: AccessEventQuery): Promise<AccessEventPage> {
    assertPeriod(query.from, query.to, { from: 'from', until: 'to' });
    const first = query.bookmark === undefined || query.bookmark === '';
    let scoped: AccessEventQuery = { ...query, withTotal: query.withTotal ?? first };
    if (isPatientSession(caller)) {
      if (query.patientId !== undefined && query.patientId !== caller.patientId)
        throw new ForbiddenError('a patient sees only their own access history');
      scoped = { ...scoped, patientId: caller.patientId };
    }
    return await this.ledger.as(ledgerIdentity(caller)).evaluate('audit:QueryAccessEvents', scoped);
  }

  /** GetAccessEvent, under the same rule. */
  async get(caller: Principal, eventId: string): Promise<AccessEvent> {
    checkEventId(eventId);
    const event = await this.ledger
      .as(ledgerIdentity(caller))
      .evaluate('audit:GetAccessEvent', eventId);
    assertOwnPatient(caller, event.patientId);
    return event;
  }

  /**
   * Every access event matching `query`, page after page. The first page is read before this
   * returns, so that a refusal surfaces as an error answer rather than a broken stream.
   */
  async events(
    caller: Principal,
    query: Omit<AccessEventQuery, 'pageSize' | 'bookmark' | 'withTotal'>,
  ): Promise<AsyncIterable<AccessEvent>> {
    const paged = { ...query, pageSize: EXPORT_PAGE_SIZE, withTotal: false };
    const first = await this.query(caller, paged);
    const next = (bookmark: string): Promise<AccessEventPage> =>
      this.query(caller, { ...paged, bookmark });
    return (async function* pages() {
      let page = first;
      for (;;) {
        yield* page.items;
        if (page.bookmark === '') return;
        page = await next(page.bookmark);
      }
    })();
  }

  /**
   * ReviewEmergencyAccess (GovMSP regulator), endorsed by the regulator and the patient's home (or
   * the accessing organization): the event is read first, to know where it is kept. The comment
   * stays here: the ledger gets its commitment under a fresh random salt, and the comment is kept
   * once the review is on the ledger.
   */
  async review(
    caller: Principal,
    eventId: string,
    review: ReviewRequest,
  ): Promise<{ event: AccessEvent; txId: string }> {
    const comment = review.comment.trim();
    if (comment === '') throw new InvalidArgumentError('comment: must not be empty');
    const salt = randomBytes(16).toString('base64url');
    const commentHash = reviewCommentHash({ salt, comment });
    const pending = await this.get(caller, eventId);
    this.endorsers.remember(pending.patientId, pending.patientHome);
    const endorsers = await this.endorsers.plan('audit:ReviewEmergencyAccess', {
      patientId: pending.patientId,
      with: pending.accessor.org,
    });
    const { result: event, txId } = await this.ledger
      .as(ledgerIdentity(caller), { endorsers })
      .submit('audit:ReviewEmergencyAccess', eventId, { outcome: review.outcome, commentHash });
    this.comments.save({
      eventId,
      comment,
      salt,
      reviewer: caller.username,
      txId,
      reviewedAt: event.emergency?.review.reviewedAt ?? '',
    });
    return { event, txId };
  }

  /**
   * The regulator's comment on a review (GovMSP regulator, at its own gateway), checked against
   * the commitment the ledger holds.
   */
  async reviewComment(caller: Principal, eventId: string): Promise<ReviewCommentView> {
    const event = await this.get(caller, eventId);
    const kept = this.comments.find(eventId);
    if (kept === undefined)
      throw new NotFoundError(
        'NOT_FOUND',
        `no review comment of ${eventId} is kept at this gateway`,
      );
    const commentHash = reviewCommentHash(kept);
    return {
      ...kept,
      commentHash,
      matchesLedger: commentHash === event.emergency?.review.commentHash,
    };
  }

  /** QueryEmergencyReviews: pending break-glass events, oldest first (GovMSP regulator). */
  pendingReviews(caller: Principal, page: ReviewQuery): Promise<AccessEventPage> {
    return this.ledger.as(ledgerIdentity(caller)).evaluate('audit:QueryEmergencyReviews', page);
  }

  /** GetStatistics: counts by purpose, category, decision, region, breakGlass (GovMSP regulator). */
  async statistics(caller: Principal, query: StatisticsQuery): Promise<Statistics> {
    assertPeriod(query.from, query.to, { from: 'from', until: 'to' });
    return await this.ledger.as(ledgerIdentity(caller)).evaluate('audit:GetStatistics', query);
  }
}

import type {
  Category,
  CohortPage,
  CohortRefusal,
  CohortRefusalPage,
  CohortRefusalQuery,
  ResearchThreshold,
} from '@consent-ledger/ledger-api';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { ledgerIdentity, type Principal } from '../auth/principal.js';
import { DomainError, InvalidArgumentError } from '../common/errors.js';
import { ENDORSERS, type Endorsers } from '../ledger/endorsers.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';
import { OpenStatisticsService } from '../open-data/open-statistics.service.js';

/** What POST /cohorts asks for: a study's cohort among the patients named, or the next page. */
export interface CohortOrder {
  readonly studyId: string;
  readonly categories: readonly Category[];
  /** Exactly these patients (1..100): one request, no pageSize or bookmark with them. */
  readonly patientIds?: readonly string[];
  /** Candidates per page when no patients are named (1..100). */
  readonly pageSize?: number;
  /** Where the previous page's search stopped (empty: from the start). */
  readonly bookmark?: string;
  /** The study's ethics approval reference (an ID, not free text). */
  readonly ethicsApproval?: string;
}

/** What PUT /research/thresholds/:region sets. */
export interface ThresholdOrder {
  readonly minCohortSize: number;
  readonly ethicsApprovalRequired: boolean;
}

/**
 * A study refused by its region's research threshold (422, the refusal's code): the ledger logged
 * the refusal (its ID is the refusing transaction's) and recorded no access event.
 */
export class CohortRefusedError extends DomainError {
  /** The refusal as logged on the ledger. */
  readonly refusal: CohortRefusal;

  constructor(refusal: CohortRefusal) {
    super(
      refusal.code,
      refusal.code === 'ETHICS_APPROVAL_REQUIRED'
        ? `region ${refusal.region} requires an ethics approval reference for research (refusal ${refusal.refusalId} logged)`
        : `a cohort must include at least ${String(refusal.threshold.minCohortSize)} patients in region ${refusal.region} (refusal ${refusal.refusalId} logged)`,
    );
    this.refusal = refusal;
  }
}

/** The path segment that names the channel-wide default threshold. */
export const DEFAULT_THRESHOLD_REGION = 'default';

/**
 * Research cohorts (`cohort` contract), in the ledger's two steps (Fabric refuses a transaction
 * that writes after scanning private data): without named patients, FindCohort (evaluate, on this
 * organization's peer) finds a page of candidates, the patients whose consents permit the study;
 * RequestCohort (submit) then decides each candidate again and records one access event per
 * inclusion. The answer holds pseudonyms only.
 */
@Injectable()
export class CohortsService {
  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(ENDORSERS) private readonly endorsers: Endorsers,
    @Optional() private readonly openStatistics?: OpenStatisticsService,
  ) {}

  /**
   * A cohort page (researcher of a research organization): the patients named, or FindCohort's
   * page of candidates (its bookmark resumes the search; no transaction when it finds nobody:
   * txId empty). RequestCohort is endorsed by the research institute and the regulator (a member
   * of every collection the inclusions are written to).
   */
  async request(caller: Principal, input: CohortOrder): Promise<CohortPage> {
    if (input.patientIds !== undefined && (input.pageSize ?? input.bookmark) !== undefined)
      throw new InvalidArgumentError('patientIds is one page: no pageSize or bookmark with it');
    const identity = ledgerIdentity(caller);
    let patientIds: string[];
    let bookmark = '';
    if (input.patientIds === undefined) {
      const found = await this.ledger.as(identity).evaluate('cohort:FindCohort', {
        categories: [...input.categories],
        ...(input.pageSize === undefined ? {} : { pageSize: input.pageSize }),
        ...(input.bookmark === undefined || input.bookmark === ''
          ? {}
          : { bookmark: input.bookmark }),
      });
      patientIds = [...found.candidates];
      bookmark = found.bookmark;
      if (patientIds.length === 0) {
        return { studyId: input.studyId, included: [], events: [], bookmark, txId: '' };
      }
    } else {
      patientIds = [...input.patientIds];
    }
    const endorsers = await this.endorsers.plan('cohort:RequestCohort', {});
    const { result, txId } = await this.ledger
      .as(identity, { endorsers })
      .submit('cohort:RequestCohort', {
        studyId: input.studyId,
        categories: [...input.categories],
        patientIds,
        ...(input.ethicsApproval === undefined ? {} : { ethicsApproval: input.ethicsApproval }),
      });
    if (result.refusal !== undefined) throw new CohortRefusedError(result.refusal);
    return {
      studyId: input.studyId,
      included: result.included,
      events: result.events,
      bookmark,
      txId,
    };
  }

  /** Every research threshold set (any signed-in staff member). */
  async thresholds(caller: Principal): Promise<readonly ResearchThreshold[]> {
    return await this.ledger.as(ledgerIdentity(caller)).evaluate('cohort:ListResearchThresholds');
  }

  /**
   * Sets a region's research threshold, or with region `default` the channel-wide one (the
   * government's admin); the open statistics this gateway cached are forgotten (their suppression
   * follows the thresholds).
   */
  async setThreshold(
    caller: Principal,
    region: string,
    order: ThresholdOrder,
  ): Promise<ResearchThreshold> {
    const endorsers = await this.endorsers.plan('cohort:SetResearchThreshold', {});
    const { result } = await this.ledger
      .as(ledgerIdentity(caller), { endorsers })
      .submit('cohort:SetResearchThreshold', {
        ...(region === DEFAULT_THRESHOLD_REGION ? {} : { region }),
        minCohortSize: order.minCohortSize,
        ethicsApprovalRequired: order.ethicsApprovalRequired,
      });
    this.openStatistics?.forget();
    return result;
  }

  /** The refused studies, newest first (the regulator). */
  async refusals(caller: Principal, query: CohortRefusalQuery): Promise<CohortRefusalPage> {
    return await this.ledger.as(ledgerIdentity(caller)).evaluate('cohort:QueryCohortRefusals', {
      ...(query.pageSize === undefined ? {} : { pageSize: query.pageSize }),
      ...(query.bookmark === undefined || query.bookmark === ''
        ? {}
        : { bookmark: query.bookmark }),
    });
  }
}

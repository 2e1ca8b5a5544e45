import type { Category, CohortPage } from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import { ledgerIdentity, type Principal } from '../auth/principal.js';
import { InvalidArgumentError } from '../common/errors.js';
import { ENDORSERS, type Endorsers } from '../ledger/endorsers.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';

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
}

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
      });
    return {
      studyId: input.studyId,
      included: result.included,
      events: result.events,
      bookmark,
      txId,
    };
  }
}

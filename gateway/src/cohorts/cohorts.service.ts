import type { CohortPage, CohortRequest } from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import { ledgerIdentity, type Principal } from '../auth/principal.js';
import { InvalidArgumentError } from '../common/errors.js';
import { ENDORSERS, type Endorsers } from '../ledger/endorsers.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';

/**
 * Research cohorts (`cohort` contract): the ledger includes the patients with an active research
 * permit to the caller's organization and records one access event per inclusion; the answer
 * holds pseudonyms only.
 */
@Injectable()
export class CohortsService {
  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(ENDORSERS) private readonly endorsers: Endorsers,
  ) {}

  /**
   * RequestCohort (researcher of a research organization), endorsed by the research institute and
   * the regulator (a member of every collection the inclusions are written to).
   */
  async request(caller: Principal, input: CohortRequest): Promise<CohortPage> {
    if (input.patientIds !== undefined && (input.pageSize ?? input.bookmark) !== undefined)
      throw new InvalidArgumentError('patientIds is one page: no pageSize or bookmark with it');
    const request: CohortRequest = {
      studyId: input.studyId,
      categories: [...input.categories],
      ...(input.patientIds === undefined ? {} : { patientIds: [...input.patientIds] }),
      ...(input.pageSize === undefined ? {} : { pageSize: input.pageSize }),
      ...(input.bookmark === undefined || input.bookmark === ''
        ? {}
        : { bookmark: input.bookmark }),
    };
    const endorsers = await this.endorsers.plan('cohort:RequestCohort', {});
    const { result, txId } = await this.ledger
      .as(ledgerIdentity(caller), { endorsers })
      .submit('cohort:RequestCohort', request);
    return {
      studyId: input.studyId,
      included: result.included,
      events: result.events,
      bookmark: result.bookmark,
      txId,
    };
  }
}

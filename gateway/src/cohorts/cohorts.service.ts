import type { CohortPage, CohortRequest } from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { InvalidArgumentError } from '../common/errors.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';

/**
 * Research cohorts (`cohort` contract): the ledger includes the patients with an active research
 * permit to the caller's organization and records one access event per inclusion; the answer
 * holds pseudonyms only.
 */
@Injectable()
export class CohortsService {
  constructor(@Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient) {}

  /** RequestCohort (researcher of a research organization). */
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
    const { result, txId } = await this.ledger
      .as(caller.walletLabel)
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

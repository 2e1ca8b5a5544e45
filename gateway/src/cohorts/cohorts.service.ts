import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { InvalidArgumentError } from '../common/errors.js';
import { PERMISSIONS, assertAllowed } from '../common/permissions.js';
import { LEDGER_CLIENT, parseJson, type LedgerClient } from '../ledger/ledger.client.js';
import type { CohortPage, CohortRequest } from './cohort.types.js';

/**
 * Research cohorts (`access` contract): the ledger includes the patients with an active research
 * permit to the caller's organization and records one access event per inclusion; the answer
 * holds pseudonyms only.
 */
@Injectable()
export class CohortsService {
  constructor(@Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient) {}

  /** RequestCohort (researcher of a research organization). */
  async request(caller: Principal, input: CohortRequest): Promise<CohortPage> {
    assertAllowed(caller, PERMISSIONS.requestCohort);
    if (input.patientIds !== undefined && (input.pageSize ?? input.bookmark) !== undefined)
      throw new InvalidArgumentError('patientIds is one page: no pageSize or bookmark with it');
    const request = {
      studyId: input.studyId,
      categories: [...input.categories],
      ...(input.patientIds === undefined ? {} : { patientIds: [...input.patientIds] }),
      ...(input.pageSize === undefined ? {} : { pageSize: input.pageSize }),
      ...(input.bookmark === undefined || input.bookmark === ''
        ? {}
        : { bookmark: input.bookmark }),
    };
    const { payload, txId } = await this.ledger.submit({
      identity: caller.walletLabel,
      contract: 'access',
      transaction: 'RequestCohort',
      args: [JSON.stringify(request)],
    });
    const result = parseJson<{ included: string[]; events: string[]; bookmark: string }>(payload);
    return {
      studyId: input.studyId,
      included: result.included,
      events: result.events,
      bookmark: result.bookmark,
      txId,
    };
  }
}

import {
  CONSENT_ID_PATTERN,
  type Consent,
  type ConsentInput,
  type ConsentPage,
  type ConsentQuery,
  type ConsentVersion,
  type ConsentWrite,
} from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { InvalidArgumentError } from '../common/errors.js';
import { assertPeriod } from '../common/periods.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';

/** Throws INVALID_ARGUMENT for what the ledger would refuse anyway, before anything is submitted. */
export function checkConsentInput(input: ConsentInput): void {
  const provision = input.provision ?? 'permit';
  if (provision === 'permit') {
    if (input.grantee?.org === undefined)
      throw new InvalidArgumentError('a permit must name grantee.org');
    if ((input.purposes ?? []).length === 0 || (input.categories ?? []).length === 0)
      throw new InvalidArgumentError('a permit needs purposes and categories');
  } else if ((input.exceptions ?? []).length > 0) {
    throw new InvalidArgumentError('exceptions belong to a permit');
  }
  assertPeriod(input.validFrom, input.validUntil, { from: 'validFrom', until: 'validUntil' });
  assertPeriod(input.dataFrom, input.dataUntil, {
    from: 'dataFrom',
    until: 'dataUntil',
    allowEqual: true,
  });
  if (input.validUntil !== undefined && Date.parse(input.validUntil) <= Date.now())
    throw new InvalidArgumentError('validUntil must be in the future');
  for (const [index, exception] of (input.exceptions ?? []).entries())
    assertPeriod(exception.dataFrom, exception.dataUntil, {
      from: `exceptions[${index}].dataFrom`,
      until: `exceptions[${index}].dataUntil`,
      allowEqual: true,
    });
}

function checkConsentId(consentId: string): void {
  if (!CONSENT_ID_PATTERN.test(consentId)) throw new InvalidArgumentError('malformed consent ID');
}

/**
 * Patients' consents on the ledger (`consent` contract): grant, update, revoke, read, history,
 * query. Every call is made as the calling user's own identity.
 */
@Injectable()
export class ConsentsService {
  constructor(@Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient) {}

  /** GrantConsent, as the patient. */
  async grant(caller: Principal, input: ConsentInput): Promise<ConsentWrite> {
    checkConsentInput(input);
    const { result: consent, txId } = await this.ledger
      .as(caller.walletLabel)
      .submit('consent:GrantConsent', input);
    return { consentId: consent.consentId, txId, consent };
  }

  /** UpdateConsent (version + 1), as the consent's patient. */
  async update(caller: Principal, consentId: string, input: ConsentInput): Promise<ConsentWrite> {
    checkConsentId(consentId);
    checkConsentInput(input);
    const { result: consent, txId } = await this.ledger
      .as(caller.walletLabel)
      .submit('consent:UpdateConsent', consentId, input);
    return { consentId: consent.consentId, txId, consent };
  }

  /** RevokeConsent, as the consent's patient. */
  async revoke(caller: Principal, consentId: string): Promise<ConsentWrite> {
    checkConsentId(consentId);
    const { result: consent, txId } = await this.ledger
      .as(caller.walletLabel)
      .submit('consent:RevokeConsent', consentId);
    return { consentId: consent.consentId, txId, consent };
  }

  /** GetConsent (its patient, the regulator, the grantee organization). */
  async get(caller: Principal, consentId: string): Promise<Consent> {
    checkConsentId(consentId);
    return await this.ledger.as(caller.walletLabel).evaluate('consent:GetConsent', consentId);
  }

  /** GetConsentHistory, oldest first. */
  async history(caller: Principal, consentId: string): Promise<readonly ConsentVersion[]> {
    checkConsentId(consentId);
    return await this.ledger
      .as(caller.walletLabel)
      .evaluate('consent:GetConsentHistory', consentId);
  }

  /** QueryConsents: a patient sees their own, the regulator all, others those granted to their organization. */
  query(caller: Principal, query: ConsentQuery): Promise<ConsentPage> {
    return this.ledger.as(caller.walletLabel).evaluate('consent:QueryConsents', query);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import type { Page } from '../common/dto.js';
import { InvalidArgumentError } from '../common/errors.js';
import { assertPeriod } from '../common/periods.js';
import { PERMISSIONS, assertAllowed } from '../common/permissions.js';
import { CONSENT_ID } from '../common/vocabulary.js';
import { LEDGER_CLIENT, parseJson, type LedgerClient } from '../ledger/ledger.client.js';
import type {
  Consent,
  ConsentInput,
  ConsentQuery,
  ConsentVersion,
  ConsentWrite,
} from './consent.types.js';

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
  if (!CONSENT_ID.test(consentId)) throw new InvalidArgumentError('malformed consent ID');
}

/** Drops undefined fields, so the ledger's JSON has only what was given. */
function compact<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
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
    assertAllowed(caller, PERMISSIONS.grantConsent);
    checkConsentInput(input);
    const { payload, txId } = await this.ledger.submit({
      identity: caller.walletLabel,
      contract: 'consent',
      transaction: 'GrantConsent',
      args: [JSON.stringify(compact(input))],
    });
    const consent = parseJson<Consent>(payload);
    return { consentId: consent.consentId, txId, consent };
  }

  /** UpdateConsent (version + 1), as the consent's patient. */
  async update(caller: Principal, consentId: string, input: ConsentInput): Promise<ConsentWrite> {
    assertAllowed(caller, PERMISSIONS.grantConsent);
    checkConsentId(consentId);
    checkConsentInput(input);
    const { payload, txId } = await this.ledger.submit({
      identity: caller.walletLabel,
      contract: 'consent',
      transaction: 'UpdateConsent',
      args: [consentId, JSON.stringify(compact(input))],
    });
    const consent = parseJson<Consent>(payload);
    return { consentId: consent.consentId, txId, consent };
  }

  /** RevokeConsent, as the consent's patient. */
  async revoke(caller: Principal, consentId: string): Promise<ConsentWrite> {
    assertAllowed(caller, PERMISSIONS.revokeConsent);
    checkConsentId(consentId);
    const { payload, txId } = await this.ledger.submit({
      identity: caller.walletLabel,
      contract: 'consent',
      transaction: 'RevokeConsent',
      args: [consentId],
    });
    const consent = parseJson<Consent>(payload);
    return { consentId: consent.consentId, txId, consent };
  }

  /** GetConsent (its patient, the regulator, the grantee organization). */
  async get(caller: Principal, consentId: string): Promise<Consent> {
    checkConsentId(consentId);
    return parseJson<Consent>(
      await this.ledger.evaluate({
        identity: caller.walletLabel,
        contract: 'consent',
        transaction: 'GetConsent',
        args: [consentId],
      }),
    );
  }

  /** GetConsentHistory, oldest first. */
  async history(caller: Principal, consentId: string): Promise<ConsentVersion[]> {
    checkConsentId(consentId);
    return parseJson<ConsentVersion[]>(
      await this.ledger.evaluate({
        identity: caller.walletLabel,
        contract: 'consent',
        transaction: 'GetConsentHistory',
        args: [consentId],
      }),
    );
  }

  /** QueryConsents: a patient sees their own, the regulator all, others those granted to their organization. */
  async query(caller: Principal, query: ConsentQuery): Promise<Page<Consent>> {
    return parseJson<Page<Consent>>(
      await this.ledger.evaluate({
        identity: caller.walletLabel,
        contract: 'consent',
        transaction: 'QueryConsents',
        args: [JSON.stringify(compact(query))],
      }),
    );
  }
}

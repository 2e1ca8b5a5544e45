import { createHash } from 'node:crypto';
import type {
  AccessEvent,
  AccessOutcome,
  AccessRequest,
  Decision,
  EmergencyRequest,
} from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import { ledgerIdentity, type Principal } from '../auth/principal.js';
import { assertPeriod } from '../common/periods.js';
import { ENDORSERS, type Endorsers } from '../ledger/endorsers.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';

/** A break-glass request as a clinician sends it: the free-text justification, never sent on. */
export interface EmergencyAccessInput extends Omit<EmergencyRequest, 'justificationHash'> {
  readonly justification: string;
}

function question(input: AccessRequest): AccessRequest {
  assertPeriod(input.dataFrom, input.dataUntil, {
    from: 'dataFrom',
    until: 'dataUntil',
    allowEqual: true,
  });
  return {
    patientId: input.patientId,
    purpose: input.purpose,
    categories: [...input.categories],
    ...(input.labels === undefined ? {} : { labels: [...input.labels] }),
    ...(input.recordIds === undefined ? {} : { recordIds: [...input.recordIds] }),
    ...(input.dataFrom === undefined ? {} : { dataFrom: input.dataFrom }),
    ...(input.dataUntil === undefined ? {} : { dataUntil: input.dataUntil }),
  };
}

/** SHA-256 (hex) of an emergency justification: what the ledger keeps instead of the text. */
export function justificationHash(justification: string): string {
  return createHash('sha256').update(justification.normalize('NFC'), 'utf8').digest('hex');
}

function outcomeOf(event: AccessEvent, txId: string): AccessOutcome {
  const [consentId] = event.consentIds;
  return {
    eventId: event.eventId,
    decision: event.decision,
    ...(consentId === undefined ? {} : { consentId }),
    consentIds: event.consentIds,
    reason: event.reason,
    breakGlass: event.breakGlass,
    txId,
  };
}

/**
 * Access requests against patients' consents (`access` contract): recorded requests, decisions
 * evaluated without a record, and break-glass emergency access. A request is endorsed by the
 * caller's organization and the patient's home (the regulator when the home's peer is out of
 * reach): the peers that hold the consents it is decided by.
 */
@Injectable()
export class AccessService {
  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(ENDORSERS) private readonly endorsers: Endorsers,
  ) {}

  /** RequestAccess: decided by the ledger and recorded whatever the decision. */
  async request(caller: Principal, input: AccessRequest): Promise<AccessOutcome> {
    const request = question(input);
    const endorsers = await this.endorsers.plan('access:RequestAccess', {
      patientId: request.patientId,
    });
    const { result, txId } = await this.ledger
      .as(ledgerIdentity(caller), { endorsers })
      .submit('access:RequestAccess', request);
    return outcomeOf(result, txId);
  }

  /** CheckAccess: the decision the ledger would take now, on this organization's peer. */
  async check(caller: Principal, input: AccessRequest): Promise<Decision> {
    return await this.ledger
      .as(ledgerIdentity(caller))
      .evaluate('access:CheckAccess', question(input));
  }

  /** RequestEmergencyAccess: break-glass; only the justification's SHA-256 reaches the ledger. */
  async emergency(caller: Principal, input: EmergencyAccessInput): Promise<AccessOutcome> {
    const request: EmergencyRequest = {
      patientId: input.patientId,
      categories: [...input.categories],
      ...(input.labels === undefined ? {} : { labels: [...input.labels] }),
      reasonCode: input.reasonCode,
      justificationHash: justificationHash(input.justification),
      ...(input.recordIds === undefined ? {} : { recordIds: [...input.recordIds] }),
    };
    const endorsers = await this.endorsers.plan('access:RequestEmergencyAccess', {
      patientId: request.patientId,
    });
    const { result, txId } = await this.ledger
      .as(ledgerIdentity(caller), { endorsers })
      .submit('access:RequestEmergencyAccess', request);
    return outcomeOf(result, txId);
  }
}

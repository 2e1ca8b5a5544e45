import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { assertPeriod } from '../common/periods.js';
import { PERMISSIONS, assertAllowed } from '../common/permissions.js';
import { LEDGER_CLIENT, parseJson, type LedgerClient } from '../ledger/ledger.client.js';
import type {
  AccessEvent,
  AccessOutcome,
  AccessQuestion,
  Decision,
  EmergencyRequest,
} from './access.types.js';

function question(input: AccessQuestion): AccessQuestion {
  assertPeriod(input.dataFrom, input.dataUntil, {
    from: 'dataFrom',
    until: 'dataUntil',
    allowEqual: true,
  });
  return {
    patientId: input.patientId,
    purpose: input.purpose,
    categories: [...input.categories],
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
 * evaluated without a record, and break-glass emergency access.
 */
@Injectable()
export class AccessService {
  constructor(@Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient) {}

  /** RequestAccess: decided by the ledger and recorded whatever the decision. */
  async request(caller: Principal, input: AccessQuestion): Promise<AccessOutcome> {
    assertAllowed(caller, PERMISSIONS.requestAccess);
    const { payload, txId } = await this.ledger.submit({
      identity: caller.walletLabel,
      contract: 'access',
      transaction: 'RequestAccess',
      args: [JSON.stringify(question(input))],
    });
    return outcomeOf(parseJson<AccessEvent>(payload), txId);
  }

  /** CheckAccess: the decision the ledger would take now; nothing is written. */
  async check(caller: Principal, input: AccessQuestion): Promise<Decision> {
    assertAllowed(caller, PERMISSIONS.requestAccess);
    return parseJson<Decision>(
      await this.ledger.evaluate({
        identity: caller.walletLabel,
        contract: 'access',
        transaction: 'CheckAccess',
        args: [JSON.stringify(question(input))],
      }),
    );
  }

  /** RequestEmergencyAccess: break-glass; only the justification's SHA-256 reaches the ledger. */
  async emergency(caller: Principal, input: EmergencyRequest): Promise<AccessOutcome> {
    assertAllowed(caller, PERMISSIONS.emergencyAccess);
    const request = {
      patientId: input.patientId,
      categories: [...input.categories],
      reasonCode: input.reasonCode,
      justificationHash: justificationHash(input.justification),
      ...(input.recordIds === undefined ? {} : { recordIds: [...input.recordIds] }),
    };
    const { payload, txId } = await this.ledger.submit({
      identity: caller.walletLabel,
      contract: 'access',
      transaction: 'RequestEmergencyAccess',
      args: [JSON.stringify(request)],
    });
    return outcomeOf(parseJson<AccessEvent>(payload), txId);
  }
}

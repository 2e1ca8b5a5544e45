import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { Page } from '../common/dto.js';
import { DomainError, ForbiddenError } from '../common/errors.js';
import type { Consent, ConsentQuery } from '../consents/consent.types.js';
import { ConsentsService } from '../consents/consents.service.js';
import type { AccessEvent } from '../access/access.types.js';
import type { FhirLedgerPort } from '../fhir/fhir-ledger.port.js';
import type * as fhirLedger from '../fhir/ledger-types.js';
import type { RecordHistory } from '../records/record.types.js';
import { RecordsService } from '../records/records.service.js';

/**
 * The FHIR API's ledger port, implemented by the gateway's services: every call is made as the
 * calling user (the principal the auth guard put on the request).
 */
@Injectable()
export class LedgerFhirAdapter implements FhirLedgerPort<Principal> {
  constructor(
    private readonly consents: ConsentsService,
    private readonly audit: AuditService,
    private readonly records: RecordsService,
  ) {}

  /** GrantConsent; the FHIR Consent's patient must be the caller's own pseudonym. */
  async grantConsent(
    caller: Principal,
    input: fhirLedger.ConsentInput,
    patientId: string,
  ): Promise<Consent> {
    if (caller.role !== 'patient' || caller.patientId !== patientId)
      throw new ForbiddenError('a patient grants consents for their own pseudonym only');
    return (await this.consents.grant(caller, input)).consent;
  }

  getConsent(caller: Principal, consentId: string): Promise<Consent> {
    return this.consents.get(caller, consentId);
  }

  queryConsents(caller: Principal, filter: ConsentQuery): Promise<Page<Consent>> {
    return this.consents.query(caller, filter);
  }

  queryAccessEvents(
    caller: Principal,
    filter: fhirLedger.AccessEventQuery,
  ): Promise<Page<AccessEvent>> {
    return this.audit.query(caller, filter);
  }

  /** GetRecord; undefined when the ledger does not know the record. */
  async getRecord(caller: Principal, recordId: string): Promise<RecordHistory | undefined> {
    try {
      return await this.records.get(caller, recordId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'RECORD_NOT_FOUND') return undefined;
      throw error;
    }
  }
}

import {
  GRANTEE_ROLES,
  type AccessEvent,
  type AccessEventPage,
  type AccessEventQuery,
  type Consent,
  type ConsentException,
  type ConsentGrantee,
  type ConsentInput,
  type ConsentPage,
  type ConsentQuery,
  type ConsentVersion,
  type RecordHistory,
} from '@consent-ledger/ledger-api';
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { patientSessionOf, type Principal } from '../auth/principal.js';
import { DomainError, ForbiddenError, InvalidArgumentError } from '../common/errors.js';
import { ConsentsService } from '../consents/consents.service.js';
import type {
  ConsentChangeSubmission,
  ConsentSubmission,
  ConsentTerms,
  ExceptionTerms,
  FhirLedgerPort,
  GranteeTerms,
  ProvenanceSearch,
} from '../fhir/index.js';
import { RecordsService } from '../records/records.service.js';

/** A grantee as the ledger takes it: a FHIR Consent may name any role, the ledger grants three. */
function granteeOf(terms: GranteeTerms): ConsentGrantee {
  const { role, ...rest } = terms;
  if (role === undefined) return rest;
  const granteeRole = GRANTEE_ROLES.find((each) => each === role);
  if (granteeRole === undefined)
    throw new InvalidArgumentError(
      `grantee.role must be one of ${GRANTEE_ROLES.join(', ')}, not ${role}`,
    );
  return { ...rest, role: granteeRole };
}

function exceptionOf(terms: ExceptionTerms): ConsentException {
  const { grantee, ...rest } = terms;
  return grantee === undefined ? rest : { ...rest, grantee: granteeOf(grantee) };
}

/** The terms of a FHIR Consent as GrantConsent's input. */
function consentInputOf(terms: ConsentTerms): ConsentInput {
  const { grantee, exceptions, ...rest } = terms;
  return {
    ...rest,
    ...(grantee === undefined ? {} : { grantee: granteeOf(grantee) }),
    ...(exceptions === undefined ? {} : { exceptions: exceptions.map(exceptionOf) }),
  };
}

/**
 * The FHIR API's ledger port, implemented by the gateway's services: every call is made as the
 * calling user (the principal the auth guard put on the request). Who may call what is checked
 * once, by the route's `@Authorize` (FhirModule's `authorize` option), before the port is reached.
 */
@Injectable()
export class LedgerFhirAdapter implements FhirLedgerPort<Principal> {
  constructor(
    private readonly consents: ConsentsService,
    private readonly audit: AuditService,
    private readonly records: RecordsService,
  ) {}

  /**
   * GrantConsent with the statement the FHIR Consent carries: its patient must be the caller's
   * session's, its terms and performer the statement's payload and signer.
   */
  async grantConsent(caller: Principal, submission: ConsentSubmission): Promise<Consent> {
    const session = patientSessionOf(caller);
    if (session.patientId !== submission.patientId)
      throw new ForbiddenError('a patient grants consents for their own pseudonym only');
    const expected = {
      terms: consentInputOf(submission.terms),
      ...(submission.performer === undefined ? {} : { signedBy: submission.performer }),
    };
    return (await this.consents.grant(session, submission.action, expected)).consent;
  }

  /**
   * UpdateConsent (its terms and performer the statement's) or RevokeConsent with the statement
   * the FHIR Consent carries; its patient must be the caller's session's.
   */
  async changeConsent(caller: Principal, change: ConsentChangeSubmission): Promise<Consent> {
    const session = patientSessionOf(caller);
    if (session.patientId !== change.patientId)
      throw new ForbiddenError('a patient changes their own consents only');
    if (change.kind === 'revoke')
      return (await this.consents.revoke(session, change.consentId, change.action)).consent;
    const expected = {
      terms: consentInputOf(change.terms ?? {}),
      ...(change.performer === undefined ? {} : { signedBy: change.performer }),
    };
    return (await this.consents.update(session, change.consentId, change.action, expected)).consent;
  }

  getConsent(caller: Principal, consentId: string): Promise<Consent> {
    return this.consents.get(caller, consentId);
  }

  queryConsents(caller: Principal, filter: ConsentQuery): Promise<ConsentPage> {
    return this.consents.query(caller, filter);
  }

  getConsentHistory(caller: Principal, consentId: string): Promise<readonly ConsentVersion[]> {
    return this.consents.history(caller, consentId);
  }

  getAccessEvent(caller: Principal, eventId: string): Promise<AccessEvent> {
    return this.audit.get(caller, eventId);
  }

  queryAccessEvents(caller: Principal, filter: AccessEventQuery): Promise<AccessEventPage> {
    // The FHIR search counts its matches itself unless it asks the ledger (withTotal).
    return this.audit.query(caller, { withTotal: false, ...filter });
  }

  /** GetRecord; undefined when the ledger does not know the record. */
  async getRecord(caller: Principal, record: ProvenanceSearch): Promise<RecordHistory | undefined> {
    try {
      return await this.records.get(caller, record);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'RECORD_NOT_FOUND') return undefined;
      throw error;
    }
  }
}

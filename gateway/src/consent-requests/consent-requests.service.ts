import {
  CONSENT_REQUEST_ID_PATTERN,
  canonicalJson,
  requestedConsent,
  type ConsentRequest,
  type ConsentRequestInput,
  type ConsentRequestPage,
  type ConsentRequestQuery,
  type ConsentRequestWrite,
  type RequestLimits,
  type RequestLimitsSetting,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import {
  assertOwnPatient,
  isPatientSession,
  ledgerIdentity,
  type PatientSession,
  type Principal,
} from '../auth/principal.js';
import { ForbiddenError, InvalidArgumentError, RuleViolationError } from '../common/errors.js';
import { assertPeriod } from '../common/periods.js';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { ENDORSERS, type Endorsers } from '../ledger/endorsers.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';
import { SERVICE_IDENTITY } from '../ledger/wallet.js';
import { createValidationPipe } from '../common/validation.js';
import { GrantConsentDto } from '../consents/grant-consent.dto.js';
import { normalTerms } from '../consents/consents.service.js';
import { assertSpeaksFor, readStatement } from '../patients/signed-statement.js';

function checkRequestId(requestId: string): void {
  if (!CONSENT_REQUEST_ID_PATTERN.test(requestId))
    throw new InvalidArgumentError('malformed consent request ID');
}

const signedConsent = createValidationPipe();

/**
 * The consent an approval signs, checked as POST /consents checks a body (400 for a malformed
 * one), then compared with the one the request asks for in one form (lists sorted): any other
 * consent is refused (422) before anything is endorsed; the chaincode checks it again.
 */
async function checkApproval(signed: unknown, asked: ConsentRequest): Promise<void> {
  if (signed === null || typeof signed !== 'object' || Array.isArray(signed))
    throw new InvalidArgumentError('the statement signs no consent (payload.consent)');
  await signedConsent.transform(structuredClone(signed), {
    type: 'body',
    metatype: GrantConsentDto,
  });
  if (
    canonicalJson(normalTerms(signed)) !== canonicalJson(normalTerms(requestedConsent(asked.terms)))
  )
    throw new RuleViolationError('the consent signed is not the one the request asks for');
}

function checkNames(requestId: string, named: unknown): void {
  if (named !== requestId)
    throw new InvalidArgumentError(`the statement is about ${String(named)}, not ${requestId}`);
}

/**
 * Consent requests (`request` contract): a requester asks a patient for a consent to its own
 * organization with a coded reason; the patient answers at the home gateway with a statement
 * signed on their device (an approval signs the very consent asked for); the requester reads the
 * answer. The free text of a request, if any, never reaches this service: only codes do.
 */
@Injectable()
export class ConsentRequestsService {
  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(ENDORSERS) private readonly endorsers: Endorsers,
    @Inject(ORG_PROFILE) private readonly profile: OrgProfile,
  ) {}

  /** RequestConsent (an accessor; a consent to its own organization), endorsed with the home. */
  async create(caller: Principal, input: ConsentRequestInput): Promise<ConsentRequestWrite> {
    const { terms } = input;
    if (terms.grantee.org !== caller.mspId)
      throw new RuleViolationError(`a request asks for a consent to ${caller.mspId} itself`);
    assertPeriod(terms.validFrom, terms.validUntil, { from: 'validFrom', until: 'validUntil' });
    assertPeriod(terms.dataFrom, terms.dataUntil, {
      from: 'dataFrom',
      until: 'dataUntil',
      allowEqual: true,
    });
    if (Date.parse(terms.validUntil) <= Date.now())
      throw new InvalidArgumentError('terms.validUntil must be in the future');
    // Only the fields of the contract travel (the DTO instance is not sent as it is).
    const request: ConsentRequestInput = {
      patientId: input.patientId,
      terms: JSON.parse(canonicalJson(terms)) as ConsentRequestInput['terms'],
      reason: input.reason,
    };
    const endorsers = await this.endorsers.plan('request:RequestConsent', {
      patientId: request.patientId,
    });
    const { result, txId } = await this.ledger
      .as(ledgerIdentity(caller), { endorsers })
      .submit('request:RequestConsent', request);
    return { requestId: result.requestId, txId, request: result };
  }

  /** QueryRequests: the home its patients', the regulator all, others their own; a patient theirs. */
  async query(caller: Principal, query: ConsentRequestQuery): Promise<ConsentRequestPage> {
    let scoped = query;
    if (isPatientSession(caller)) {
      if (query.patientId !== undefined && query.patientId !== caller.patientId)
        throw new ForbiddenError('a patient sees only their own consent requests');
      scoped = { ...query, patientId: caller.patientId };
    }
    return this.ledger.as(ledgerIdentity(caller)).evaluate('request:QueryRequests', scoped);
  }

  /** GetRequest (its home, the requester's organization, the regulator; a patient their own). */
  async get(caller: Principal, requestId: string): Promise<ConsentRequest> {
    checkRequestId(requestId);
    const request = await this.ledger
      .as(ledgerIdentity(caller))
      .evaluate('request:GetRequest', requestId);
    assertOwnPatient(caller, request.patientId);
    return request;
  }

  /**
   * ApproveRequest, signed by the session's patient or guardian: the consent signed must be the
   * one the request asks for (checked here first, so that a mismatch is refused before anything
   * is endorsed; the chaincode checks it again).
   */
  async approve(
    session: PatientSession,
    requestId: string,
    action: SignedAction,
  ): Promise<ConsentRequestWrite> {
    const { statement, signed } = readStatement(action, 'request:ApproveRequest', this.profile);
    assertSpeaksFor(statement, session);
    checkNames(requestId, statement.payload.requestId);
    await checkApproval(statement.payload.consent, await this.get(session, requestId));
    const endorsers = await this.endorsers.plan('request:ApproveRequest', {
      patientId: session.patientId,
    });
    const { result, txId } = await this.ledger
      .as(SERVICE_IDENTITY, { endorsers })
      .submit('request:ApproveRequest', signed);
    return { requestId, txId, request: result.request, consent: result.consent };
  }

  /** DeclineRequest, signed by the session's patient or guardian. */
  async decline(
    session: PatientSession,
    requestId: string,
    action: SignedAction,
  ): Promise<ConsentRequestWrite> {
    const { statement, signed } = readStatement(action, 'request:DeclineRequest', this.profile);
    assertSpeaksFor(statement, session);
    checkNames(requestId, statement.payload.requestId);
    const endorsers = await this.endorsers.plan('request:DeclineRequest', {
      patientId: session.patientId,
    });
    const { result, txId } = await this.ledger
      .as(SERVICE_IDENTITY, { endorsers })
      .submit('request:DeclineRequest', signed);
    return { requestId, txId, request: result };
  }

  /** WithdrawRequest (the requester's organization): read first, to name the home as endorser. */
  async withdraw(caller: Principal, requestId: string): Promise<ConsentRequestWrite> {
    const open = await this.get(caller, requestId);
    this.endorsers.remember(open.patientId, open.patientHome);
    const endorsers = await this.endorsers.plan('request:WithdrawRequest', {
      patientId: open.patientId,
    });
    const { result, txId } = await this.ledger
      .as(ledgerIdentity(caller), { endorsers })
      .submit('request:WithdrawRequest', requestId);
    return { requestId, txId, request: result };
  }

  /** GetRequestLimits (everyone). */
  limits(caller: Principal): Promise<RequestLimitsSetting> {
    return this.ledger.as(ledgerIdentity(caller)).evaluate('request:GetRequestLimits');
  }

  /** SetRequestLimits (the regulator). */
  async setLimits(caller: Principal, limits: RequestLimits): Promise<RequestLimitsSetting> {
    if (limits.maxOpen > limits.maxPerWindow)
      throw new InvalidArgumentError('maxOpen must not exceed maxPerWindow');
    const { result } = await this.ledger
      .as(ledgerIdentity(caller))
      .submit('request:SetRequestLimits', {
        maxOpen: limits.maxOpen,
        maxPerWindow: limits.maxPerWindow,
      });
    return result;
  }
}

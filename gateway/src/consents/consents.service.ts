import {
  CONSENT_ID_PATTERN,
  canonicalJson,
  type Consent,
  type ConsentException,
  type ConsentErasure,
  type ConsentInput,
  type ConsentPage,
  type ConsentQuery,
  type ConsentVersion,
  type ConsentWrite,
  type SignedAction,
  type SignedBy,
} from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import {
  assertOwnPatient,
  isPatientSession,
  ledgerIdentity,
  type PatientSession,
  type Principal,
} from '../auth/principal.js';
import { ForbiddenError, InvalidArgumentError } from '../common/errors.js';
import { assertPeriod } from '../common/periods.js';
import { createValidationPipe } from '../common/validation.js';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { ENDORSERS, type Endorsers } from '../ledger/endorsers.js';
import { LEDGER_CLIENT, type LedgerClient, type LedgerSession } from '../ledger/ledger.client.js';
import { SERVICE_IDENTITY } from '../ledger/wallet.js';
import { assertSpeaksFor, readStatement } from '../patients/signed-statement.js';
import { GrantConsentDto } from './grant-consent.dto.js';

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
  for (const grantee of [input.grantee, ...(input.exceptions ?? []).map((each) => each.grantee)])
    if (grantee?.institution !== undefined && grantee.org === undefined)
      throw new InvalidArgumentError('a grantee naming an institution must name its org');
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

const terms = createValidationPipe();

/**
 * The terms a statement signs, checked as POST /consents once checked its body (the DTO), then
 * by {@link checkConsentInput}: a bad statement is answered 400 before anything is endorsed.
 */
async function checkSignedTerms(input: ConsentInput): Promise<void> {
  await terms.transform(structuredClone(input), { type: 'body', metatype: GrantConsentDto });
  checkConsentInput(input);
}

/** What another representation of a new consent (a FHIR Consent) says the statement signs. */
export interface ExpectedGrant {
  /** The terms: they must equal the statement's payload. */
  readonly terms: ConsentInput;
  /** Who signed, when the representation names it: it must be the statement's signer. */
  readonly signedBy?: SignedBy;
}

const sortedUnique = <T extends string>(values: readonly T[] | undefined): T[] | undefined =>
  values === undefined ? undefined : [...new Set(values)].sort();

/**
 * Consent terms in one form, so that two statements of the same terms compare equal: the default
 * provision written out, lists of purposes, categories and sensitivity labels sorted without
 * duplicates.
 */
export function normalTerms(input: ConsentInput): ConsentInput {
  const lists = <R extends ConsentInput | ConsentException>(rule: R): R => ({
    ...rule,
    ...(rule.purposes === undefined ? {} : { purposes: sortedUnique(rule.purposes) }),
    ...(rule.categories === undefined ? {} : { categories: sortedUnique(rule.categories) }),
    ...(rule.sensitive === undefined ? {} : { sensitive: sortedUnique(rule.sensitive) }),
  });
  return {
    ...lists(input),
    provision: input.provision ?? 'permit',
    ...(input.exceptions === undefined ? {} : { exceptions: input.exceptions.map(lists) }),
  };
}

function checkExpected(
  payload: ConsentInput,
  signer: SignedBy,
  expected: Readonly<ExpectedGrant> | undefined,
): void {
  if (expected === undefined) return;
  if (canonicalJson(normalTerms(payload)) !== canonicalJson(normalTerms(expected.terms)))
    throw new InvalidArgumentError(
      "the consent's terms differ from the terms of the statement the patient signed",
    );
  const { signedBy } = expected;
  if (signedBy !== undefined && (signedBy.kind !== signer.kind || signedBy.id !== signer.id))
    throw new InvalidArgumentError(
      `the consent names ${signedBy.kind} ${signedBy.id} as its signer, the statement ${signer.kind} ${signer.id}`,
    );
}

function checkNames(consentId: string, named: string): void {
  checkConsentId(consentId);
  if (named !== consentId)
    throw new InvalidArgumentError(`the statement is about ${named}, not ${consentId}`);
}

/**
 * Patients' consents on the ledger (`consent` contract). Every write is a statement the patient
 * (or a guardian) signed on their own device: the gateway checks that it speaks for the session's
 * patient and carries it with its service identity, endorsed by the patient's home and the
 * regulator. Reads are made as the caller, or, for a patient's session, as the service identity
 * kept to the patient's own consents.
 */
@Injectable()
export class ConsentsService {
  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(ENDORSERS) private readonly endorsers: Endorsers,
    @Inject(ORG_PROFILE) private readonly profile: OrgProfile,
  ) {}

  /**
   * GrantConsent, signed by the session's patient or guardian; with `expected`, the terms (and
   * signer) another representation of the consent states must be the statement's.
   */
  async grant(
    session: PatientSession,
    action: SignedAction,
    expected?: Readonly<ExpectedGrant>,
  ): Promise<ConsentWrite> {
    const { statement, signed } = readStatement(action, 'consent:GrantConsent', this.profile);
    assertSpeaksFor(statement, session);
    checkExpected(statement.payload, statement.signer, expected);
    await checkSignedTerms(statement.payload);
    const carrier = await this.#carrier('consent:GrantConsent', session);
    const { result: consent, txId } = await carrier.submit('consent:GrantConsent', signed);
    return { consentId: consent.consentId, txId, consent };
  }

  /**
   * UpdateConsent (version + 1) at the version the statement names; with `expected`, the terms
   * (and signer) another representation of the update states must be the statement's.
   */
  async update(
    session: PatientSession,
    consentId: string,
    action: SignedAction,
    expected?: Readonly<ExpectedGrant>,
  ): Promise<ConsentWrite> {
    const { statement, signed } = readStatement(action, 'consent:UpdateConsent', this.profile);
    assertSpeaksFor(statement, session);
    const { consentId: named, expectedVersion: _version, ...input } = statement.payload;
    checkNames(consentId, named);
    checkExpected(input, statement.signer, expected);
    await checkSignedTerms(input);
    const carrier = await this.#carrier('consent:UpdateConsent', session);
    const { result: consent, txId } = await carrier.submit('consent:UpdateConsent', signed);
    return { consentId: consent.consentId, txId, consent };
  }

  /** RevokeConsent at the version the statement names. */
  async revoke(
    session: PatientSession,
    consentId: string,
    action: SignedAction,
  ): Promise<ConsentWrite> {
    const { statement, signed } = readStatement(action, 'consent:RevokeConsent', this.profile);
    assertSpeaksFor(statement, session);
    checkNames(consentId, statement.payload.consentId);
    const carrier = await this.#carrier('consent:RevokeConsent', session);
    const { result: consent, txId } = await carrier.submit('consent:RevokeConsent', signed);
    return { consentId: consent.consentId, txId, consent };
  }

  /** EraseConsent: a revoked or expired consent's details are purged from every peer. */
  async erase(
    session: PatientSession,
    consentId: string,
    action: SignedAction,
  ): Promise<ConsentErasure> {
    const { statement, signed } = readStatement(action, 'consent:EraseConsent', this.profile);
    assertSpeaksFor(statement, session);
    checkNames(consentId, statement.payload.consentId);
    const carrier = await this.#carrier('consent:EraseConsent', session);
    const { result: receipt, txId } = await carrier.submit('consent:EraseConsent', signed);
    return { consentId, txId, receipt };
  }

  /** GetConsent (its patient's home, the regulator, the grantee organization; a patient their own). */
  async get(caller: Principal, consentId: string): Promise<Consent> {
    checkConsentId(consentId);
    const consent = await this.ledger
      .as(ledgerIdentity(caller))
      .evaluate('consent:GetConsent', consentId);
    assertOwnPatient(caller, consent.patientId);
    return consent;
  }

  /** GetConsentHistory, oldest first. */
  async history(caller: Principal, consentId: string): Promise<readonly ConsentVersion[]> {
    checkConsentId(consentId);
    const versions = await this.ledger
      .as(ledgerIdentity(caller))
      .evaluate('consent:GetConsentHistory', consentId);
    for (const version of versions) assertOwnPatient(caller, version.consent.patientId);
    return versions;
  }

  /**
   * QueryConsents: the home organization its patients', the regulator all, others those granted to
   * their organization; a patient their own only.
   */
  async query(caller: Principal, query: ConsentQuery): Promise<ConsentPage> {
    let scoped = query;
    if (isPatientSession(caller)) {
      if (query.patientId !== undefined && query.patientId !== caller.patientId)
        throw new ForbiddenError('a patient sees only their own consents');
      scoped = { ...query, patientId: caller.patientId };
    }
    return await this.ledger.as(ledgerIdentity(caller)).evaluate('consent:QueryConsents', scoped);
  }

  /** The service identity's session, endorsed by the patient's home and the regulator. */
  async #carrier(
    transaction:
      | 'consent:GrantConsent'
      | 'consent:UpdateConsent'
      | 'consent:RevokeConsent'
      | 'consent:EraseConsent',
    session: PatientSession,
  ): Promise<LedgerSession> {
    const endorsers = await this.endorsers.plan(transaction, { patientId: session.patientId });
    return this.ledger.as(SERVICE_IDENTITY, { endorsers });
  }
}

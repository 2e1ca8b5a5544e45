import {
  GUARDIAN_ID_PATTERN,
  PATIENT_ID_PATTERN,
  hashEnrolmentCode,
  newEnrolmentCode,
  type AccessToken,
  type BindingWrite,
  type EnrolmentAnswer,
  type GuardianActivationRequest,
  type GuardianEnrolmentAnswer,
  type GuardianProposalRequest,
  type LedgerInfo,
  type PatientActivationRequest,
  type PatientRegistrationRequest,
  type PatientView,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import type { PatientSession, Principal } from '../auth/principal.js';
import { ledgerIdentity } from '../auth/principal.js';
import { ConflictError, ForbiddenError, InvalidArgumentError } from '../common/errors.js';
import { assertPeriod } from '../common/periods.js';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { IdentitiesService, type PatientAccount } from '../identities/identities.service.js';
import { ENDORSERS, type Endorsers, type HomeTransaction } from '../ledger/endorsers.js';
import { LEDGER_CLIENT, type LedgerClient, type LedgerSession } from '../ledger/ledger.client.js';
import { SERVICE_IDENTITY } from '../ledger/wallet.js';
import { newGuardianId, newPatientId } from './pseudonym.js';
import { assertSpeaksFor, readStatement } from './signed-statement.js';

function checkPatientId(patientId: string): void {
  if (!PATIENT_ID_PATTERN.test(patientId))
    throw new InvalidArgumentError('malformed patient pseudonym');
}

/**
 * The day a patient born on `birthDate` (YYYY-MM-DD) reaches `age`: the same month and day `age`
 * years later, 1 March for 29 February in a common year.
 */
export function comingOfAge(birthDate: string, age: number): string {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year + age, month - 1, day));
  return date.toISOString().slice(0, 10);
}

function checkGuardianId(guardianId: string): void {
  if (!GUARDIAN_ID_PATTERN.test(guardianId))
    throw new InvalidArgumentError('malformed guardian ID');
}

/**
 * Patients who hold their own keys (`patient` contract, docs/patient-keys.md). The home
 * organization's admins register a patient (a fresh pseudonym and a one-time enrolment code,
 * handed over in person and never kept: the ledger holds only its salted hash), ask for a lost
 * key's replacement and propose guardians; the regulator approves. The patient's device makes
 * the key and signs its activation; the gateway carries it with its service identity and opens the
 * patient's session account (username and password, for sessions only: no certificate, no wallet
 * entry). Devices are added and removed by statements signed with a bound key.
 */
@Injectable()
export class PatientsService {
  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(ENDORSERS) private readonly endorsers: Endorsers,
    @Inject(ORG_PROFILE) private readonly profile: OrgProfile,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly identities: IdentitiesService,
    private readonly auth: AuthService,
  ) {}

  /** GET /ledger: what a device needs to build statements for this gateway (and to sign in first). */
  ledgerInfo(): LedgerInfo {
    return {
      channel: this.profile.channel,
      chaincode: this.profile.chaincode,
      mspId: this.profile.mspId,
      passwordMinLength: this.config.GATEWAY_PASSWORD_MIN_LENGTH,
    };
  }

  /** RegisterPatient at the caller's organization: a new pseudonym and its code, shown once. */
  async register(caller: Principal, request: PatientRegistrationRequest): Promise<EnrolmentAnswer> {
    const adultFrom = this.#adultFrom(request);
    const patientId = newPatientId();
    const enrolmentCode = newEnrolmentCode();
    const home = this.profile.mspId;
    const endorsers = await this.endorsers.plan('patient:RegisterPatient', { patientId, home });
    const { txId } = await this.ledger
      .as(ledgerIdentity(caller), { endorsers })
      .submit('patient:RegisterPatient', {
        patientId,
        enrolment: hashEnrolmentCode(enrolmentCode),
        ...(adultFrom === undefined ? {} : { adultFrom }),
      });
    this.endorsers.remember(patientId, home);
    return { patientId, enrolmentCode, txId };
  }

  /**
   * A registration's `adultFrom`: as given, or computed from the birth date with the configured
   * age (none when the patient is of age already). The birth date goes no further than here.
   */
  #adultFrom(request: PatientRegistrationRequest): string | undefined {
    const { birthDate } = request;
    if (birthDate === undefined) return request.adultFrom;
    if (request.adultFrom !== undefined)
      throw new InvalidArgumentError('give either adultFrom or birthDate, not both');
    const today = new Date().toISOString().slice(0, 10);
    if (birthDate > today) throw new InvalidArgumentError('birthDate lies in the future');
    const adultFrom = comingOfAge(birthDate, this.config.PATIENT_ADULT_AGE);
    return adultFrom > today ? adultFrom : undefined;
  }

  /**
   * ActivatePatient, the patient's first sign-in on a device: the statement (signed by the new
   * key, with the enrolment code) is carried by the service identity, and the patient's session
   * account is opened (the patient's other accounts here are closed: after a recovery, the old
   * device's session ends too). Answers an access token.
   */
  async activate(request: PatientActivationRequest): Promise<AccessToken> {
    const { statement, signed } = readStatement(
      request.action,
      'patient:ActivatePatient',
      this.profile,
    );
    if (statement.signer.kind !== 'patient')
      throw new ForbiddenError('a patient activates their own key');
    const account = {
      username: request.username,
      password: request.password,
      patientId: statement.patientId,
    };
    return this.#activateAccount(account, 'patient:ActivatePatient', (carrier) =>
      carrier.submit('patient:ActivatePatient', signed),
    );
  }

  /** ActivateGuardian, a guardian's first sign-in: as {@link activate}, for the guardian. */
  async activateGuardian(request: GuardianActivationRequest): Promise<AccessToken> {
    const { statement, signed } = readStatement(
      request.action,
      'patient:ActivateGuardian',
      this.profile,
    );
    if (
      statement.signer.kind !== 'guardian' ||
      statement.signer.id !== statement.payload.guardianId
    )
      throw new ForbiddenError('a guardian activates their own key');
    const account = {
      username: request.username,
      password: request.password,
      patientId: statement.patientId,
      guardianId: statement.signer.id,
    };
    return this.#activateAccount(account, 'patient:ActivateGuardian', (carrier) =>
      carrier.submit('patient:ActivateGuardian', signed),
    );
  }

  /** The session's patient: binding, its history and erasures (read by the service identity). */
  me(session: PatientSession): Promise<PatientView> {
    return this.#view(SERVICE_IDENTITY, session.patientId);
  }

  /** A patient (the home's admins, the regulator; the chaincode decides, as the caller). */
  view(caller: Principal, patientId: string): Promise<PatientView> {
    checkPatientId(patientId);
    return this.#view(ledgerIdentity(caller), patientId);
  }

  /** AddDevice: a new key, signed by a bound one. */
  async addDevice(session: PatientSession, action: SignedAction): Promise<BindingWrite> {
    const { statement, signed } = readStatement(action, 'patient:AddDevice', this.profile);
    assertSpeaksFor(statement, session);
    const carrier = await this.#session(SERVICE_IDENTITY, 'patient:AddDevice', session.patientId);
    const { result, txId } = await carrier.submit('patient:AddDevice', signed);
    return { patientId: session.patientId, txId, binding: result };
  }

  /** RemoveDevice: a key stops working, signed by a bound one. */
  async removeDevice(session: PatientSession, action: SignedAction): Promise<BindingWrite> {
    const { statement, signed } = readStatement(action, 'patient:RemoveDevice', this.profile);
    assertSpeaksFor(statement, session);
    const carrier = await this.#session(
      SERVICE_IDENTITY,
      'patient:RemoveDevice',
      session.patientId,
    );
    const { result, txId } = await carrier.submit('patient:RemoveDevice', signed);
    return { patientId: session.patientId, txId, binding: result };
  }

  /** RequestRecovery (home admins, after an in-person check): a new code, shown once. */
  async requestRecovery(caller: Principal, patientId: string): Promise<EnrolmentAnswer> {
    checkPatientId(patientId);
    await this.#assertHomeHere(patientId);
    const enrolmentCode = newEnrolmentCode();
    const session = await this.#session(
      ledgerIdentity(caller),
      'patient:RequestRecovery',
      patientId,
    );
    const { txId } = await session.submit('patient:RequestRecovery', {
      patientId,
      enrolment: hashEnrolmentCode(enrolmentCode),
    });
    return { patientId, enrolmentCode, txId };
  }

  /** ApproveRecovery (the regulator): every bound key stops at once. */
  async approveRecovery(caller: Principal, patientId: string): Promise<BindingWrite> {
    checkPatientId(patientId);
    const session = await this.#session(
      ledgerIdentity(caller),
      'patient:ApproveRecovery',
      patientId,
    );
    const { result, txId } = await session.submit('patient:ApproveRecovery', patientId);
    return { patientId, txId, binding: result };
  }

  /** ProposeGuardian (home admins): the guardian's ID and one-time code, shown once. */
  async proposeGuardian(
    caller: Principal,
    patientId: string,
    request: GuardianProposalRequest,
  ): Promise<GuardianEnrolmentAnswer> {
    checkPatientId(patientId);
    assertPeriod(request.validFrom, request.validUntil, { from: 'validFrom', until: 'validUntil' });
    await this.#assertHomeHere(patientId);
    const guardianId = newGuardianId();
    const enrolmentCode = newEnrolmentCode();
    const session = await this.#session(
      ledgerIdentity(caller),
      'patient:ProposeGuardian',
      patientId,
    );
    const { txId } = await session.submit('patient:ProposeGuardian', {
      patientId,
      guardianId,
      relationship: request.relationship,
      validFrom: request.validFrom,
      validUntil: request.validUntil,
      enrolment: hashEnrolmentCode(enrolmentCode),
    });
    return { patientId, guardianId, enrolmentCode, txId };
  }

  /** ApproveGuardian (the regulator). */
  approveGuardian(caller: Principal, patientId: string, guardianId: string): Promise<BindingWrite> {
    return this.#guardianship(caller, 'patient:ApproveGuardian', patientId, guardianId);
  }

  /** EndGuardianship (the regulator): the guardian's statements are refused from now on. */
  endGuardianship(caller: Principal, patientId: string, guardianId: string): Promise<BindingWrite> {
    return this.#guardianship(caller, 'patient:EndGuardianship', patientId, guardianId);
  }

  async #guardianship(
    caller: Principal,
    transaction: 'patient:ApproveGuardian' | 'patient:EndGuardianship',
    patientId: string,
    guardianId: string,
  ): Promise<BindingWrite> {
    checkPatientId(patientId);
    checkGuardianId(guardianId);
    const session = await this.#session(ledgerIdentity(caller), transaction, patientId);
    const { result, txId } = await session.submit(transaction, { patientId, guardianId });
    return { patientId, txId, binding: result };
  }

  /** The caller's session for a binding transaction, endorsed by the home and the regulator. */
  async #session(
    identity: string,
    transaction: HomeTransaction,
    patientId: string,
  ): Promise<LedgerSession> {
    const endorsers = await this.endorsers.plan(transaction, { patientId });
    return this.ledger.as(identity, { endorsers });
  }

  /**
   * Opens the account, carries the activation, and answers a token; the account is removed again
   * when the ledger refuses the activation. A username held by an account of the same patient (or
   * guardian), e.g. the lost device's after a recovery, is taken over once the ledger has bound the
   * new key; any other taken username is a CONFLICT before anything is submitted.
   */
  async #activateAccount(
    account: PatientAccount,
    transaction: 'patient:ActivatePatient' | 'patient:ActivateGuardian',
    activation: (carrier: LedgerSession) => Promise<unknown>,
  ): Promise<AccessToken> {
    // Before the ledger: a refused password must leave the enrolment code unused.
    this.identities.checkNewPassword(account);
    await this.#assertHomeHere(account.patientId);
    const existing = this.identities.find(account.username);
    const takeOver =
      existing?.role === 'patient' &&
      existing.walletLabel === undefined &&
      existing.patientId === account.patientId &&
      existing.guardianId === account.guardianId;
    if (existing !== undefined && !takeOver)
      throw new ConflictError(`the username ${account.username} is taken`);
    const carrier = await this.#session(SERVICE_IDENTITY, transaction, account.patientId);
    const reserved = takeOver ? undefined : await this.identities.openPatientAccount(account);
    try {
      await activation(carrier);
    } catch (error) {
      if (reserved !== undefined) this.identities.closeAccount(reserved.username);
      throw error;
    }
    if (takeOver) this.identities.closeAccount(account.username);
    const user = reserved ?? (await this.identities.openPatientAccount(account));
    this.identities.closeOtherPatientAccounts(user);
    return this.auth.issue(user);
  }

  async #view(identity: string, patientId: string): Promise<PatientView> {
    const session = this.ledger.as(identity);
    const [binding, history, erasures] = await Promise.all([
      session.evaluate('patient:GetBinding', patientId),
      session.evaluate('patient:GetBindingHistory', patientId),
      session.evaluate('patient:QueryErasures', patientId),
    ]);
    return { binding, history, erasures };
  }

  /** Refuses (FORBIDDEN) a patient homed at another organization: its gateway serves them. */
  async #assertHomeHere(patientId: string): Promise<void> {
    const home = await this.endorsers.homeOf(patientId);
    if (home !== this.profile.mspId)
      throw new ForbiddenError(
        `${patientId} is a patient of ${home}: only its own gateway serves this`,
      );
  }
}

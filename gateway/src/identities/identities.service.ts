import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  INSTITUTION_ID_PATTERN,
  PRACTITIONER_ID_PATTERN,
  roleAllowed,
  type IdentityView,
  type NewIdentity,
  type Role,
  type SessionsEnded,
  type UserAccountView,
} from '@consent-ledger/ledger-api';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import {
  ConflictError,
  ForbiddenError,
  InvalidArgumentError,
  LedgerUnavailableError,
  NotFoundError,
  RuleViolationError,
  UnauthenticatedError,
} from '../common/errors.js';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { GATEWAY_SECRETS, type GatewaySecrets } from '../config/secrets.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';
import { IDENTITY_WALLET, SERVICE_IDENTITY, type IdentityWallet } from '../ledger/wallet.js';
import { SESSIONS, type Sessions } from '../sessions/sessions.js';
import { certificateAttributes } from './certificate-attributes.js';
import {
  CERTIFICATE_AUTHORITY,
  type CertificateAuthority,
  type Registration,
} from './certificate-authority.js';
import {
  CERTIFICATE_REVOCATION,
  type CertificateRevocation,
  type RevocationOutcome,
} from './certificate-revocation.js';
import { hashPassword, verifyPassword } from './password.js';
import { PASSWORD_POLICY, type PasswordPolicy } from './password-policy.js';
import {
  NO_PASSWORD,
  USERS_STORE,
  type PatientAccountOwner,
  type UserRecord,
  type UsersStore,
} from './users.store.js';

export { SERVICE_IDENTITY } from '../ledger/wallet.js';

/** A disabled user, and for staff what became of its Fabric certificate. */
export type DisabledUserView = UserAccountView & { readonly fabric?: RevocationOutcome };

/** The shape of a username. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** The attributes of the gateway's service identity: an admin of the organization. */
const SERVICE_ATTRIBUTES = { role: 'admin' } as const;

/** A new opaque enrollment ID: no user name ever reaches a certificate (docs/privacy.md). */
function newEnrollmentId(): string {
  return `u-${randomBytes(8).toString('hex')}`;
}

/** A staff member the trusted identity provider vouches for. */
export interface ExternalIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly role: Role;
}

/** The username prefix reserved for identity provider users: no local account takes it. */
const EXTERNAL_PREFIX = 'idp-';

/**
 * The gateway username of an identity provider's user: opaque (`idp-` and 24 hex of SHA-256 of
 * issuer and subject), stable across sign-ins, and no name of the person.
 */
function externalUsername(issuer: string, subject: string): string {
  return `${EXTERNAL_PREFIX}${createHash('sha256').update(`${issuer}\n${subject}`).digest('hex').slice(0, 24)}`;
}

/** The most users GET /identities answers at once (narrow with a username prefix). */
export const USERS_PAGE_LIMIT = 200;

/** Which users GET /identities lists. */
export interface UserQuery {
  /** Staff (default) or the patients' and guardians' session accounts. */
  readonly accounts?: 'staff' | 'patients';
  /** A username prefix. */
  readonly search?: string;
}

/** What POST /identities asks for: a staff member, or a patient it refuses. */
export type IdentityRequest = Omit<NewIdentity, 'role'> & { readonly role: Role };

/** A patient's or guardian's session account (POST /patients/activate, /guardians/activate). */
export interface PatientAccount extends PatientAccountOwner {
  readonly username: string;
  readonly password: string;
}

/**
 * Registers and enrolls the organization's staff with its CA (an opaque enrollment ID, the role,
 * a practitioner ID and a member institution as certificate attributes), keeps their credentials in the encrypted
 * wallet and their password hashes in the store, keeps the session accounts of patients and
 * guardians (no certificate, no wallet entry: they hold their own keys), and bootstraps the admin
 * and the gateway's service identity at start.
 */
@Injectable()
export class IdentitiesService implements OnApplicationBootstrap {
  readonly #logger = new Logger(IdentitiesService.name);
  /** Provisioning of identity provider users under way, by username (one at a time per user). */
  readonly #provisioning = new Map<string, Promise<UserRecord>>();

  constructor(
    @Inject(ORG_PROFILE) private readonly profile: OrgProfile,
    @Inject(GATEWAY_SECRETS) private readonly secrets: GatewaySecrets,
    @Inject(USERS_STORE) private readonly users: UsersStore,
    @Inject(IDENTITY_WALLET) private readonly wallet: IdentityWallet,
    @Inject(CERTIFICATE_AUTHORITY) private readonly ca: CertificateAuthority,
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(SESSIONS) private readonly sessions: Sessions,
    @Inject(PASSWORD_POLICY) private readonly passwords: PasswordPolicy,
    @Inject(CERTIFICATE_REVOCATION) private readonly revocation: CertificateRevocation,
  ) {}

  /** Enrolls the service identity and the bootstrap admin, retrying while the CA is out of reach. */
  async onApplicationBootstrap(): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.#bootstrap();
        return;
      } catch (error) {
        if (!(error instanceof LedgerUnavailableError) || attempt >= 8) throw error;
        this.#logger.warn(`CA unreachable at bootstrap (attempt ${attempt}); retrying`);
        await sleep(500 * 2 ** attempt);
      }
    }
  }

  async #bootstrap(): Promise<void> {
    const service = await this.wallet.get(SERVICE_IDENTITY);
    if (service === undefined || certificateAttributes(service.certificate).role !== 'admin') {
      // Enrolled anew when missing, or enrolled before it carried patients' statements and read
      // for them (an admin of the organization).
      const enrollmentId = `${SERVICE_IDENTITY}.${this.profile.mspId.toLowerCase()}`;
      await this.#enroll(SERVICE_IDENTITY, enrollmentId, SERVICE_ATTRIBUTES, { reset: true });
      this.#logger.log(`Enrolled the gateway's service identity ${enrollmentId}`);
    }
    const { admin } = this.secrets;
    try {
      this.passwords.check(admin.password, admin);
    } catch (error) {
      // The message names the rule, never the password.
      throw new Error(`GATEWAY_ADMIN_PASSWORD is refused: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const existing = this.users.find(admin.username);
    if (existing === undefined) {
      await this.#enrollUser({ ...admin, role: 'admin' }, { reuseRegistration: true });
      this.#logger.log(`Bootstrapped the admin user ${admin.username}`);
    } else if (!(await verifyPassword(admin.password, existing.passwordHash)).ok) {
      this.users.updatePassword(admin.username, await hashPassword(admin.password));
      this.#logger.log(`Updated the bootstrap admin's password from the configuration`);
    }
  }

  /**
   * Registers and enrolls a new staff member of this organization (the route admits admins only).
   * Never a patient: patients hold their own keys and are registered with POST /patients.
   */
  async create(request: IdentityRequest): Promise<IdentityView> {
    return this.#view(await this.#enrollUser(request, { reuseRegistration: false }));
  }

  /**
   * The local staff user of an identity provider's user (its issuer and subject): enrolled at the
   * organization's CA on the first sign-in like other staff (an opaque enrollment ID, the role as
   * a certificate attribute), with no password; enrolled anew with the new role when the provider
   * gives another one (the user's other sessions end). FORBIDDEN for a role the organization has
   * no users of; UNAUTHENTICATED for a user disabled here (before anything reaches the CA);
   * CONFLICT when the username belongs to an account that is not the provider's.
   */
  async provisionExternal(identity: ExternalIdentity): Promise<UserRecord> {
    const username = externalUsername(identity.issuer, identity.subject);
    const running = this.#provisioning.get(username);
    if (running !== undefined) await running.catch(() => undefined);
    const next = this.#provision(username, identity.role);
    this.#provisioning.set(username, next);
    try {
      return await next;
    } finally {
      if (this.#provisioning.get(username) === next) this.#provisioning.delete(username);
    }
  }

  async #provision(username: string, role: Role): Promise<UserRecord> {
    const existing = this.users.find(username);
    if (existing !== undefined && existing.passwordHash !== NO_PASSWORD)
      throw new ConflictError(`the username ${username} belongs to a local account`);
    if (existing?.disabledAt !== undefined)
      throw new UnauthenticatedError(
        "this account is disabled at the gateway: ask your organization's administrator",
      );
    if (existing?.role === role) return existing;
    const attributes = this.#attributes({ username, role, password: NO_PASSWORD });
    const enrollmentId = newEnrollmentId();
    const walletLabel = `user:${username}`;
    await this.#enroll(walletLabel, enrollmentId, attributes, { reset: false });
    if (existing !== undefined) {
      if (!this.users.updateEnrollment(username, { role, enrollmentId }))
        throw new NotFoundError('USER_NOT_FOUND', 'the user no longer exists');
      this.sessions.endAll(username, 'role changed at the identity provider');
      this.#logger.log(`Enrolled ${username} anew as ${role} (the identity provider's role)`);
    } else {
      this.users.insert({
        username,
        passwordHash: NO_PASSWORD,
        role,
        enrollmentId,
        walletLabel,
        createdAt: new Date().toISOString(),
      });
      this.#logger.log(`Enrolled ${username} as ${role} on a first identity provider sign-in`);
    }
    const user = this.users.find(username);
    if (user === undefined) throw new NotFoundError('USER_NOT_FOUND', 'the user no longer exists');
    return user;
  }

  /**
   * Opens a patient's or a guardian's session account (after its activation on the ledger): no
   * certificate, no wallet entry. CONFLICT when the username is taken.
   */
  async openPatientAccount(account: PatientAccount): Promise<UserRecord> {
    this.checkNewPassword(account);
    const user: UserRecord = {
      username: account.username,
      passwordHash: await hashPassword(account.password),
      role: 'patient',
      patientId: account.patientId,
      ...(account.guardianId === undefined ? {} : { guardianId: account.guardianId }),
      createdAt: new Date().toISOString(),
    };
    if (!this.users.insert(user))
      throw new ConflictError(`the username ${account.username} is taken`);
    return user;
  }

  /**
   * Checks a new account's username and password (the password policy): INVALID_ARGUMENT naming
   * the rule broken. For callers that must refuse before anything irreversible happens.
   */
  checkNewPassword(account: Readonly<{ username: string; password: string }>): void {
    checkUsername(account.username);
    this.passwords.check(account.password, account);
  }

  /**
   * Closes the other session accounts of the same patient (or guardian), and ends their sessions:
   * one device speaks.
   */
  closeOtherPatientAccounts(account: UserRecord): number {
    if (account.patientId === undefined) return 0;
    const closed = this.users.removePatientAccounts(
      {
        patientId: account.patientId,
        ...(account.guardianId === undefined ? {} : { guardianId: account.guardianId }),
      },
      account.username,
    );
    for (const username of closed) this.sessions.endAll(username, 'account closed');
    return closed.length;
  }

  /** Removes an account and ends its sessions (a session account taken over or refused). */
  closeAccount(username: string): void {
    this.users.remove(username);
    this.sessions.endAll(username, 'account closed');
  }

  /**
   * The organization's users at this gateway, with their open sessions (admins): staff, or the
   * patients' session accounts, by username prefix, at most {@link USERS_PAGE_LIMIT}.
   */
  list(query: Readonly<UserQuery> = {}): UserAccountView[] {
    const open = this.sessions.openCounts();
    const filter = {
      patients: query.accounts === 'patients',
      limit: USERS_PAGE_LIMIT,
      ...(query.search === undefined ? {} : { prefix: query.search }),
    };
    return this.users.list(filter).map((user) => ({
      username: user.username,
      role: user.role,
      createdAt: user.createdAt,
      ...(user.disabledAt === undefined ? {} : { disabledAt: user.disabledAt }),
      activeSessions: open.get(user.username) ?? 0,
    }));
  }

  /**
   * Disables a user (an admin, not for themselves): the user's sessions end at once, its tokens
   * are refused from the next request, and it cannot sign in until enabled again. A staff user's
   * Fabric certificate is then revoked at the organization's CA and the CA's CRL published to the
   * channel (docs/governance.md, "People leave"), so that no peer accepts it even without the
   * gateway; `fabric` says whether both happened (the disable holds at the gateway either way).
   */
  async disable(caller: Principal, username: string): Promise<DisabledUserView> {
    if (username === caller.username)
      throw new RuleViolationError('an admin cannot disable their own account');
    if (!this.users.setDisabled(username, new Date().toISOString())) throw unknownUser(username);
    this.sessions.endAll(username, `disabled by ${caller.username}`);
    this.#logger.log(`${caller.username} disabled the user ${username}`);
    const user = this.users.find(username);
    const credentials =
      user?.walletLabel === undefined ? undefined : await this.wallet.get(user.walletLabel);
    if (user?.walletLabel === undefined || credentials === undefined)
      return this.#accountView(username);
    this.ledger.forget(user.walletLabel);
    const fabric = await this.revocation.revoke(credentials.certificate);
    if (fabric.error === undefined)
      this.#logger.log(`revoked ${username}'s certificate and published the CRL`);
    else
      this.#logger.warn(
        `${username}'s certificate: revoked ${String(fabric.certificateRevoked)}, CRL published ${String(fabric.crlPublished)}: ${fabric.error.code} ${fabric.error.message}`,
      );
    return { ...this.#accountView(username), fabric };
  }

  /**
   * Lets a disabled user sign in again. A staff user whose certificate was revoked gets a new one
   * (same enrollment ID and attributes, a new key pair).
   */
  async enable(caller: Principal, username: string): Promise<UserAccountView> {
    const user = this.users.find(username);
    if (user === undefined) throw unknownUser(username);
    const credentials =
      user.disabledAt === undefined || user.walletLabel === undefined
        ? undefined
        : await this.wallet.get(user.walletLabel);
    if (
      credentials !== undefined &&
      user.walletLabel !== undefined &&
      user.enrollmentId !== undefined
    ) {
      const attributes = Object.fromEntries(
        Object.entries(certificateAttributes(credentials.certificate)).filter(
          ([name]) => !name.startsWith('hf.'),
        ),
      );
      await this.#enroll(user.walletLabel, user.enrollmentId, attributes, { reset: true });
    }
    if (!this.users.setDisabled(username, undefined)) throw unknownUser(username);
    this.#logger.log(`${caller.username} enabled the user ${username}`);
    return this.#accountView(username);
  }

  /** Ends every session of a user (an admin's "end all sessions"). */
  endSessions(caller: Principal, username: string): SessionsEnded {
    if (this.users.find(username) === undefined) throw unknownUser(username);
    const ended = this.sessions.endAll(username, `ended by ${caller.username}`);
    this.#logger.log(`${caller.username} ended ${ended} session(s) of ${username}`);
    return { ended };
  }

  #accountView(username: string): UserAccountView {
    const user = this.users.find(username);
    if (user === undefined) throw unknownUser(username);
    return {
      username: user.username,
      role: user.role,
      createdAt: user.createdAt,
      ...(user.disabledAt === undefined ? {} : { disabledAt: user.disabledAt }),
      activeSessions: this.sessions.openCounts().get(username) ?? 0,
    };
  }

  /** The calling user. */
  me(caller: Principal): IdentityView {
    const user = this.users.find(caller.username);
    if (user === undefined) throw new NotFoundError('USER_NOT_FOUND', 'the user no longer exists');
    return this.#view(user);
  }

  /** A user by username, or undefined. */
  find(username: string): UserRecord | undefined {
    return this.users.find(username);
  }

  /**
   * The user whose password matches, or undefined (same time spent either way). A hash of an
   * older scheme (scrypt) or weaker parameters is replaced by a current one on success.
   */
  async authenticate(username: string, password: string): Promise<UserRecord | undefined> {
    const user = this.users.find(username);
    const { ok, rehash } = await verifyPassword(
      password,
      user?.passwordHash ?? (await dummyHash()),
    );
    if (!ok || user === undefined) return undefined;
    if (rehash) this.users.updatePassword(username, await hashPassword(password));
    return user;
  }

  /** The principal a user acts as. */
  principalOf(user: UserRecord): Principal {
    return {
      username: user.username,
      role: user.role,
      mspId: this.profile.mspId,
      orgType: this.profile.type,
      ...(user.patientId === undefined ? {} : { patientId: user.patientId }),
      ...(user.guardianId === undefined ? {} : { guardianId: user.guardianId }),
      ...(user.practitionerId === undefined ? {} : { practitionerId: user.practitionerId }),
      ...(user.walletLabel === undefined ? {} : { walletLabel: user.walletLabel }),
    };
  }

  async #enrollUser(
    request: IdentityRequest,
    options: Readonly<{ reuseRegistration: boolean }>,
  ): Promise<UserRecord> {
    checkUsername(request.username);
    const attributes = this.#attributes(request);
    this.passwords.check(request.password, request);
    if (this.users.find(request.username) !== undefined)
      throw new ConflictError(`the username ${request.username} is taken`);
    if (attributes.institution !== undefined) await this.#checkInstitution(attributes.institution);
    const enrollmentId = newEnrollmentId();
    const walletLabel = `user:${request.username}`;
    await this.#enroll(walletLabel, enrollmentId, attributes, {
      reset: options.reuseRegistration,
    });
    const user: UserRecord = {
      username: request.username,
      passwordHash: await hashPassword(request.password),
      role: request.role,
      ...(attributes.practitionerId === undefined
        ? {}
        : { practitionerId: attributes.practitionerId }),
      ...(attributes.institution === undefined ? {} : { institution: attributes.institution }),
      enrollmentId,
      walletLabel,
      createdAt: new Date().toISOString(),
    };
    if (!this.users.insert(user)) {
      throw new ConflictError(`the username ${request.username} is taken`);
    }
    return user;
  }

  /**
   * Registers (or with `reset`, registers or resets) an identity at the organization's CA with a
   * fresh secret, enrolls it, keeps its credentials in the wallet under `walletLabel` and drops
   * the ledger connection cached for that label.
   */
  async #enroll(
    walletLabel: string,
    enrollmentId: string,
    attributes: Registration['attributes'],
    options: Readonly<{ reset: boolean }>,
  ): Promise<void> {
    const secret = randomBytes(18).toString('base64url');
    const registration = { enrollmentId, secret, attributes };
    if (options.reset) await this.ca.registerOrReset(registration);
    else await this.ca.register(registration);
    await this.wallet.put(walletLabel, await this.ca.enroll(enrollmentId, secret));
    this.ledger.forget(walletLabel);
  }

  /**
   * Refuses (INVALID_ARGUMENT) an institution that this organization's registry entry does not
   * list: the ledger would refuse every call of such a certificate anyway.
   */
  async #checkInstitution(institution: string): Promise<void> {
    const organization = await this.ledger
      .as(SERVICE_IDENTITY)
      .evaluate('registry:GetOrganization', this.profile.mspId);
    if (!(organization.institutions ?? []).some((entry) => entry.institutionId === institution))
      throw new InvalidArgumentError(
        `institution ${institution} is not registered in organization ${this.profile.mspId}`,
      );
  }

  /** The certificate attributes of a new staff member; validates role and IDs. */
  #attributes(
    request: IdentityRequest,
  ): Record<string, string> & { practitionerId?: string; institution?: string } {
    if (request.role === 'patient')
      throw new ForbiddenError(
        'patients hold their own keys and have no certificate: register a patient with POST /patients',
      );
    if (!roleAllowed(this.profile.type, request.role))
      throw new ForbiddenError(`a ${this.profile.type} organization has no ${request.role} users`);
    if (request.practitionerId !== undefined && request.role !== 'clinician')
      throw new InvalidArgumentError('practitionerId is only for clinicians');
    if (
      request.practitionerId !== undefined &&
      !PRACTITIONER_ID_PATTERN.test(request.practitionerId)
    )
      throw new InvalidArgumentError('practitionerId must be prac- and 8 to 32 of [a-z0-9]');
    const attributes: Record<string, string> = { role: request.role };
    if (request.practitionerId !== undefined) attributes.practitionerId = request.practitionerId;
    if (request.institution !== undefined) {
      if (!INSTITUTION_ID_PATTERN.test(request.institution))
        throw new InvalidArgumentError('institution must be inst- and 4 to 32 of [a-z0-9]');
      attributes.institution = request.institution;
    }
    return attributes;
  }

  #view(user: UserRecord): IdentityView {
    return {
      username: user.username,
      role: user.role,
      mspId: this.profile.mspId,
      orgType: this.profile.type,
      ...(user.patientId === undefined ? {} : { patientId: user.patientId }),
      ...(user.guardianId === undefined ? {} : { guardianId: user.guardianId }),
      ...(user.practitionerId === undefined ? {} : { practitionerId: user.practitionerId }),
      ...(user.institution === undefined ? {} : { institution: user.institution }),
      ...(user.enrollmentId === undefined ? {} : { enrollmentId: user.enrollmentId }),
      createdAt: user.createdAt,
    };
  }
}

function unknownUser(username: string): NotFoundError {
  return new NotFoundError('USER_NOT_FOUND', `there is no user ${username}`);
}

/** A local account's username: the pattern, and not the identity provider users' prefix. */
function checkUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username))
    throw new InvalidArgumentError(
      'username must be 3-64 of [a-z0-9._-], starting with a letter or digit',
    );
  if (username.startsWith(EXTERNAL_PREFIX))
    throw new InvalidArgumentError(
      `usernames starting with ${EXTERNAL_PREFIX} are reserved for identity provider users`,
    );
}

let dummy: Promise<string> | undefined;
/** A hash of no one's password, so unknown usernames cost the same time as wrong passwords. */
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}

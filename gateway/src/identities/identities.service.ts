import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  PATIENT_ID_PATTERN,
  PRACTITIONER_ID_PATTERN,
  roleAllowed,
  type IdentityView,
  type NewIdentity,
} from '@consent-ledger/ledger-api';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import {
  ConflictError,
  ForbiddenError,
  InvalidArgumentError,
  LedgerUnavailableError,
  NotFoundError,
} from '../common/errors.js';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { GATEWAY_SECRETS, type GatewaySecrets } from '../config/secrets.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';
import { IDENTITY_WALLET, type IdentityWallet } from '../ledger/wallet.js';
import { CERTIFICATE_AUTHORITY, type CertificateAuthority } from './certificate-authority.js';
import { hashPassword, verifyPassword } from './password.js';
import { newPatientId } from './pseudonym.js';
import { USERS_STORE, type UserRecord, type UsersStore } from './users.store.js';

/** Wallet label of the gateway's own service identity (chaincode events, readiness). */
export const SERVICE_IDENTITY = 'gateway-service';

const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/**
 * Registers and enrolls the organization's users with its CA (role and pseudonyms as certificate
 * attributes), keeps their credentials in the encrypted wallet and their password hashes in the
 * store, and bootstraps the admin and the gateway's service identity at start.
 */
@Injectable()
export class IdentitiesService implements OnApplicationBootstrap {
  readonly #logger = new Logger(IdentitiesService.name);

  constructor(
    @Inject(ORG_PROFILE) private readonly profile: OrgProfile,
    @Inject(GATEWAY_SECRETS) private readonly secrets: GatewaySecrets,
    @Inject(USERS_STORE) private readonly users: UsersStore,
    @Inject(IDENTITY_WALLET) private readonly wallet: IdentityWallet,
    @Inject(CERTIFICATE_AUTHORITY) private readonly ca: CertificateAuthority,
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
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
    if ((await this.wallet.get(SERVICE_IDENTITY)) === undefined) {
      const secret = randomBytes(18).toString('base64url');
      const enrollmentId = `${SERVICE_IDENTITY}.${this.profile.mspId.toLowerCase()}`;
      await this.ca.registerOrReset({ enrollmentId, secret, attributes: {} });
      await this.wallet.put(SERVICE_IDENTITY, await this.ca.enroll(enrollmentId, secret));
      this.#logger.log(`Enrolled the gateway's service identity ${enrollmentId}`);
    }
    const { admin } = this.secrets;
    const existing = this.users.find(admin.username);
    if (existing === undefined) {
      await this.#enrollUser({ ...admin, role: 'admin' }, { reuseRegistration: true });
      this.#logger.log(`Bootstrapped the admin user ${admin.username}`);
    } else if (!(await verifyPassword(admin.password, existing.passwordHash))) {
      this.users.updatePassword(admin.username, await hashPassword(admin.password));
      this.#logger.log(`Updated the bootstrap admin's password from the configuration`);
    }
  }

  /** Registers and enrolls a new user of this organization (the route admits admins only). */
  async create(request: NewIdentity): Promise<IdentityView> {
    return this.#view(await this.#enrollUser(request, { reuseRegistration: false }));
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

  /** The user whose password matches, or undefined (same time spent either way). */
  async authenticate(username: string, password: string): Promise<UserRecord | undefined> {
    const user = this.users.find(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    return ok && user !== undefined ? user : undefined;
  }

  /** The principal a user acts as. */
  principalOf(user: UserRecord): Principal {
    return {
      username: user.username,
      role: user.role,
      mspId: this.profile.mspId,
      orgType: this.profile.type,
      ...(user.patientId === undefined ? {} : { patientId: user.patientId }),
      ...(user.practitionerId === undefined ? {} : { practitionerId: user.practitionerId }),
      walletLabel: user.walletLabel,
    };
  }

  async #enrollUser(
    request: NewIdentity,
    options: Readonly<{ reuseRegistration: boolean }>,
  ): Promise<UserRecord> {
    const attributes = this.#attributes(request);
    if (this.users.find(request.username) !== undefined)
      throw new ConflictError(`the username ${request.username} is taken`);
    const enrollmentId = `user.${request.username}`;
    const walletLabel = `user:${request.username}`;
    const secret = randomBytes(18).toString('base64url');
    const registration = { enrollmentId, secret, attributes };
    if (options.reuseRegistration) await this.ca.registerOrReset(registration);
    else await this.ca.register(registration);
    const credentials = await this.ca.enroll(enrollmentId, secret);
    const user: UserRecord = {
      username: request.username,
      passwordHash: await hashPassword(request.password),
      role: request.role,
      ...(attributes.patientId === undefined ? {} : { patientId: attributes.patientId }),
      ...(attributes.practitionerId === undefined
        ? {}
        : { practitionerId: attributes.practitionerId }),
      enrollmentId,
      walletLabel,
      createdAt: new Date().toISOString(),
    };
    await this.wallet.put(walletLabel, credentials);
    this.ledger.forget(walletLabel);
    if (!this.users.insert(user)) {
      throw new ConflictError(`the username ${request.username} is taken`);
    }
    return user;
  }

  /** The certificate attributes of a new user; validates role, pseudonyms and username. */
  #attributes(
    request: NewIdentity,
  ): Record<string, string> & { patientId?: string; practitionerId?: string } {
    if (!USERNAME_PATTERN.test(request.username))
      throw new InvalidArgumentError(
        'username must be 3-64 of [a-z0-9._-], starting with a letter or digit',
      );
    if (!roleAllowed(this.profile.type, request.role))
      throw new ForbiddenError(`a ${this.profile.type} organization has no ${request.role} users`);
    if (request.patientId !== undefined && request.role !== 'patient')
      throw new InvalidArgumentError('patientId is only for patients');
    if (request.practitionerId !== undefined && request.role !== 'clinician')
      throw new InvalidArgumentError('practitionerId is only for clinicians');
    if (request.patientId !== undefined && !PATIENT_ID_PATTERN.test(request.patientId))
      throw new InvalidArgumentError('patientId must be pid- and 16 to 32 of [a-z2-7]');
    if (
      request.practitionerId !== undefined &&
      !PRACTITIONER_ID_PATTERN.test(request.practitionerId)
    )
      throw new InvalidArgumentError('practitionerId must be prac- and 8 to 32 of [a-z0-9]');
    const attributes: Record<string, string> = { role: request.role };
    if (request.role === 'patient') attributes.patientId = request.patientId ?? newPatientId();
    if (request.practitionerId !== undefined) attributes.practitionerId = request.practitionerId;
    return attributes;
  }

  #view(user: UserRecord): IdentityView {
    return {
      username: user.username,
      role: user.role,
      mspId: this.profile.mspId,
      orgType: this.profile.type,
      ...(user.patientId === undefined ? {} : { patientId: user.patientId }),
      ...(user.practitionerId === undefined ? {} : { practitionerId: user.practitionerId }),
      enrollmentId: user.enrollmentId,
      createdAt: user.createdAt,
    };
  }
}

let dummy: Promise<string> | undefined;
/** A hash of no one's password, so unknown usernames cost the same time as wrong passwords. */
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}

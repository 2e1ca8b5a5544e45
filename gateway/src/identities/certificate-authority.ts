import FabricCAServices from 'fabric-ca-client';
import { User } from 'fabric-common';
import { X509 } from 'jsrsasign';
import { ConflictError, LedgerUnavailableError } from '../common/errors.js';
import type { OrgProfile } from '../config/connection-profile.js';
import type { IdentityWallet, LedgerCredentials } from '../ledger/wallet.js';

/** What to register: an enrollment ID, its secret and its certificate attributes (ecert). */
export interface Registration {
  readonly enrollmentId: string;
  readonly secret: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** The organization's Fabric CA, driven with its registrar's credentials. */
export interface CertificateAuthority {
  /** Registers a new client identity; ConflictError when the enrollment ID is taken. */
  register(registration: Registration): Promise<void>;
  /** Registers, or when already registered resets the secret and attributes of, an identity. */
  registerOrReset(registration: Registration): Promise<void>;
  /** Enrolls an identity: a new key pair and certificate (with its ecert attributes). */
  enroll(enrollmentId: string, secret: string): Promise<LedgerCredentials>;
  /**
   * Revokes one certificate (by its serial number and authority key identifier), not the identity:
   * the identity may be enrolled again later (an enabled user gets a new certificate).
   */
  revokeCertificate(certificatePem: string, reason: string): Promise<void>;
  /** The CA's certificate revocation list, PEM. */
  generateCrl(): Promise<string>;
}

/**
 * The serial number (lower-case hex, no leading zeros) and authority key identifier (lower-case hex)
 * of a PEM certificate, as the CA's revoke request takes them.
 */
export function certificateSerialAndAki(certificatePem: string): { serial: string; aki: string } {
  const certificate = new X509(certificatePem);
  // Undefined without the extension (or without its key identifier), whatever the typings say.
  const extension = certificate.getExtAuthorityKeyIdentifier() as
    Readonly<{ kid?: Readonly<{ hex?: string }> }> | undefined;
  const aki = extension?.kid?.hex;
  if (aki === undefined) throw new Error('the certificate has no authority key identifier');
  return {
    serial: certificate
      .getSerialNumberHex()
      .toLowerCase()
      .replace(/^0+(?=.)/, ''),
    aki: aki.toLowerCase(),
  };
}

/** Injection token of the {@link CertificateAuthority}. */
export const CERTIFICATE_AUTHORITY = Symbol('CERTIFICATE_AUTHORITY');

const REGISTRAR_LABEL = 'ca-registrar';

function unreachable(error: unknown): boolean {
  const text =
    error instanceof Error
      ? `${error.message} ${String((error as { code?: unknown }).code)}`
      : String(error);
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|socket hang up|Calling .* endpoint failed/i.test(
    text,
  );
}

function caError(action: string, error: unknown): Error {
  if (unreachable(error))
    return new LedgerUnavailableError(`the certificate authority is unreachable (${action})`, {
      cause: error,
    });
  return error instanceof Error ? error : new Error(String(error));
}

class FabricCertificateAuthority implements CertificateAuthority {
  readonly #profile: OrgProfile;
  readonly #wallet: IdentityWallet;
  readonly #ca: FabricCAServices;
  #registrar: Promise<User> | undefined;

  constructor(profile: OrgProfile, wallet: IdentityWallet) {
    this.#profile = profile;
    this.#wallet = wallet;
    this.#ca = new FabricCAServices(
      profile.ca.url,
      { trustedRoots: [...profile.ca.tlsCaPems], verify: profile.ca.verify },
      profile.ca.caName,
    );
  }

  async register(registration: Registration, retried = false): Promise<void> {
    const registrar = await this.#registrarUser();
    try {
      await this.#ca.register(
        {
          enrollmentID: registration.enrollmentId,
          enrollmentSecret: registration.secret,
          role: 'client',
          affiliation: '',
          maxEnrollments: -1,
          attrs: Object.entries(registration.attributes).map(([name, value]) => ({
            name,
            value,
            ecert: true,
          })),
        },
        registrar,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!retried && /authentication failure|authorization failure/i.test(message)) {
        // The cached registrar enrollment is stale (a reset CA): enroll the registrar again.
        this.#registrar = undefined;
        await this.#wallet.remove(REGISTRAR_LABEL);
        await this.register(registration, true);
        return;
      }
      if (/already registered/i.test(message))
        throw new ConflictError(
          `${registration.enrollmentId} is already registered with the organization's CA`,
          { cause: error },
        );
      throw caError('register', error);
    }
  }

  async registerOrReset(registration: Registration): Promise<void> {
    try {
      await this.register(registration);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const registrar = await this.#registrarUser();
      try {
        await this.#ca.newIdentityService().update(
          registration.enrollmentId,
          {
            enrollmentID: registration.enrollmentId,
            enrollmentSecret: registration.secret,
            affiliation: '',
            maxEnrollments: -1,
            attrs: Object.entries(registration.attributes).map(([name, value]) => ({
              name,
              value,
              ecert: true,
            })),
          },
          registrar,
        );
      } catch (updateError) {
        throw caError('update', updateError);
      }
    }
  }

  async enroll(enrollmentId: string, secret: string): Promise<LedgerCredentials> {
    try {
      const enrollment = await this.#ca.enroll({
        enrollmentID: enrollmentId,
        enrollmentSecret: secret,
      });
      return {
        mspId: this.#profile.mspId,
        certificate: enrollment.certificate,
        privateKey: enrollment.key.toBytes(),
      };
    } catch (error) {
      throw caError('enroll', error);
    }
  }

  async revokeCertificate(certificatePem: string, reason: string): Promise<void> {
    const { serial, aki } = certificateSerialAndAki(certificatePem);
    const registrar = await this.#registrarUser();
    try {
      await this.#ca.revoke({ enrollmentID: '', serial, aki, reason }, registrar);
    } catch (error) {
      throw caError('revoke', error);
    }
  }

  async generateCrl(): Promise<string> {
    const registrar = await this.#registrarUser();
    let crl: string;
    try {
      crl = String(await this.#ca.generateCRL({}, registrar));
    } catch (error) {
      throw caError('gencrl', error);
    }
    // The CA answers the PEM base64-encoded.
    return crl.startsWith('-----BEGIN') ? crl : Buffer.from(crl, 'base64').toString('utf8');
  }

  #registrarUser(): Promise<User> {
    this.#registrar ??= this.#loadRegistrar().catch((error: unknown) => {
      this.#registrar = undefined;
      throw error;
    });
    return this.#registrar;
  }

  async #loadRegistrar(): Promise<User> {
    const { enrollmentId, enrollmentSecret } = this.#profile.registrar;
    let credentials = await this.#wallet.get(REGISTRAR_LABEL);
    if (credentials === undefined) {
      credentials = await this.enroll(enrollmentId, enrollmentSecret);
      await this.#wallet.put(REGISTRAR_LABEL, credentials);
    }
    return User.createUser(
      enrollmentId,
      '',
      credentials.mspId,
      credentials.certificate,
      credentials.privateKey,
    );
  }
}

/** The organization's CA, from its connection profile; the registrar's enrollment is kept in the wallet. */
export function createCertificateAuthority(
  profile: OrgProfile,
  wallet: IdentityWallet,
): CertificateAuthority {
  return new FabricCertificateAuthority(profile, wallet);
}

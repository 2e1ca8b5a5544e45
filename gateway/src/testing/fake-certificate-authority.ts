import { generateKeyPairSync } from 'node:crypto';
import { ConflictError } from '../common/errors.js';
import type { CertificateAuthority, Registration } from '../identities/certificate-authority.js';
import type { LedgerCredentials } from '../ledger/wallet.js';

/** A CA for tests: keeps registrations, enrolls with a real EC key and a placeholder certificate. */
export class FakeCertificateAuthority implements CertificateAuthority {
  readonly registrations = new Map<string, Registration>();
  readonly enrollments: string[] = [];
  /** Certificates revoked, in order. */
  readonly revoked: string[] = [];

  constructor(private readonly mspId = 'TertiaryHospitalMSP') {}

  register(registration: Registration): Promise<void> {
    if (this.registrations.has(registration.enrollmentId))
      return Promise.reject(
        new ConflictError(`${registration.enrollmentId} is already registered`),
      );
    this.registrations.set(registration.enrollmentId, registration);
    return Promise.resolve();
  }

  registerOrReset(registration: Registration): Promise<void> {
    this.registrations.set(registration.enrollmentId, registration);
    return Promise.resolve();
  }

  enroll(enrollmentId: string, secret: string): Promise<LedgerCredentials> {
    const registration = this.registrations.get(enrollmentId);
    if (registration?.secret !== secret) return Promise.reject(new Error('Authentication failure'));
    this.enrollments.push(enrollmentId);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return Promise.resolve({
      mspId: this.mspId,
      certificate: `-----BEGIN CERTIFICATE-----\n${Buffer.from(JSON.stringify({ enrollmentId, attrs: registration.attributes })).toString('base64')}\n-----END CERTIFICATE-----\n`,
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
  }

  revokeCertificate(certificatePem: string): Promise<void> {
    this.revoked.push(certificatePem);
    return Promise.resolve();
  }

  generateCrl(): Promise<string> {
    return Promise.resolve(
      `-----BEGIN X509 CRL-----\n${Buffer.from(String(this.revoked.length)).toString('base64')}\n-----END X509 CRL-----\n`,
    );
  }
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LedgerUnavailableError } from '../common/errors.js';
import type { OrgProfile } from '../config/connection-profile.js';
import { loadConfig } from '../config/gateway.config.js';
import { FakeCertificateAuthority } from '../testing/fake-certificate-authority.js';
import { certificateSerialAndAki } from './certificate-authority.js';
import { createCertificateRevocation } from './certificate-revocation.js';

const config = loadConfig({
  GATEWAY_ORG: 'tertiary',
  GATEWAY_PORT: '0',
  CONNECTION_PROFILE: '/x.json',
  GATEWAY_DATA_DIR: '/d',
});
const profile = { mspId: 'TertiaryHospitalMSP', channel: 'health' } as OrgProfile;

describe('certificate revocation at the gateway', () => {
  it('revokes at the CA and says the CRL is not published without a Fabric admin', async () => {
    const ca = new FakeCertificateAuthority();
    const revocation = createCertificateRevocation({ profile, ca, config });
    await expect(revocation.revoke('CERT-PEM')).resolves.toEqual({
      certificateRevoked: true,
      crlPublished: false,
      error: {
        code: 'CRL_PUBLISHING_OFF',
        message: expect.stringContaining('GATEWAY_FABRIC_ADMIN_MSP') as unknown,
      },
    });
    expect(ca.revoked).toEqual(['CERT-PEM']);
  });

  it('reports an unreachable CA with its code instead of throwing', async () => {
    const ca = new FakeCertificateAuthority();
    ca.revokeCertificate = () =>
      Promise.reject(new LedgerUnavailableError('the certificate authority is unreachable'));
    const revocation = createCertificateRevocation({ profile, ca, config });
    await expect(revocation.revoke('CERT-PEM')).resolves.toEqual({
      certificateRevoked: false,
      crlPublished: false,
      error: { code: 'LEDGER_UNAVAILABLE', message: 'the certificate authority is unreachable' },
    });
  });
});

describe('certificateSerialAndAki', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'serial-aki-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const openssl = (...args: string[]): string =>
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' }).toString();

  it('reads the serial (no leading zeros) and the authority key identifier as the CA takes them', () => {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=ca',
    );
    openssl('req', ...ec, '-keyout', 'user.key', '-out', 'user.csr', '-subj', '/CN=user');
    // As a Fabric CA issues it: with the authority key identifier extension.
    writeFileSync(path.join(dir, 'ext.cnf'), 'authorityKeyIdentifier=keyid\n');
    openssl(
      'x509',
      '-req',
      '-in',
      'user.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      '0x00ab12',
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
      '-out',
      'user.pem',
    );
    const expectedAki = openssl(
      'x509',
      '-in',
      'user.pem',
      '-noout',
      '-ext',
      'authorityKeyIdentifier',
    )
      .split('\n')[1]
      ?.trim()
      .replace(/:/g, '')
      .toLowerCase();
    expect(certificateSerialAndAki(readFileSync(path.join(dir, 'user.pem'), 'utf8'))).toEqual({
      serial: 'ab12',
      aki: expectedAki,
    });
    expect(() => certificateSerialAndAki('not a certificate')).toThrow();
  });
});

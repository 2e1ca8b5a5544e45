import { GUARDIAN_ID_PATTERN, PATIENT_ID_PATTERN } from '@consent-ledger/ledger-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { IDENTITY_WALLET, type IdentityWallet } from '../ledger/wallet.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { principal } from '../testing/principals.js';
import { throughRoute } from '../testing/route-guard.js';
import { base32, newGuardianId, newPatientId } from '../patients/pseudonym.js';
import { certificateAttributes } from './certificate-attributes.js';
import { IdentitiesController } from './identities.controller.js';
import { IdentitiesService, SERVICE_IDENTITY, type IdentityRequest } from './identities.service.js';
import { hashPassword, verifyPassword } from './password.js';

describe('passwords and pseudonyms', () => {
  it('hashes with scrypt and verifies in constant time', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('wrong horse', hash)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('makes patient pseudonyms of pid- and 16 base32 characters', () => {
    expect(base32(Buffer.from('foobar'))).toBe('mzxw6ytboi');
    const ids = new Set(Array.from({ length: 200 }, newPatientId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^pid-[a-z2-7]{16}$/);
    for (const id of ids) expect(id).toMatch(PATIENT_ID_PATTERN);
    expect(newGuardianId()).toMatch(GUARDIAN_ID_PATTERN);
  });
});

describe('IdentitiesService', () => {
  let t: TestApp;
  let identities: IdentitiesService;
  let wallet: IdentityWallet;
  const admin = principal('admin', { username: 'admin' });
  /** POST /identities as `caller`: the route's role rule, then the service. */
  const create = (caller: Principal, request: IdentityRequest) =>
    throughRoute({ handler: IdentitiesController.prototype.create, caller }, () =>
      identities.create(request),
    );

  beforeAll(async () => {
    t = await createTestApp();
    identities = t.app.get(IdentitiesService);
    wallet = t.app.get(IDENTITY_WALLET);
  });
  afterAll(async () => {
    await t.close();
  });

  it('bootstraps the service identity (an admin of the organization) and the admin at start', async () => {
    const credentials = await wallet.get(SERVICE_IDENTITY);
    expect(credentials).toBeDefined();
    expect(certificateAttributes(credentials?.certificate ?? '')).toEqual({ role: 'admin' });
    const bootstrapped = identities.find('admin');
    expect(bootstrapped?.enrollmentId).toMatch(/^u-[0-9a-f]{16}$/);
    expect(t.ca.registrations.get(bootstrapped?.enrollmentId ?? '')?.attributes).toEqual({
      role: 'admin',
    });
    expect(await identities.authenticate('admin', 'adminpw')).toMatchObject({ role: 'admin' });
  });

  it('enrolls the service identity anew when its certificate is not an admin one', async () => {
    const stale = await wallet.get(SERVICE_IDENTITY);
    if (stale === undefined) throw new Error('no service identity');
    const pem = (json: object) =>
      `-----BEGIN CERTIFICATE-----\n${Buffer.from(JSON.stringify(json)).toString('base64')}\n-----END CERTIFICATE-----\n`;
    await wallet.put(SERVICE_IDENTITY, { ...stale, certificate: pem({ attrs: {} }) });
    await identities.onApplicationBootstrap();
    const renewed = await wallet.get(SERVICE_IDENTITY);
    expect(certificateAttributes(renewed?.certificate ?? '')).toEqual({ role: 'admin' });
    expect(t.ledger.forgotten).toContain(SERVICE_IDENTITY);
    // Read as a Fabric CA writes them: the JSON among the certificate's DER bytes.
    const der = Buffer.concat([
      Buffer.from([0x30, 0x82, 0x01, 0x06, 0x2a, 0x03, 0x04]),
      Buffer.from('{"attrs":{"hf.EnrollmentID":"u-0123456789abcdef","role":"clinician"}}'),
      Buffer.from([0x30, 0x0a]),
    ]);
    expect(
      certificateAttributes(
        `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----`,
      ),
    ).toEqual({ 'hf.EnrollmentID': 'u-0123456789abcdef', role: 'clinician' });
    expect(certificateAttributes(pem({ subject: 'no attributes' }))).toEqual({});
  });

  it('enrolls staff under an opaque enrollment ID: no user name reaches a certificate', async () => {
    const view = await create(admin, {
      username: 'carol',
      password: 'password123',
      role: 'clinician',
      practitionerId: 'prac-carol001',
    });
    expect(view.enrollmentId).toMatch(/^u-[0-9a-f]{16}$/);
    expect(view.enrollmentId).not.toContain('carol');
    const registration = t.ca.registrations.get(view.enrollmentId ?? '');
    expect(registration?.attributes).toEqual({
      role: 'clinician',
      practitionerId: 'prac-carol001',
    });
    expect(t.ca.enrollments).toContain(view.enrollmentId);
    expect(await wallet.get('user:carol')).toMatchObject({ mspId: 'TertiaryHospitalMSP' });
    expect(t.ledger.forgotten).toContain('user:carol');
    const analyst = await create(admin, {
      username: 'dave',
      password: 'password123',
      role: 'analyst',
    });
    expect(analyst.enrollmentId).not.toBe(view.enrollmentId);
  });

  it('refuses to create a patient (patients hold their own keys): no CA enrollment, no wallet entry', async () => {
    const registrations = t.ca.registrations.size;
    await expect(
      create(admin, { username: 'alice', password: 'password123', role: 'patient' }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message:
        'patients hold their own keys and have no certificate: register a patient with POST /patients',
    });
    expect(t.ca.registrations.size).toBe(registrations);
    expect(await wallet.get('user:alice')).toBeUndefined();
    expect(identities.find('alice')).toBeUndefined();
  });

  it("opens a patient's session account with no certificate and no wallet entry", async () => {
    const registrations = t.ca.registrations.size;
    const account = await identities.openPatientAccount({
      username: 'pat.one',
      password: 'password123',
      patientId: 'pid-abcdefghijklmnop',
    });
    expect(account).toMatchObject({ role: 'patient', patientId: 'pid-abcdefghijklmnop' });
    expect(account.enrollmentId).toBeUndefined();
    expect(account.walletLabel).toBeUndefined();
    expect(t.ca.registrations.size).toBe(registrations);
    expect(await wallet.list()).not.toContain('user:pat.one');
    expect(identities.principalOf(account)).not.toHaveProperty('walletLabel');
    const view = identities.me(identities.principalOf(account));
    expect(view).not.toHaveProperty('enrollmentId');
    // A second device's activation closes the first one's account.
    const second = await identities.openPatientAccount({
      username: 'pat.two',
      password: 'password123',
      patientId: 'pid-abcdefghijklmnop',
    });
    const guardian = await identities.openPatientAccount({
      username: 'guardian.one',
      password: 'password123',
      patientId: 'pid-abcdefghijklmnop',
      guardianId: 'rp-aaaaaaaaaaaaaaaa',
    });
    expect(identities.closeOtherPatientAccounts(second)).toBe(1);
    expect(identities.find('pat.one')).toBeUndefined();
    expect(identities.find('guardian.one')).toMatchObject({ guardianId: 'rp-aaaaaaaaaaaaaaaa' });
    expect(identities.me(identities.principalOf(guardian))).toMatchObject({
      role: 'patient',
      patientId: 'pid-abcdefghijklmnop',
      guardianId: 'rp-aaaaaaaaaaaaaaaa',
    });
    await expect(
      identities.openPatientAccount({
        username: 'pat.two',
        password: 'password123',
        patientId: 'pid-abcdefghijklmnop',
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses roles the organization type does not have, misplaced attributes, duplicates and non-admins', async () => {
    await expect(
      create(admin, { username: 'reg', password: 'password123', role: 'regulator' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      create(admin, { username: 'res', password: 'password123', role: 'researcher' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      create(admin, {
        username: 'doc2',
        password: 'password123',
        role: 'analyst',
        practitionerId: 'prac-12345678',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      create(admin, { username: 'carol', password: 'password123', role: 'analyst' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      create(principal('analyst'), {
        username: 'eve',
        password: 'password123',
        role: 'analyst',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect([...t.ca.registrations.values()].map((each) => each.attributes.role)).not.toContain(
      'regulator',
    );
  });
});

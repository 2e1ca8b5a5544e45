import { randomBytes, scryptSync } from 'node:crypto';
import { statSync } from 'node:fs';
import { GUARDIAN_ID_PATTERN, PATIENT_ID_PATTERN } from '@consent-ledger/ledger-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { adminPasswordFile } from '../config/secrets.js';
import { IDENTITY_WALLET, type IdentityWallet } from '../ledger/wallet.js';
import { TEST_PASSWORD, createTestApp, type TestApp } from '../testing/test-app.js';
import { principal } from '../testing/principals.js';
import { throughRoute } from '../testing/route-guard.js';
import { base32, newGuardianId, newPatientId } from '../patients/pseudonym.js';
import { certificateAttributes } from './certificate-attributes.js';
import { IdentitiesController } from './identities.controller.js';
import { IdentitiesService, SERVICE_IDENTITY, type IdentityRequest } from './identities.service.js';
import { USERS_STORE, type UsersStore } from './users.store.js';

describe('pseudonyms', () => {
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
    expect(await identities.authenticate('admin', t.admin.password)).toMatchObject({
      role: 'admin',
    });
    // No default password: the generated one is random, and adminpw is refused.
    expect(t.admin.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(statSync(adminPasswordFile(t.dataDir)).mode & 0o777).toBe(0o600);
    expect(await identities.authenticate('admin', 'adminpw')).toBeUndefined();
  });

  it('refuses to boot with a bootstrap admin password the policy refuses, naming the rule', async () => {
    await expect(createTestApp({ env: { GATEWAY_ADMIN_PASSWORD: 'adminpw' } })).rejects.toThrow(
      'GATEWAY_ADMIN_PASSWORD is refused: the password must be at least 15 characters long',
    );
    await expect(
      createTestApp({ env: { GATEWAY_ADMIN_PASSWORD: 'admin-admin-admin-1' } }),
    ).rejects.toThrow(
      /GATEWAY_ADMIN_PASSWORD is refused: the password must not contain the username/,
    );
  });

  it('applies the password policy to staff and session accounts before anything is created', async () => {
    const registrations = t.ca.registrations.size;
    for (const [password, message] of [
      ['password', /at least 15 characters/],
      ['12345678', /at least 15 characters/],
      [' '.repeat(8), /at least 15 characters/],
      ['password1234567', /common or breached/],
      ['frank-frank-frank', /username/],
      ['consent-ledger-2026', /service's, the organization's or the user's name/],
    ] as const) {
      await expect(
        create(admin, { username: 'frank', password, role: 'analyst' }),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', name: 'WeakPasswordError', message });
      await expect(
        identities.openPatientAccount({
          username: 'frank',
          password,
          patientId: 'pid-abcdefghijklmnop',
        }),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message });
    }
    expect(t.ca.registrations.size).toBe(registrations);
    expect(identities.find('frank')).toBeUndefined();
    const response = await t
      .http()
      .post('/identities')
      .set('authorization', `Bearer ${await t.loginAdmin()}`)
      .send({ username: 'frank', password: 'frank-violet-harbor', role: 'analyst' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      statusCode: 400,
      code: 'INVALID_ARGUMENT',
      message: 'the password must not contain the username',
    });
    expect(response.text).not.toContain('frank-violet-harbor');
  });

  it('rehashes a scrypt hash of before to argon2id on the next successful login', async () => {
    const users = t.app.get<UsersStore>(USERS_STORE);
    await identities.openPatientAccount({
      username: 'old.timer',
      password: TEST_PASSWORD,
      patientId: 'pid-oldtimeroldtimer',
    });
    const salt = randomBytes(16);
    const key = scryptSync(TEST_PASSWORD, salt, 64, { N: 16_384, r: 8, p: 1 });
    const old = ['scrypt', 16_384, 8, 1, salt.toString('base64url'), key.toString('base64url')];
    users.updatePassword('old.timer', old.join('$'));
    expect(await identities.authenticate('old.timer', 'not-the-password')).toBeUndefined();
    expect(users.find('old.timer')?.passwordHash).toMatch(/^scrypt\$/);
    expect(await identities.authenticate('old.timer', TEST_PASSWORD)).toMatchObject({
      username: 'old.timer',
    });
    expect(users.find('old.timer')?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await identities.authenticate('old.timer', TEST_PASSWORD)).toBeDefined();
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
      password: TEST_PASSWORD,
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
      password: TEST_PASSWORD,
      role: 'analyst',
    });
    expect(analyst.enrollmentId).not.toBe(view.enrollmentId);
  });

  it('refuses to create a patient (patients hold their own keys): no CA enrollment, no wallet entry', async () => {
    const registrations = t.ca.registrations.size;
    await expect(
      create(admin, { username: 'alice', password: TEST_PASSWORD, role: 'patient' }),
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
      password: TEST_PASSWORD,
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
      password: TEST_PASSWORD,
      patientId: 'pid-abcdefghijklmnop',
    });
    const guardian = await identities.openPatientAccount({
      username: 'guardian.one',
      password: TEST_PASSWORD,
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
        password: TEST_PASSWORD,
        patientId: 'pid-abcdefghijklmnop',
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('writes a registered member institution into the certificate, refusing one its organization does not list', async () => {
    t.ledger.on('registry:GetOrganization', () => ({
      mspId: 'TertiaryHospitalMSP',
      type: 'hospital',
      tier: 'tertiary',
      region: { province: '330000' },
      institutions: [
        { institutionId: 'inst-east0001', type: 'hospital', region: { province: '330000' } },
      ],
      registeredAt: '2026-11-22T00:00:00.000Z',
      updatedAt: '2026-11-22T00:00:00.000Z',
      txId: '0'.repeat(64),
    }));
    const view = await create(admin, {
      username: 'frank',
      password: TEST_PASSWORD,
      role: 'clinician',
      institution: 'inst-east0001',
    });
    expect(view.institution).toBe('inst-east0001');
    expect(t.ca.registrations.get(view.enrollmentId ?? '')?.attributes).toEqual({
      role: 'clinician',
      institution: 'inst-east0001',
    });
    expect(identities.me(principal('clinician', { username: 'frank' })).institution).toBe(
      'inst-east0001',
    );
    const registrations = t.ca.registrations.size;
    for (const [institution, message] of [
      [
        'inst-west0001',
        /institution inst-west0001 is not registered in organization TertiaryHospitalMSP/,
      ],
      ['West Hospital', /institution must be inst-/],
    ] as const) {
      await expect(
        create(admin, {
          username: 'grace',
          password: TEST_PASSWORD,
          role: 'clinician',
          institution,
        }),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(message) as string,
      });
    }
    expect(t.ca.registrations.size).toBe(registrations);
    expect(identities.find('grace')).toBeUndefined();
  });

  it('refuses roles the organization type does not have, misplaced attributes, duplicates and non-admins', async () => {
    await expect(
      create(admin, { username: 'reg', password: TEST_PASSWORD, role: 'regulator' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      create(admin, { username: 'res', password: TEST_PASSWORD, role: 'researcher' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      create(admin, {
        username: 'doc2',
        password: TEST_PASSWORD,
        role: 'analyst',
        practitionerId: 'prac-12345678',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      create(admin, { username: 'carol', password: TEST_PASSWORD, role: 'analyst' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      create(principal('analyst'), {
        username: 'eve',
        password: TEST_PASSWORD,
        role: 'analyst',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect([...t.ca.registrations.values()].map((each) => each.attributes.role)).not.toContain(
      'regulator',
    );
  });
});

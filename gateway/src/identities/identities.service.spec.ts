import { PATIENT_ID_PATTERN, type NewIdentity } from '@consent-ledger/ledger-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { IDENTITY_WALLET, type IdentityWallet } from '../ledger/wallet.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { principal } from '../testing/principals.js';
import { throughRoute } from '../testing/route-guard.js';
import { IdentitiesController } from './identities.controller.js';
import { IdentitiesService, SERVICE_IDENTITY } from './identities.service.js';
import { hashPassword, verifyPassword } from './password.js';
import { base32, newPatientId } from './pseudonym.js';

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
  });
});

describe('IdentitiesService', () => {
  let t: TestApp;
  let service: IdentitiesService;
  let wallet: IdentityWallet;
  const admin = principal('admin', { username: 'admin' });
  /** POST /identities as `caller`: the route's role rule, then the service. */
  const create = (caller: Principal, request: NewIdentity) =>
    throughRoute({ handler: IdentitiesController.prototype.create, caller }, () =>
      service.create(request),
    );

  beforeAll(async () => {
    t = await createTestApp();
    service = t.app.get(IdentitiesService);
    wallet = t.app.get(IDENTITY_WALLET);
  });
  afterAll(async () => {
    await t.close();
  });

  it('bootstraps the service identity and the admin at start', async () => {
    expect(await wallet.get(SERVICE_IDENTITY)).toBeDefined();
    expect(t.ca.registrations.get('user.admin')?.attributes).toEqual({ role: 'admin' });
    expect(await service.authenticate('admin', 'adminpw')).toMatchObject({ role: 'admin' });
  });

  it('registers a patient with role and a generated pseudonym as certificate attributes, and enrolls it', async () => {
    const view = await create(admin, {
      username: 'alice',
      password: 'password123',
      role: 'patient',
    });
    expect(view.patientId).toMatch(PATIENT_ID_PATTERN);
    expect(t.ca.registrations.get('user.alice')?.attributes).toEqual({
      role: 'patient',
      patientId: view.patientId,
    });
    expect(t.ca.enrollments).toContain('user.alice');
    expect(await wallet.get('user:alice')).toMatchObject({ mspId: 'TertiaryHospitalMSP' });
    expect(t.ledger.forgotten).toContain('user:alice');
  });

  it('keeps a given pseudonym and practitioner ID', async () => {
    await create(admin, {
      username: 'bob',
      password: 'password123',
      role: 'patient',
      patientId: 'pid-abcdefghijklmnop',
    });
    await create(admin, {
      username: 'carol',
      password: 'password123',
      role: 'clinician',
      practitionerId: 'prac-carol001',
    });
    expect(t.ca.registrations.get('user.bob')?.attributes).toEqual({
      role: 'patient',
      patientId: 'pid-abcdefghijklmnop',
    });
    expect(t.ca.registrations.get('user.carol')?.attributes).toEqual({
      role: 'clinician',
      practitionerId: 'prac-carol001',
    });
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
        role: 'clinician',
        patientId: 'pid-abcdefghijklmnop',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      create(admin, { username: 'alice', password: 'password123', role: 'analyst' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      create(principal('analyst'), {
        username: 'eve',
        password: 'password123',
        role: 'analyst',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(t.ca.registrations.has('user.reg')).toBe(false);
  });
});

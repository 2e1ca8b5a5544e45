import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { activatePatient, newDevice, registerPatient } from '@consent-ledger/demo';
import { adminCredentials, adminPasswordFile } from '@consent-ledger/network';
import { gateway, uniqueName } from '../support/gateways.ts';
import { topology } from '../support/ledger.ts';

/**
 * Issue 19, "no default way in", against the running gateways (`npm start`): no gateway takes
 * admin / adminpw; each has its own random admin password, printed once and kept 0600 in its
 * organization's folder; a weak password is refused wherever one is set (POST /identities, a
 * patient's activation), and a refused activation leaves the enrolment code unused.
 */

const ORGS = topology.organizations.map((each) => each.name);

/** Passwords the issue found accepted, and others the policy refuses, with the rule's words. */
const WEAK: readonly (readonly [string, RegExp])[] = [
  ['password', /at least 15 characters/],
  ['12345678', /at least 15 characters/],
  [' '.repeat(8), /at least 15 characters/],
  ['adminpw', /at least 15 characters/],
  [' '.repeat(16), /repeats a character or a pattern/],
  ['password12345678', /common or breached/],
  ['1234567890123456', /keyboard or alphabet sequence/],
  ['ConsentLedger2026!', /service's, the organization's or the user's name/],
];

describe('no default way in (running gateways)', () => {
  it('refuses admin / adminpw on every gateway', async () => {
    expect(ORGS).toHaveLength(5);
    for (const name of ORGS) {
      const refused = await gateway(name).post('/auth/login', {
        body: { username: 'admin', password: 'adminpw' },
      });
      expect(refused.status, name).toBe(401);
      expect(refused.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it("signs each admin in with its own generated password, kept 0600 in the organization's folder", async () => {
    const passwords = new Set<string>();
    for (const name of ORGS) {
      const file = adminPasswordFile(name);
      expect(file.split(path.sep)).toEqual(
        expect.arrayContaining(['organizations', name, 'gateway', 'secrets']),
      );
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
      expect(statSync(path.dirname(file)).mode & 0o077, path.dirname(file)).toBe(0);
      const admin = adminCredentials(name);
      if (process.env.GATEWAY_ADMIN_PASSWORD === undefined)
        expect(admin.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      passwords.add(admin.password);
      const token = await gateway(name).loginAdmin();
      const me = await gateway(name).get<{ role: string }>('/identities/me', token);
      expect(me.body.role).toBe('admin');
    }
    if (process.env.GATEWAY_ADMIN_PASSWORD === undefined) expect(passwords.size).toBe(5);
  });

  it('refuses weak passwords at POST /identities with the rule, never the password, and creates no one', async () => {
    const api = gateway('tertiary');
    const token = await api.loginAdmin();
    const username = uniqueName('weak-staff');
    const cases = [...WEAK, [`${username}-x`, /must not contain the username/] as const];
    for (const [password, rule] of cases) {
      const refused = await api.post<{ code: string; message: string }>('/identities', {
        token,
        body: { username, password, role: 'clinician' },
      });
      expect(refused.status, JSON.stringify(password)).toBe(400);
      expect(refused.body.code).toBe('INVALID_ARGUMENT');
      expect(refused.body.message).toMatch(rule);
      // (A short one like `password` is a word of the message itself.)
      if (password.trim().length >= 12) expect(refused.text).not.toContain(password);
      expect((await api.post('/auth/login', { body: { username, password } })).status).toBe(401);
    }
    const created = await api.post('/identities', {
      token,
      body: { username, password: 'a sound passphrase of mine', role: 'clinician' },
    });
    expect(created.status, created.text).toBe(201);
    await api.login(username, 'a sound passphrase of mine');
  });

  it("refuses a weak password at a patient's activation before the ledger: the code still works", async () => {
    const api = gateway('community');
    const enrolment = await registerPatient(api, await api.loginAdmin());
    const device = await newDevice({ client: api, patientId: enrolment.patientId });
    const action = await device.sign('patient:ActivatePatient', {
      publicKey: device.key.publicKey,
      enrolmentCode: enrolment.enrolmentCode,
    });
    const username = uniqueName('weak-pt');
    for (const [password, rule] of WEAK) {
      const refused = await api.post<{ code: string; message: string }>('/patients/activate', {
        body: { username, password, action },
      });
      expect(refused.status, JSON.stringify(password)).toBe(400);
      expect(refused.body).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(refused.body.message).toMatch(rule);
    }
    // The same enrolment code activates with a sound password: nothing reached the ledger.
    const session = await activatePatient({
      client: api,
      enrolment,
      username,
      password: 'my own long passphrase',
    });
    expect((await session.view()).binding).toMatchObject({ patientId: enrolment.patientId });
  });
});

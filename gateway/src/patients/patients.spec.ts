import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  ENROLMENT_CODE_PATTERN,
  GUARDIAN_ID_PATTERN,
  PATIENT_ID_PATTERN,
  enrolmentCodeHash,
  generatePatientKey,
  type EnrolmentAnswer,
  type GuardianEnrolmentAnswer,
  type PatientRegistration,
} from '@consent-ledger/ledger-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerError } from '../common/errors.js';
import { IdentitiesService } from '../identities/identities.service.js';
import { IDENTITY_WALLET, type IdentityWallet } from '../ledger/wallet.js';
import { jsonArg } from '../testing/fake-ledger.client.js';
import { signed } from '../testing/statements.js';
import { TEST_PASSWORD, createTestApp, type TestApp } from '../testing/test-app.js';
import { comingOfAge } from './patients.service.js';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** Every file of the gateway's data directory, as text: where a kept code would be found. */
function storedText(dataDir: string): string {
  return readdirSync(dataDir)
    .filter((name) => name.startsWith('gateway.db'))
    .map((name) => readFileSync(path.join(dataDir, name)).toString('latin1'))
    .join('\n');
}

/** The first sign-in of a patient on a new device: the key made there, the code handed over. */
async function activation(patientId: string, enrolmentCode: string) {
  const key = await generatePatientKey();
  const action = await signed(
    'patient:ActivatePatient',
    { publicKey: key.publicKey, enrolmentCode },
    { patientId, key },
  );
  return { key, action };
}

describe('patients who hold their own keys (in process, fake ledger)', () => {
  let t: TestApp;
  let admin: string;
  let clinician: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.loginAdmin();
    clinician = await t.user({ username: 'doc', role: 'clinician' });
    t.ledger
      .on('patient:RegisterPatient', (call) => ({ ...jsonArg(call), status: 'pending' }))
      .on('patient:ActivatePatient', () => ({ status: 'active' }))
      .on('patient:ActivateGuardian', () => ({ status: 'active' }))
      .on('patient:AddDevice', () => ({ status: 'active', version: 3 }))
      .on('patient:RemoveDevice', () => ({ status: 'active', version: 4 }))
      .on('patient:RequestRecovery', () => ({ status: 'recovering' }))
      .on('patient:ProposeGuardian', () => ({ status: 'active' }))
      .on('patient:GetBinding', (call) => ({ patientId: call.args?.[0], status: 'active' }))
      .on('patient:GetBindingHistory', () => [{ version: 1, change: 'registered' }])
      .on('patient:QueryErasures', () => []);
  });
  afterAll(async () => {
    await t.close();
  });

  it('tells any device the channel and chaincode to sign for, and the password rule (open)', async () => {
    const response = await t.http().get('/ledger');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      channel: 'health',
      chaincode: 'consent-ledger',
      mspId: 'TertiaryHospitalMSP',
      passwordMinLength: 15,
    });
  });

  it('registers a patient (home admins): a fresh pseudonym and a one-time code answered once and kept nowhere', async () => {
    const response = await t.http().post('/patients').set(auth(admin)).send({});
    expect(response.status, response.text).toBe(201);
    const answer = response.body as EnrolmentAnswer;
    expect(answer.patientId).toMatch(PATIENT_ID_PATTERN);
    expect(answer.enrolmentCode).toMatch(ENROLMENT_CODE_PATTERN);
    const submit = t.ledger.callsOf('patient:RegisterPatient').at(-1);
    expect(submit).toMatchObject({ identity: 'user:admin' });
    expect(submit?.endorsers).toEqual({
      collections: ['org_TertiaryHospitalMSP'],
      organizations: ['TertiaryHospitalMSP', 'GovMSP'],
    });
    const registration = jsonArg<PatientRegistration>(submit);
    expect(registration.patientId).toBe(answer.patientId);
    // The ledger gets the code's salted hash only.
    expect(registration.enrolment.hash).toBe(
      enrolmentCodeHash(answer.enrolmentCode, registration.enrolment.salt),
    );
    expect(JSON.stringify(submit?.args)).not.toContain(answer.enrolmentCode.replaceAll('-', ''));
    expect(JSON.stringify(submit?.args)).not.toContain(answer.enrolmentCode);
    // The store is read (it holds the new patient's home), and holds no code.
    expect(storedText(t.dataDir)).toContain(answer.patientId);
    expect(storedText(t.dataDir)).not.toContain(answer.enrolmentCode);
    expect(storedText(t.dataDir)).not.toContain(answer.enrolmentCode.replaceAll('-', ''));
    // The home is known from now on: no patient:LocatePatient was needed.
    expect(t.ledger.callsOf('patient:LocatePatient')).toHaveLength(0);

    const minor = await t
      .http()
      .post('/patients')
      .set(auth(admin))
      .send({ adultFrom: '2038-05-01' });
    expect(minor.status).toBe(201);
    expect(jsonArg(t.ledger.callsOf('patient:RegisterPatient').at(-1))).toMatchObject({
      adultFrom: '2038-05-01',
    });
    const badDay = await t
      .http()
      .post('/patients')
      .set(auth(admin))
      .send({ adultFrom: '2038-02-30' });
    expect(badDay.status).toBe(400);
  });

  it("computes a minor's adultFrom from a birth date with the configured age, and sends no birth date", async () => {
    const year = new Date().getUTCFullYear();
    const born = `${String(year - 5)}-02-29`.replace(/^(\d+)-02-29$/, (day, y: string) =>
      Number(y) % 4 === 0 ? day : `${y}-03-01`,
    );
    const minor = await t.http().post('/patients').set(auth(admin)).send({ birthDate: born });
    expect(minor.status, minor.text).toBe(201);
    const submit = t.ledger.callsOf('patient:RegisterPatient').at(-1);
    const registration = jsonArg<PatientRegistration>(submit);
    // PATIENT_ADULT_AGE defaults to 14 (PIPL art. 31).
    expect(registration.adultFrom).toBe(comingOfAge(born, 14));
    expect(registration.adultFrom?.startsWith(String(year + 9))).toBe(true);
    expect(JSON.stringify(submit?.args)).not.toContain(born);
    expect(storedText(t.dataDir)).not.toContain(born);

    // Of age already: no adultFrom, the patient acts alone.
    const adult = await t
      .http()
      .post('/patients')
      .set(auth(admin))
      .send({ birthDate: `${String(year - 30)}-06-15` });
    expect(adult.status).toBe(201);
    expect(
      jsonArg<PatientRegistration>(t.ledger.callsOf('patient:RegisterPatient').at(-1)),
    ).not.toHaveProperty('adultFrom');

    const calls = t.ledger.callsOf('patient:RegisterPatient').length;
    for (const body of [
      { birthDate: `${String(year - 5)}-06-15`, adultFrom: '2040-01-01' },
      { birthDate: `${String(year + 1)}-01-01` },
      { birthDate: '2015-13-01' },
    ]) {
      const refused = await t.http().post('/patients').set(auth(admin)).send(body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect((refused.body as { code: string }).code).toBe('INVALID_ARGUMENT');
    }
    expect(t.ledger.callsOf('patient:RegisterPatient')).toHaveLength(calls);
  });

  it('reaches the age on the same day, or on 1 March for a 29 February birthday', () => {
    expect(comingOfAge('2012-06-15', 14)).toBe('2026-06-15');
    expect(comingOfAge('2012-02-29', 14)).toBe('2026-03-01');
    expect(comingOfAge('2012-02-29', 16)).toBe('2028-02-29');
    expect(comingOfAge('2008-12-31', 18)).toBe('2026-12-31');
  });

  it('refuses registration to anyone but a home admin, and POST /identities refuses patients', async () => {
    const before = t.ledger.calls.length;
    const patient = await t.patient({ username: 'someone', patientId: 'pid-someoneelseaaaaaa' });
    for (const token of [clinician, patient]) {
      const response = await t.http().post('/patients').set(auth(token)).send({});
      expect(response.status).toBe(403);
    }
    const asIdentity = await t
      .http()
      .post('/identities')
      .set(auth(admin))
      .send({ username: 'mallory', password: TEST_PASSWORD, role: 'patient' });
    expect(asIdentity.status).toBe(403);
    expect(asIdentity.body).toMatchObject({ code: 'FORBIDDEN' });
    const withPseudonym = await t.http().post('/identities').set(auth(admin)).send({
      username: 'mallory',
      password: TEST_PASSWORD,
      role: 'patient',
      patientId: 'pid-abcdefghijklmnop',
    });
    expect(withPseudonym.status).toBe(400);
    expect(t.ledger.calls.length).toBe(before);
    expect([...t.ca.registrations.values()].map((each) => each.attributes.role)).not.toContain(
      'patient',
    );
  });

  it("activates a patient's key: the statement carried by the service identity, a session account with no certificate", async () => {
    const registered = (await t.http().post('/patients').set(auth(admin)).send({}))
      .body as EnrolmentAnswer;
    const { key, action } = await activation(registered.patientId, registered.enrolmentCode);
    const registrations = t.ca.registrations.size;
    const response = await t
      .http()
      .post('/patients/activate')
      .send({ username: 'li.wei', password: 'correct horse battery', action });
    expect(response.status, response.text).toBe(201);
    expect(response.body).toMatchObject({ tokenType: 'Bearer' });
    const submit = t.ledger.callsOf('patient:ActivatePatient').at(-1);
    expect(submit).toMatchObject({ identity: 'gateway-service' });
    expect(submit?.endorsers?.organizations).toEqual(['TertiaryHospitalMSP', 'GovMSP']);
    expect(jsonArg(submit)).toEqual({ statement: action.statement, signature: action.signature });
    expect(key.publicKey).toBeDefined();
    // The account signs in, has no ledger identity, and sees its own patient.
    const token = await t.login('li.wei', 'correct horse battery');
    const me = await t.http().get('/identities/me').set(auth(token));
    expect(me.body).toMatchObject({ role: 'patient', patientId: registered.patientId });
    expect(me.body).not.toHaveProperty('enrollmentId');
    expect(t.ca.registrations.size).toBe(registrations);
    const wallet = t.app.get<IdentityWallet>(IDENTITY_WALLET);
    expect(await wallet.list()).not.toContain('user:li.wei');
    const view = await t.http().get('/patients/me').set(auth(token));
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      binding: { patientId: registered.patientId },
      history: [{ change: 'registered' }],
      erasures: [],
    });
    for (const read of ['GetBinding', 'GetBindingHistory', 'QueryErasures'] as const)
      expect(t.ledger.callsOf(`patient:${read}`).at(-1)).toMatchObject({
        identity: 'gateway-service',
        args: [registered.patientId],
      });
  });

  it("takes over the username of the patient's own account when a new device is activated (after a recovery)", async () => {
    const patientId = 'pid-eeeeeeeeeeeeeeee';
    const first = await activation(patientId, 'AAAA-BBBB-CCCC-DDDD');
    expect(
      (
        await t
          .http()
          .post('/patients/activate')
          .send({ username: 'recovered', password: 'my old passphrase 1', action: first.action })
      ).status,
    ).toBe(201);
    const second = await activation(patientId, 'EEEE-FFFF-GGGG-HHHH');
    const again = await t
      .http()
      .post('/patients/activate')
      .send({ username: 'recovered', password: 'my new passphrase 2', action: second.action });
    expect(again.status, again.text).toBe(201);
    expect(
      (
        await t
          .http()
          .post('/auth/login')
          .send({ username: 'recovered', password: 'my old passphrase 1' })
      ).status,
    ).toBe(401);
    await t.login('recovered', 'my new passphrase 2');
  });

  it('refuses a weak password at activation before the ledger is asked: the code stays unused', async () => {
    const before = t.ledger.callsOf('patient:ActivatePatient').length;
    const { action } = await activation('pid-ffffffffffffffff', 'AAAA-BBBB-CCCC-DDDD');
    for (const [username, password, message] of [
      ['weak.one', 'password', 'the password must be at least 15 characters long'],
      ['weak.one', '12345678', 'the password must be at least 15 characters long'],
      ['weak.one', ' '.repeat(8), 'the password must be at least 15 characters long'],
      ['weak.one', 'weak.one-weak.one', 'the password must not contain the username'],
      [
        'weak.one',
        'password12345678',
        'the password is on the list of common or breached passwords: choose another',
      ],
      // The takeover of an existing account (after a recovery) is checked before the ledger too.
      ['recovered', 'password', 'the password must be at least 15 characters long'],
    ] as const) {
      const refused = await t
        .http()
        .post('/patients/activate')
        .send({ username, password, action });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ statusCode: 400, code: 'INVALID_ARGUMENT', message });
    }
    expect(t.ledger.callsOf('patient:ActivatePatient').length).toBe(before);
    expect(t.app.get(IdentitiesService).find('weak.one')).toBeUndefined();
    const accepted = await t
      .http()
      .post('/patients/activate')
      .send({ username: 'weak.one', password: TEST_PASSWORD, action });
    expect(accepted.status, accepted.text).toBe(201);
  });

  it('opens no account when the ledger refuses the activation, nor for a patient of another home', async () => {
    t.ledger.on('patient:ActivatePatient', () => {
      throw new LedgerError({
        code: 'FORBIDDEN',
        message: 'the enrolment code does not match',
        transaction: 'patient:ActivatePatient',
      });
    });
    const { action } = await activation('pid-bbbbbbbbbbbbbbbb', 'AAAA-BBBB-CCCC-DDDD');
    const refused = await t
      .http()
      .post('/patients/activate')
      .send({ username: 'guess', password: TEST_PASSWORD, action });
    expect(refused.status).toBe(403);
    expect(
      (await t.http().post('/auth/login').send({ username: 'guess', password: TEST_PASSWORD }))
        .status,
    ).toBe(401);
    t.ledger.on('patient:ActivatePatient', () => ({ status: 'active' }));

    t.ledger.place('pid-cccccccccccccccc', 'CommunityHospitalMSP');
    const before = t.ledger.submits.length;
    const elsewhere = await t
      .http()
      .post('/patients/activate')
      .send({
        username: 'elsewhere',
        password: TEST_PASSWORD,
        action: (await activation('pid-cccccccccccccccc', 'AAAA-BBBB-CCCC-DDDD')).action,
      });
    expect(elsewhere.status).toBe(403);
    expect((elsewhere.body as { message: string }).message).toContain(
      'is a patient of CommunityHospitalMSP',
    );
    const taken = await t
      .http()
      .post('/patients/activate')
      .send({ username: 'doc', password: TEST_PASSWORD, action });
    expect(taken.status).toBe(409);
    expect(t.ledger.submits.length).toBe(before);
  });

  it("carries a device statement from the patient's own session only", async () => {
    const patient = await t.patient({ username: 'dev.owner' });
    const other = await t.patient({ username: 'dev.other', patientId: 'pid-someoneelseaaaaaa' });
    const device = await generatePatientKey();
    const action = await signed('patient:AddDevice', { publicKey: device.publicKey });
    const added = await t.http().post('/patients/me/devices').set(auth(patient)).send({ action });
    expect(added.status, added.text).toBe(201);
    expect(added.body).toMatchObject({
      patientId: 'pid-abcdefghijklmnop',
      binding: { version: 3 },
    });
    expect(t.ledger.callsOf('patient:AddDevice').at(-1)).toMatchObject({
      identity: 'gateway-service',
    });
    const before = t.ledger.submits.length;
    const stolen = await t.http().post('/patients/me/devices').set(auth(other)).send({ action });
    expect(stolen.status).toBe(403);
    const byClinician = await t
      .http()
      .post('/patients/me/devices')
      .set(auth(clinician))
      .send({ action });
    expect(byClinician.status).toBe(403);
    const wrongAction = await t
      .http()
      .post('/patients/me/devices/remove')
      .set(auth(patient))
      .send({ action });
    expect(wrongAction.status).toBe(400);
    expect(t.ledger.submits.length).toBe(before);
    const remove = await signed('patient:RemoveDevice', { keyId: device.keyId });
    const removed = await t
      .http()
      .post('/patients/me/devices/remove')
      .set(auth(patient))
      .send({ action: remove });
    expect(removed.status).toBe(200);
  });

  it('asks for a recovery and proposes a guardian (home admins): new codes shown once', async () => {
    const patientId = 'pid-abcdefghijklmnop';
    const recovery = await t.http().post(`/patients/${patientId}/recovery`).set(auth(admin));
    expect(recovery.status, recovery.text).toBe(201);
    const code = (recovery.body as EnrolmentAnswer).enrolmentCode;
    expect(code).toMatch(ENROLMENT_CODE_PATTERN);
    const request = jsonArg<{ enrolment: { hash: string; salt: string } }>(
      t.ledger.callsOf('patient:RequestRecovery').at(-1),
    );
    expect(request.enrolment.hash).toBe(enrolmentCodeHash(code, request.enrolment.salt));
    expect(t.ledger.callsOf('patient:RequestRecovery').at(-1)?.identity).toBe('user:admin');

    const proposal = await t.http().post(`/patients/${patientId}/guardians`).set(auth(admin)).send({
      relationship: 'parent',
      validFrom: '2026-12-01T00:00:00Z',
      validUntil: '2036-12-01T00:00:00Z',
    });
    expect(proposal.status, proposal.text).toBe(201);
    const guardian = proposal.body as GuardianEnrolmentAnswer;
    expect(guardian.guardianId).toMatch(GUARDIAN_ID_PATTERN);
    expect(jsonArg(t.ledger.callsOf('patient:ProposeGuardian').at(-1))).toMatchObject({
      patientId,
      guardianId: guardian.guardianId,
      relationship: 'parent',
      validFrom: '2026-12-01T00:00:00.000Z',
    });
    expect(storedText(t.dataDir)).not.toContain(code);
    expect(storedText(t.dataDir)).not.toContain(guardian.enrolmentCode);
    for (const bad of [
      {
        relationship: 'friend',
        validFrom: '2026-12-01T00:00:00Z',
        validUntil: '2036-12-01T00:00:00Z',
      },
      {
        relationship: 'parent',
        validFrom: '2036-12-01T00:00:00Z',
        validUntil: '2026-12-01T00:00:00Z',
      },
    ]) {
      const response = await t
        .http()
        .post(`/patients/${patientId}/guardians`)
        .set(auth(admin))
        .send(bad);
      expect(response.status).toBe(400);
    }
    // A patient of another home is that home's to recover; staff other than admins may not.
    t.ledger.place('pid-dddddddddddddddd', 'CommunityHospitalMSP');
    const elsewhere = await t
      .http()
      .post('/patients/pid-dddddddddddddddd/recovery')
      .set(auth(admin));
    expect(elsewhere.status).toBe(403);
    const byClinician = await t.http().post(`/patients/${patientId}/recovery`).set(auth(clinician));
    expect(byClinician.status).toBe(403);

    // The guardian's first sign-in opens the guardian's account, acting for the patient.
    const key = await generatePatientKey();
    const action = await signed(
      'patient:ActivateGuardian',
      {
        publicKey: key.publicKey,
        enrolmentCode: guardian.enrolmentCode,
        guardianId: guardian.guardianId,
      },
      { patientId, guardianId: guardian.guardianId, key },
    );
    const activated = await t
      .http()
      .post('/guardians/activate')
      .send({ username: 'guardian.zhang', password: TEST_PASSWORD, action });
    expect(activated.status, activated.text).toBe(201);
    const token = (activated.body as { accessToken: string }).accessToken;
    const me = await t.http().get('/identities/me').set(auth(token));
    expect(me.body).toMatchObject({
      role: 'patient',
      patientId,
      guardianId: guardian.guardianId,
    });
    // A patient's statement is no guardian activation.
    const asPatient = await t
      .http()
      .post('/guardians/activate')
      .send({
        username: 'not.guardian',
        password: TEST_PASSWORD,
        action: (await activation(patientId, guardian.enrolmentCode)).action,
      });
    expect(asPatient.status).toBe(400);
  });

  it("shows a patient to the home's admins, as the admin", async () => {
    const view = await t.http().get('/patients/pid-abcdefghijklmnop').set(auth(admin));
    expect(view.status).toBe(200);
    expect(t.ledger.callsOf('patient:GetBinding').at(-1)?.identity).toBe('user:admin');
    expect((await t.http().get('/patients/pid-abcdefghijklmnop').set(auth(clinician))).status).toBe(
      403,
    );
    expect((await t.http().get('/patients/not-a-patient').set(auth(admin))).status).toBe(400);
  });
});

describe("the regulator's approvals (in process, fake ledger)", () => {
  let t: TestApp;
  let regulator: string;

  beforeAll(async () => {
    t = await createTestApp({ orgType: 'government', mspId: 'GovMSP' });
    regulator = await t.user({ username: 'reg', role: 'regulator' });
    t.ledger
      .place('pid-abcdefghijklmnop', 'CommunityHospitalMSP')
      .on('patient:ApproveRecovery', () => ({ status: 'active', version: 5 }))
      .on('patient:ApproveGuardian', () => ({ version: 6 }))
      .on('patient:EndGuardianship', () => ({ version: 7 }));
  });
  afterAll(async () => {
    await t.close();
  });

  it("approves a recovery and a guardian and ends a guardianship, endorsed with the patient's home", async () => {
    const base = '/patients/pid-abcdefghijklmnop';
    const recovery = await t.http().post(`${base}/recovery/approve`).set(auth(regulator));
    expect(recovery.status, recovery.text).toBe(200);
    expect(recovery.body).toMatchObject({
      patientId: 'pid-abcdefghijklmnop',
      binding: { version: 5 },
    });
    expect(t.ledger.callsOf('patient:ApproveRecovery')[0]).toMatchObject({
      identity: 'user:reg',
      args: ['pid-abcdefghijklmnop'],
      endorsers: {
        collections: ['org_CommunityHospitalMSP'],
        organizations: ['GovMSP', 'CommunityHospitalMSP'],
      },
    });
    const approve = await t
      .http()
      .post(`${base}/guardians/rp-aaaaaaaaaaaaaaaa/approve`)
      .set(auth(regulator));
    expect(approve.status).toBe(200);
    expect(jsonArg(t.ledger.callsOf('patient:ApproveGuardian')[0])).toEqual({
      patientId: 'pid-abcdefghijklmnop',
      guardianId: 'rp-aaaaaaaaaaaaaaaa',
    });
    const end = await t
      .http()
      .post(`${base}/guardians/rp-aaaaaaaaaaaaaaaa/end`)
      .set(auth(regulator));
    expect(end.status).toBe(200);
    const admin = await t.loginAdmin();
    expect((await t.http().post(`${base}/recovery/approve`).set(auth(admin))).status).toBe(403);
    expect(
      (await t.http().post(`${base}/guardians/not-a-guardian/end`).set(auth(regulator))).status,
    ).toBe(400);
  });
});

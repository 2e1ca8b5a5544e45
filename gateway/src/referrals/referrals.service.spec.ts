import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { ForbiddenError, LedgerError } from '../common/errors.js';
import { testEndorsers } from '../testing/endorsers.js';
import { FakeLedgerClient, jsonArg } from '../testing/fake-ledger.client.js';
import { principal, regulator } from '../testing/principals.js';
import { throughRoute } from '../testing/route-guard.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { ReferralsController } from './referrals.controller.js';
import { ReferralsService } from './referrals.service.js';

const REFERRAL_ID = 'ref-000000000000000000000001';

const referral = {
  referralId: REFERRAL_ID,
  patientId: 'pid-abcdefghijklmnop',
  patientHome: 'CommunityHospitalMSP',
  fromOrg: 'CommunityHospitalMSP',
  toOrg: 'TertiaryHospitalMSP',
  categories: ['imaging', 'outpatient'],
  validUntil: '2026-12-31T00:00:00.000Z',
  status: 'open',
  createdAt: '2026-11-29T00:00:00.000Z',
  createdBy: 'a'.repeat(64),
  txId: 'tx-1',
};

const request = {
  patientId: 'pid-abcdefghijklmnop',
  toOrg: 'TertiaryHospitalMSP',
  categories: ['outpatient' as const, 'imaging' as const],
  validUntil: '2026-12-31T00:00:00.000Z',
};

/** The service of a hospital's gateway; the patient is homed at the community hospital. */
const serviceOf = (ledger: FakeLedgerClient, own = 'CommunityHospitalMSP'): ReferralsService =>
  new ReferralsService(
    ledger.place('pid-abcdefghijklmnop', 'CommunityHospitalMSP'),
    testEndorsers(ledger, own),
  );

describe('ReferralsService', () => {
  const clinician = principal('clinician', { mspId: 'CommunityHospitalMSP' });

  it('creates a referral as the calling clinician and answers it with its transaction', async () => {
    const ledger = new FakeLedgerClient().on('referral:CreateReferral', () => referral);
    const written = await serviceOf(ledger).create(clinician, request);
    expect(written).toEqual({ referralId: REFERRAL_ID, txId: 'tx-1', referral });
    expect(ledger.submits[0]).toMatchObject({ kind: 'submit', identity: 'user:clinician-1' });
    expect(jsonArg(ledger.submits[0])).toEqual(request);
    // The two hospitals endorse (the home refers): the regulator when the other is out of reach.
    expect(ledger.submits[0]?.endorsers).toEqual({
      collections: ['pair_CommunityHospitalMSP_TertiaryHospitalMSP'],
      organizations: ['CommunityHospitalMSP', 'TertiaryHospitalMSP'],
      fallback: ['CommunityHospitalMSP', 'GovMSP'],
    });
  });

  it('sends a referral back with the referral it returns', async () => {
    const ledger = new FakeLedgerClient().on('referral:CreateReferral', (call) => ({
      ...referral,
      ...jsonArg(call),
    }));
    const back = { ...request, toOrg: 'CommunityHospitalMSP', returnOf: REFERRAL_ID };
    const written = await serviceOf(ledger, 'TertiaryHospitalMSP').create(
      principal('clinician', { mspId: 'TertiaryHospitalMSP' }),
      back,
    );
    expect(written.referral.returnOf).toBe(REFERRAL_ID);
    expect(jsonArg(ledger.submits[0])).toEqual(back);
    expect(ledger.submits[0]?.endorsers?.organizations).toEqual([
      'TertiaryHospitalMSP',
      'CommunityHospitalMSP',
    ]);
  });

  it('closes and reads referrals', async () => {
    const ledger = new FakeLedgerClient()
      .on('referral:CloseReferral', () => ({ ...referral, status: 'closed' }))
      .on('referral:GetReferral', () => referral);
    const service = serviceOf(ledger);
    expect(await service.close(clinician, REFERRAL_ID)).toMatchObject({
      referralId: REFERRAL_ID,
      txId: 'tx-1',
      referral: { status: 'closed' },
    });
    // Read first (as the caller) to name the other hospital as endorser.
    expect(ledger.calls[0]).toMatchObject({ kind: 'evaluate', transaction: 'GetReferral' });
    expect(ledger.submits[0]).toMatchObject({ kind: 'submit', args: [REFERRAL_ID] });
    expect(ledger.submits[0]?.endorsers?.organizations).toEqual([
      'CommunityHospitalMSP',
      'TertiaryHospitalMSP',
    ]);
    expect(await service.get(regulator(), REFERRAL_ID)).toEqual(referral);
    expect(ledger.calls.at(-1)).toMatchObject({
      kind: 'evaluate',
      identity: 'user:regulator-1',
    });
    await expect(
      service.get(principal('patient', { patientId: 'pid-someoneelseaaaaaa' }), REFERRAL_ID),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses other roles and malformed IDs before the ledger', async () => {
    const ledger = new FakeLedgerClient();
    const service = serviceOf(ledger);
    const create = (caller: Principal) =>
      throughRoute({ handler: ReferralsController.prototype.create, caller }, (as) =>
        service.create(as, request),
      );
    await expect(create(principal('patient'))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      create(principal('admin', { mspId: 'CommunityHospitalMSP' })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      throughRoute({ handler: ReferralsController.prototype.close, caller: regulator() }, (as) =>
        service.close(as, REFERRAL_ID),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(service.get(clinician, 'ref-1')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      service.create(clinician, { ...request, returnOf: 'con-000000000000000000000001' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(ledger.calls).toHaveLength(0);
  });
});

describe('the referrals API (in process, fake ledger)', () => {
  let t: TestApp;
  let clinician: string;
  let patient: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp({ mspId: 'CommunityHospitalMSP' });
    clinician = await t.user({ username: 'doc', role: 'clinician' });
    patient = await t.patient({ username: 'pat', patientId: request.patientId });
    t.ledger
      .on('referral:CreateReferral', () => referral)
      .on('referral:CloseReferral', () => {
        throw new LedgerError({
          code: 'CONFLICT',
          message: `referral ${REFERRAL_ID} is already closed`,
          transaction: 'referral:CloseReferral',
        });
      })
      .on('referral:GetReferral', () => referral);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates (201), reads (200) and maps a ledger refusal to its status', async () => {
    const created = await t.http().post('/referrals').set(auth(clinician)).send(request);
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ referralId: REFERRAL_ID, txId: 'tx-1' });
    const read = await t.http().get(`/referrals/${REFERRAL_ID}`).set(auth(patient));
    expect(read.status).toBe(200);
    expect(read.body).toEqual(referral);
    const closed = await t.http().post(`/referrals/${REFERRAL_ID}/close`).set(auth(clinician));
    expect(closed.status).toBe(409);
    expect(closed.body).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
  });

  it('answers bad input with 400 and other roles with 403, without a ledger call', async () => {
    const before = t.ledger.calls.length;
    for (const body of [
      { ...request, categories: ['x-ray'] },
      { ...request, categories: [] },
      { ...request, validUntil: 'tomorrow' },
      { ...request, toOrg: '' },
      { ...request, returnOf: 'ref-1' },
      { ...request, note: 'free text' },
    ]) {
      const response = await t.http().post('/referrals').set(auth(clinician)).send(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'INVALID_ARGUMENT' });
    }
    expect((await t.http().get('/referrals/nope').set(auth(clinician))).status).toBe(400);
    const forbidden = await t.http().post('/referrals').set(auth(patient)).send(request);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ code: 'FORBIDDEN' });
    expect((await t.http().post('/referrals').send(request)).status).toBe(401);
    expect(t.ledger.calls.length).toBe(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { ForbiddenError } from '../common/errors.js';
import { testEndorsers } from '../testing/endorsers.js';
import { FakeLedgerClient, jsonArg } from '../testing/fake-ledger.client.js';
import { principal } from '../testing/principals.js';
import { throughRoute } from '../testing/route-guard.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { CohortsController } from './cohorts.controller.js';
import { CohortsService } from './cohorts.service.js';

const researcher = principal('researcher', { mspId: 'ResearchMSP', orgType: 'research' });
const cohort = {
  included: ['pid-abcdefghijklmnop'],
  events: ['evt-000000000000000000000001'],
};
const candidates = { candidates: ['pid-abcdefghijklmnop', 'pid-bbbbbbbbbbbbbbbb'], bookmark: 'b2' };

/** The service as the research institute's gateway runs it. */
const serviceOf = (ledger: FakeLedgerClient): CohortsService =>
  new CohortsService(ledger, testEndorsers(ledger, 'ResearchMSP'));

describe('CohortsService', () => {
  it('requests the cohort of the patients named, and answers pseudonyms, event IDs and the transaction', async () => {
    const ledger = new FakeLedgerClient().on('cohort:RequestCohort', () => cohort);
    const input = {
      studyId: 'study-1',
      categories: ['laboratory' as const],
      patientIds: ['pid-abcdefghijklmnop', 'pid-bbbbbbbbbbbbbbbb'],
    };
    expect(await serviceOf(ledger).request(researcher, input)).toEqual({
      studyId: 'study-1',
      ...cohort,
      bookmark: '',
      txId: 'tx-1',
    });
    // Named patients: no search, one submit.
    expect(ledger.calls).toHaveLength(1);
    expect(ledger.calls[0]).toMatchObject({ kind: 'submit', identity: 'user:researcher-1' });
    expect(jsonArg(ledger.calls[0])).toEqual(input);
    // Endorsed by the institute and the regulator, a member of every collection written.
    expect(ledger.calls[0]?.endorsers).toEqual({
      collections: [],
      organizations: ['ResearchMSP', 'GovMSP'],
    });
  });

  it('finds a page of candidates first (evaluate), then requests their cohort with the search bookmark', async () => {
    const ledger = new FakeLedgerClient()
      .on('cohort:FindCohort', () => candidates)
      .on('cohort:RequestCohort', () => cohort);
    const page = await serviceOf(ledger).request(researcher, {
      studyId: 's',
      categories: ['imaging'],
      pageSize: 2,
      bookmark: 'b1',
    });
    expect(page).toEqual({ studyId: 's', ...cohort, bookmark: 'b2', txId: 'tx-1' });
    expect(ledger.calls.map((call) => [call.kind, `${call.contract}:${call.transaction}`])).toEqual(
      [
        ['evaluate', 'cohort:FindCohort'],
        ['submit', 'cohort:RequestCohort'],
      ],
    );
    expect(ledger.calls[0]).toMatchObject({ identity: 'user:researcher-1' });
    expect(jsonArg(ledger.calls[0])).toEqual({
      categories: ['imaging'],
      pageSize: 2,
      bookmark: 'b1',
    });
    expect(jsonArg(ledger.calls[1])).toEqual({
      studyId: 's',
      categories: ['imaging'],
      patientIds: candidates.candidates,
    });
    expect(ledger.calls[1]?.endorsers).toEqual({
      collections: [],
      organizations: ['ResearchMSP', 'GovMSP'],
    });
  });

  it('pages through the candidates with pageSize and bookmark (an empty bookmark is none)', async () => {
    const ledger = new FakeLedgerClient()
      .on('cohort:FindCohort', () => candidates)
      .on('cohort:RequestCohort', () => cohort);
    const service = serviceOf(ledger);
    await service.request(researcher, { studyId: 's', categories: ['imaging'], pageSize: 5 });
    await service.request(researcher, { studyId: 's', categories: ['imaging'], bookmark: '' });
    await service.request(researcher, { studyId: 's', categories: ['imaging'], bookmark: 'b1' });
    expect(
      ledger.calls.filter((call) => call.kind === 'evaluate').map((call) => jsonArg(call)),
    ).toEqual([
      { categories: ['imaging'], pageSize: 5 },
      { categories: ['imaging'] },
      { categories: ['imaging'], bookmark: 'b1' },
    ]);
  });

  it('submits nothing when the search finds no candidate (txId empty), and passes its bookmark on', async () => {
    const ledger = new FakeLedgerClient().on('cohort:FindCohort', () => ({
      candidates: [],
      bookmark: 'b9',
    }));
    expect(
      await serviceOf(ledger).request(researcher, { studyId: 's', categories: ['imaging'] }),
    ).toEqual({ studyId: 's', included: [], events: [], bookmark: 'b9', txId: '' });
    expect(ledger.calls.map((call) => call.kind)).toEqual(['evaluate']);
  });

  it('refuses other roles and organizations, and patientIds with paging, before the ledger', async () => {
    const ledger = new FakeLedgerClient();
    const service = serviceOf(ledger);
    const input = { studyId: 's', categories: ['imaging' as const] };
    const request = (caller: Principal) =>
      throughRoute({ handler: CohortsController.prototype.request, caller }, (as) =>
        service.request(as, input),
      );
    await expect(request(principal('clinician'))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      request(principal('analyst', { mspId: 'ResearchMSP', orgType: 'research' })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      service.request(researcher, { ...input, patientIds: ['pid-abcdefghijklmnop'], pageSize: 2 }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(ledger.calls).toHaveLength(0);
  });
});

describe('the cohorts API (in process, fake ledger)', () => {
  let t: TestApp;
  let token: string;
  let analyst: string;
  const auth = (value: string) => ({ authorization: `Bearer ${value}` });

  beforeAll(async () => {
    t = await createTestApp({ orgType: 'research', mspId: 'ResearchMSP' });
    token = await t.user({ username: 'res', role: 'researcher' });
    analyst = await t.user({ username: 'ana', role: 'analyst' });
    t.ledger
      .on('cohort:FindCohort', () => ({ candidates: ['pid-abcdefghijklmnop'], bookmark: '' }))
      .on('cohort:RequestCohort', () => cohort);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 201 with the cohort, 400 for bad input and 403 for other roles', async () => {
    const ok = await t
      .http()
      .post('/cohorts')
      .set(auth(token))
      .send({ studyId: 'study-1', categories: ['laboratory'] });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body).toEqual({ studyId: 'study-1', ...cohort, bookmark: '', txId: 'tx-1' });
    const calls = t.ledger.calls.length;
    for (const body of [
      { studyId: 'bad id', categories: ['laboratory'] },
      { studyId: 's', categories: [] },
      { studyId: 's', categories: ['laboratory'], patientIds: ['alice'] },
      { studyId: 's', categories: ['laboratory'], pageSize: 0 },
      { studyId: 's', categories: ['laboratory'], name: 'Alice' },
    ]) {
      const response = await t.http().post('/cohorts').set(auth(token)).send(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    const forbidden = await t
      .http()
      .post('/cohorts')
      .set(auth(analyst))
      .send({ studyId: 's', categories: ['laboratory'] });
    expect(forbidden.status).toBe(403);
    expect(t.ledger.calls.length).toBe(calls);
  });
});

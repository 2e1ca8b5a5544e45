import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { ForbiddenError } from '../common/errors.js';
import { testEndorsers } from '../testing/endorsers.js';
import { FakeLedgerClient, jsonArg } from '../testing/fake-ledger.client.js';
import { principal } from '../testing/principals.js';
import { throughRoute } from '../testing/route-guard.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { CohortsController } from './cohorts.controller.js';
import { CohortRefusedError, CohortsService } from './cohorts.service.js';
import type { OpenStatisticsService } from '../open-data/open-statistics.service.js';
import { ResearchController } from './research.controller.js';

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

const refusal = {
  refusalId: 'tx-1',
  code: 'COHORT_TOO_SMALL' as const,
  studyId: 'study-1',
  requesterOrg: 'ResearchMSP',
  region: '330106',
  threshold: { minCohortSize: 5, ethicsApprovalRequired: false, source: '330100' },
  refusedAt: '2026-12-06T08:00:00.000Z',
};
const threshold = {
  region: '330100',
  minCohortSize: 5,
  ethicsApprovalRequired: true,
  setAt: '2026-12-06T08:00:00.000Z',
  txId: 'tx-1',
};

describe('CohortsService: research thresholds', () => {
  it('passes the ethics approval reference on, and answers a refusal as its coded error', async () => {
    const ledger = new FakeLedgerClient().on('cohort:RequestCohort', () => ({
      included: [],
      events: [],
      refusal,
    }));
    const input = {
      studyId: 'study-1',
      categories: ['laboratory' as const],
      patientIds: ['pid-abcdefghijklmnop'],
      ethicsApproval: 'IRB-2026-017',
    };
    const refused = serviceOf(ledger).request(researcher, input);
    await expect(refused).rejects.toBeInstanceOf(CohortRefusedError);
    await expect(refused).rejects.toMatchObject({
      code: 'COHORT_TOO_SMALL',
      refusal,
      message: 'a cohort must include at least 5 patients in region 330106 (refusal tx-1 logged)',
    });
    expect(jsonArg(ledger.calls[0])).toEqual(input);
    const ethics = new FakeLedgerClient().on('cohort:RequestCohort', () => ({
      included: [],
      events: [],
      refusal: { ...refusal, code: 'ETHICS_APPROVAL_REQUIRED' as const },
    }));
    await expect(
      serviceOf(ethics).request(researcher, { ...input, ethicsApproval: undefined }),
    ).rejects.toMatchObject({ code: 'ETHICS_APPROVAL_REQUIRED' });
    expect(jsonArg(ethics.calls[0])).not.toHaveProperty('ethicsApproval');
  });

  it('sets a region threshold or the default (public state, endorsed as the chaincode policy says)', async () => {
    const ledger = new FakeLedgerClient().on('cohort:SetResearchThreshold', () => threshold);
    let forgotten = 0;
    const openStatistics = {
      forget: () => {
        forgotten += 1;
      },
    } as unknown as OpenStatisticsService;
    const service = new CohortsService(ledger, testEndorsers(ledger, 'GovMSP'), openStatistics);
    const admin = principal('admin', { mspId: 'GovMSP', orgType: 'government' });
    const order = { minCohortSize: 5, ethicsApprovalRequired: true };
    expect(await service.setThreshold(admin, '330100', order)).toEqual(threshold);
    await service.setThreshold(admin, 'default', order);
    expect(ledger.calls.map((call) => jsonArg(call))).toEqual([
      { region: '330100', ...order },
      order,
    ]);
    expect(ledger.calls[0]?.endorsers).toBeUndefined();
    // The cached open statistics follow the thresholds.
    expect(forgotten).toBe(2);
  });
});

describe('the research API (in process, fake ledger)', () => {
  let t: TestApp;
  let admin: string;
  let regulatorToken: string;
  let analyst: string;
  const auth = (value: string) => ({ authorization: `Bearer ${value}` });

  beforeAll(async () => {
    t = await createTestApp({ orgType: 'government', mspId: 'GovMSP' });
    admin = await t.loginAdmin();
    regulatorToken = await t.user({ username: 'reg', role: 'regulator' });
    analyst = await t.user({ username: 'ana', role: 'analyst' });
    t.ledger
      .on('cohort:SetResearchThreshold', () => threshold)
      .on('cohort:ListResearchThresholds', () => [threshold])
      .on('cohort:QueryCohortRefusals', () => ({ refusals: [refusal], bookmark: '' }));
  });
  afterAll(async () => {
    await t.close();
  });

  it('sets thresholds (admin), lists them (staff), pages refusals (regulator); 400 and 403 otherwise', async () => {
    const set = await t
      .http()
      .put('/research/thresholds/330100')
      .set(auth(admin))
      .send({ minCohortSize: 5, ethicsApprovalRequired: true });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toEqual(threshold);
    const listed = await t.http().get('/research/thresholds').set(auth(analyst));
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([threshold]);
    const refusals = await t.http().get('/research/refusals?pageSize=10').set(auth(regulatorToken));
    expect(refusals.status).toBe(200);
    expect(refusals.body).toEqual({ refusals: [refusal], bookmark: '' });
    const calls = t.ledger.calls.length;
    for (const [path, body] of [
      ['/research/thresholds/33010', { minCohortSize: 5, ethicsApprovalRequired: true }],
      ['/research/thresholds/everywhere', { minCohortSize: 5, ethicsApprovalRequired: true }],
      ['/research/thresholds/default', { minCohortSize: -1, ethicsApprovalRequired: true }],
      ['/research/thresholds/default', { minCohortSize: 10_001, ethicsApprovalRequired: true }],
      ['/research/thresholds/default', { minCohortSize: 5, ethicsApprovalRequired: 'yes' }],
      ['/research/thresholds/default', { minCohortSize: 5 }],
      ['/research/thresholds/default', { minCohortSize: 5, ethicsApprovalRequired: true, x: 1 }],
    ] as const) {
      const response = await t.http().put(path).set(auth(admin)).send(body);
      expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(response.body).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    const forbidden = await t
      .http()
      .put('/research/thresholds/default')
      .set(auth(regulatorToken))
      .send({ minCohortSize: 5, ethicsApprovalRequired: true });
    expect(forbidden.status).toBe(403);
    expect((await t.http().get('/research/refusals').set(auth(analyst))).status).toBe(403);
    expect((await t.http().get('/research/thresholds')).status).toBe(401);
    expect(t.ledger.calls.length).toBe(calls);
  });

  it('routes each endpoint through its transaction rule', async () => {
    const ledger = new FakeLedgerClient();
    const service = serviceOf(ledger);
    await expect(
      throughRoute(
        { handler: ResearchController.prototype.setThreshold, caller: researcher },
        (as) =>
          service.setThreshold(as, 'default', { minCohortSize: 1, ethicsApprovalRequired: false }),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
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

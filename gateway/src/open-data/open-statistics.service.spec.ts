import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotImplementedError } from '../common/errors.js';
import { FakeLedgerClient, jsonArg } from '../testing/fake-ledger.client.js';
import { createTestApp, testProfile, type TestApp } from '../testing/test-app.js';
import { OPEN_DATA_REQUESTS_PER_MINUTE } from './open-data-rate.guard.js';
import {
  OPEN_STATISTICS_CACHE_SIZE,
  OPEN_STATISTICS_TTL_MILLIS,
  OpenStatisticsService,
} from './open-statistics.service.js';

const answer = {
  from: '2026-12-01',
  to: '2026-12-01',
  cells: [
    { day: '2026-12-01', region: '330100', purpose: 'research', lessThan: 5 },
    { day: '2026-12-01', region: '330100', purpose: 'treatment', count: 12 },
  ],
};
const window = { from: '2026-12-01', to: '2026-12-01' };

describe('OpenStatisticsService', () => {
  it("evaluates as the gateway's service identity, and reuses an answer for five minutes", async () => {
    const ledger = new FakeLedgerClient().on('audit:GetOpenStatistics', () => answer);
    const service = new OpenStatisticsService(ledger, testProfile('government', 'GovMSP'));
    let now = 1_000_000;
    service.useClock(() => now);
    expect(await service.statistics(window)).toEqual(answer);
    expect(await service.statistics(window)).toEqual(answer);
    expect(ledger.calls).toHaveLength(1);
    expect(ledger.calls[0]).toMatchObject({ kind: 'evaluate', identity: 'gateway-service' });
    expect(jsonArg(ledger.calls[0])).toEqual(window);
    now += OPEN_STATISTICS_TTL_MILLIS;
    await service.statistics(window);
    expect(ledger.calls).toHaveLength(2);
    // Another window is another entry; the cache keeps a bounded number of them.
    for (let day = 1; day <= OPEN_STATISTICS_CACHE_SIZE; day += 1) {
      const from = new Date(Date.UTC(2026, 0, day)).toISOString().slice(0, 10);
      await service.statistics({ from, to: from });
    }
    const before = ledger.calls.length;
    await service.statistics(window);
    expect(ledger.calls.length).toBe(before + 1);
    // A threshold changed: every answer is asked for again.
    service.forget();
    await service.statistics(window);
    expect(ledger.calls.length).toBe(before + 2);
  });

  it('keeps no failed answer, and is served only by the government gateway', async () => {
    let fail = true;
    const ledger = new FakeLedgerClient().on('audit:GetOpenStatistics', () => {
      if (fail) throw new Error('peer down');
      return answer;
    });
    const service = new OpenStatisticsService(ledger, testProfile('government', 'GovMSP'));
    await expect(service.statistics(window)).rejects.toThrow();
    fail = false;
    expect(await service.statistics(window)).toEqual(answer);
    const hospital = new OpenStatisticsService(
      ledger,
      testProfile('hospital', 'TertiaryHospitalMSP'),
    );
    await expect(hospital.statistics(window)).rejects.toBeInstanceOf(NotImplementedError);
  });
});

describe('GET /open/statistics (in process, fake ledger)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ orgType: 'government', mspId: 'GovMSP' });
    t.ledger.on('audit:GetOpenStatistics', () => answer);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers without credentials, cacheable; 400 for bad days; 429 past the per-address rate', async () => {
    const response = await t.http().get('/open/statistics?from=2026-12-01&to=2026-12-01');
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual(answer);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    for (const query of ['from=2026-12-01', 'from=1.12.2026&to=2026-12-01', 'from=x&to=y', '']) {
      const bad = await t.http().get(`/open/statistics?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    // Only reads: no other method.
    expect((await t.http().post('/open/statistics').send({})).status).toBe(404);
    let status = 200;
    for (let n = 0; n < OPEN_DATA_REQUESTS_PER_MINUTE && status !== 429; n += 1) {
      status = (await t.http().get('/open/statistics?from=2026-12-01&to=2026-12-01')).status;
    }
    expect(status).toBe(429);
    const limited = await t.http().get('/open/statistics?from=2026-12-01&to=2026-12-01');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
  });
});

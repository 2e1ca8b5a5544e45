import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessEvent } from '@consent-ledger/ledger-api';
import {
  silentNarrator,
  type ScenarioResult,
  oversightScenario,
  type OversightIds,
} from '@consent-ledger/demo';
import {
  auditedEvent,
  decisionOf,
  scenarioGateways,
  type ScenarioGateways,
} from '../../support/scenarios.ts';

/**
 * Scenario 4, government oversight in the regional hierarchy, on the real network through the
 * gateways: region search and statistics rolled up county -> city -> province; a break-glass
 * access in the review queue and on the patient's timeline.
 */
describe('scenario: government oversight from county to province', () => {
  let gateways: ScenarioGateways;
  let result: ScenarioResult<OversightIds>;
  let regulator: string;

  beforeAll(async () => {
    gateways = await scenarioGateways();
    result = await oversightScenario({ gateways: gateways.clients, narrator: silentNarrator });
    regulator = await gateways.login('gov', result.ids.usernames.regulator);
  }, 300_000);
  afterAll(async () => {
    await gateways.close();
  });

  it('meets every expectation of the scenario', () => {
    expect(result.failures).toEqual([]);
    expect(result.ids.communityRegion.county).not.toBe(result.ids.tertiaryRegion.county);
    expect(result.ids.communityRegion.city).toBe(result.ids.tertiaryRegion.city);
  });

  it('recorded the break-glass access, reviewed, on the patient’s timeline', async () => {
    const { ids } = result;
    const event = await auditedEvent(gateways.clients.gov, regulator, ids.breakGlassEventId);
    expect(event).toMatchObject({
      patientId: ids.patientId,
      accessor: { org: 'CommunityHospitalMSP', role: 'clinician' },
      purpose: 'emergency',
      categories: ['medication'],
      decision: 'permit',
      reason: 'EMERGENCY_ACCESS',
      breakGlass: true,
    });
    const full = event as unknown as AccessEvent;
    expect(full.emergency?.review).toMatchObject({ status: 'reviewed', outcome: 'justified' });
    const patient = await gateways.login('community', ids.usernames.patient);
    const timeline = await gateways.clients.community.call<{
      items: { eventId: string; breakGlass: boolean }[];
    }>('GET', `/audit/access-events?patientId=${ids.patientId}&breakGlass=true`, {
      token: patient,
    });
    expect(timeline.items.map((item) => item.eventId)).toEqual([ids.breakGlassEventId]);
    // Reviewing twice is a conflict.
    const again = await gateways.clients.gov.request<{ code: string }>(
      'POST',
      `/audit/emergency-reviews/${ids.breakGlassEventId}`,
      {
        token: regulator,
        body: { outcome: 'unjustified', comment: 'a second opinion' },
      },
    );
    expect([again.status, again.body.code]).toEqual([409, 'CONFLICT']);
  });

  it('keeps the review comment at the regulator’s gateway, only its salted commitment on the ledger', async () => {
    const { ids } = result;
    const kept = await gateways.clients.gov.call<{
      comment: string;
      salt: string;
      commentHash: string;
      matchesLedger: boolean;
    }>('GET', `/audit/emergency-reviews/${ids.breakGlassEventId}`, { token: regulator });
    expect(kept.comment).toMatch(/attending physician/);
    expect(kept.matchesLedger).toBe(true);
    // What an auditor does with the comment and salt the regulator shows: recompute the hash.
    const recomputed = createHash('sha256')
      .update(Buffer.from(kept.salt, 'base64url'))
      .update(kept.comment.normalize('NFC'), 'utf8')
      .digest('hex');
    const event = (await auditedEvent(
      gateways.clients.gov,
      regulator,
      ids.breakGlassEventId,
    )) as unknown as AccessEvent;
    expect(event.emergency?.review.commentHash).toBe(recomputed);
    expect(JSON.stringify(event)).not.toContain('physician');
    // The hospital's own copy of the event carries the commitment, not the words; and only the
    // regulator reads the comment.
    const hospital = await gateways.login('community', ids.usernames.communityClinician);
    const refused = await gateways.clients.community.request<{ code: string }>(
      'GET',
      `/audit/emergency-reviews/${ids.breakGlassEventId}`,
      { token: hospital },
    );
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    // A review without a comment, or with too long a one, is refused before the ledger.
    for (const body of [
      { outcome: 'unjustified' },
      { outcome: 'unjustified', comment: ' \n ' },
      { outcome: 'unjustified', comment: 'x'.repeat(2001) },
    ]) {
      const bad = await gateways.clients.gov.request<{ code: string }>(
        'POST',
        `/audit/emergency-reviews/${ids.breakGlassEventId}`,
        { token: regulator, body },
      );
      expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    }
  });

  it('searches the audit trail by region at each level', async () => {
    const { ids } = result;
    const { from, to } = ids.window;
    const search = async (region: string) =>
      (
        await gateways.clients.gov.call<{ items: AccessEvent[] }>(
          'GET',
          `/audit/access-events?patientId=${ids.patientId}&region=${region}&from=${from}&to=${to}`,
          { token: regulator },
        )
      ).items.map((item) => item.eventId);
    const both = [ids.treatmentEventId, ids.breakGlassEventId].sort();
    expect(await search(ids.communityRegion.county!)).toEqual([ids.breakGlassEventId]);
    expect(await search(ids.tertiaryRegion.county!)).toEqual([ids.treatmentEventId]);
    expect((await search(ids.communityRegion.city!)).sort()).toEqual(both);
    expect((await search(ids.communityRegion.province)).sort()).toEqual(both);
    expect(await search('110000')).toEqual([]);
    const bad = await gateways.clients.gov.request('GET', '/audit/access-events?region=33011', {
      token: regulator,
    });
    expect(bad.status).toBe(400);
    // A hospital's search is confined to its own events, whatever the region asked.
    const clinician = await gateways.login('community', ids.usernames.communityClinician);
    const own = await gateways.clients.community.call<{ items: AccessEvent[] }>(
      'GET',
      `/audit/access-events?region=${ids.communityRegion.city!}&from=${from}&to=${to}`,
      { token: clinician },
    );
    for (const item of own.items) expect(item.accessor.org).toBe('CommunityHospitalMSP');
  });

  it('rolls the statistics up from county to city to province', async () => {
    const { county, city, province } = result.ids.statistics;
    const { communityRegion } = result.ids;
    expect(Object.values(county.byRegion).reduce((sum, count) => sum + count, 0)).toBe(city.total);
    expect(city.byRegion).toEqual({ [communityRegion.city!]: city.total });
    expect(province.byRegion[communityRegion.province]).toBeGreaterThanOrEqual(city.total);
    expect(county.byRegion[communityRegion.county!]).toBeGreaterThanOrEqual(1);
    expect(county.byBreakGlass.true).toBeGreaterThanOrEqual(1);
    // Statistics are the regulator's only, and carry no patient IDs.
    expect(JSON.stringify(result.ids.statistics)).not.toContain(result.ids.patientId);
    const clinician = await gateways.login('community', result.ids.usernames.communityClinician);
    const refused = await gateways.clients.community.request(
      'GET',
      `/audit/statistics?level=county&from=${result.ids.window.from}&to=${result.ids.window.to}`,
      { token: clinician },
    );
    expect(refused.status).toBe(403);
  });

  it('lets nothing beyond the consent be read outside the break-glass', async () => {
    const { ids } = result;
    const tertiary = await gateways.login('tertiary', ids.usernames.tertiaryClinician);
    const community = await gateways.login('community', ids.usernames.communityClinician);
    const ask = (extra: Record<string, string | string[]>) => ({
      patientId: ids.patientId,
      purpose: 'treatment',
      ...extra,
    });
    expect(
      await decisionOf(gateways.clients.tertiary, tertiary, ask({ categories: ['outpatient'] })),
    ).toMatchObject({ decision: 'permit' });
    expect(
      await decisionOf(gateways.clients.tertiary, tertiary, ask({ categories: ['medication'] })),
    ).toMatchObject({ decision: 'deny' });
    expect(
      await decisionOf(
        gateways.clients.tertiary,
        tertiary,
        ask({ purpose: 'research', categories: ['outpatient'] }),
      ),
    ).toMatchObject({ decision: 'deny' });
    // The community hospital read under break-glass only: an ordinary request stays denied.
    expect(
      await decisionOf(gateways.clients.community, community, ask({ categories: ['medication'] })),
    ).toMatchObject({
      decision: 'deny',
      reason: 'NO_MATCHING_CONSENT',
    });
  });
});

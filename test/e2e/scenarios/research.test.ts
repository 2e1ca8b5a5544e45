import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  silentNarrator,
  type ScenarioResult,
  researchScenario,
  type ResearchIds,
} from '@consent-ledger/demo';
import {
  auditedEvent,
  decisionOf,
  scenarioGateways,
  type ScenarioGateways,
} from '../../support/scenarios.ts';

/**
 * Scenario 3, a research cohort, on the real network through the gateways: consenting patients
 * only, pseudonyms only, one access event per inclusion, revocation honoured.
 */
describe('scenario: a research cohort from consenting patients', () => {
  let gateways: ScenarioGateways;
  let result: ScenarioResult<ResearchIds>;
  let regulator: string;

  beforeAll(async () => {
    gateways = await scenarioGateways();
    result = await researchScenario({ gateways: gateways.clients, narrator: silentNarrator });
    regulator = (await gateways.user('gov', 'regulator')).token;
  }, 300_000);
  afterAll(async () => {
    await gateways.close();
  });

  it('includes exactly the consenting patients, then drops the one who revoked', () => {
    const { ids } = result;
    expect(result.failures).toEqual([]);
    expect(
      result.decisions.map(({ decision, reason, purpose }) => [decision, reason, purpose]),
    ).toEqual(Array.from({ length: 3 }, () => ['permit', 'PERMITTED_BY_CONSENT', 'research']));
    expect([...ids.first.included].sort()).toEqual(ids.consenting);
    expect(ids.first.included).not.toContain(ids.partial);
    expect(ids.first.included).not.toContain(ids.unconsenting);
    expect(ids.second.included).toEqual(ids.consenting.filter((id) => id !== ids.revokedPatientId));
    for (const page of [ids.first, ids.second]) {
      expect(page.events).toHaveLength(page.included.length);
      for (const id of page.included) expect(id).toMatch(/^pid-[a-z2-7]{16,32}$/);
      for (const username of ids.usernames.patients)
        expect(JSON.stringify(page)).not.toContain(username);
    }
  });

  it('records one research access event per inclusion, under the study', async () => {
    const { ids } = result;
    const researcher = await gateways.login('research', ids.usernames.researcher);
    for (const page of [ids.first, ids.second]) {
      const seen = [];
      for (const eventId of page.events) {
        const event = await auditedEvent(gateways.clients.gov, regulator, eventId);
        expect(event).toMatchObject({
          accessor: { org: 'ResearchMSP', role: 'researcher' },
          purpose: 'research',
          categories: ids.categories,
          decision: 'permit',
          reason: 'PERMITTED_BY_CONSENT',
          cohort: { studyId: ids.studyId },
          txId: page.txId,
        });
        seen.push(event.patientId);
        // The institute sees its own events.
        expect((await auditedEvent(gateways.clients.research, researcher, eventId)).eventId).toBe(
          eventId,
        );
      }
      expect(seen.sort()).toEqual([...page.included].sort());
    }
    // Patients left out have no event of the study.
    const excluded = await gateways.clients.gov.call<{ items: { cohort?: { studyId: string } }[] }>(
      'GET',
      `/audit/access-events?patientId=${ids.unconsenting}&pageSize=100`,
      { token: regulator },
    );
    expect(excluded.items.filter((event) => event.cohort?.studyId === ids.studyId)).toEqual([]);
  });

  it('lets nothing beyond the research consent be read', async () => {
    const { ids } = result;
    const researcher = await gateways.login('research', ids.usernames.researcher);
    const [stays] = ids.second.included;
    const ask = (extra: Record<string, string | string[]>) =>
      decisionOf(gateways.clients.research, researcher, {
        patientId: stays!,
        purpose: 'research',
        categories: ids.categories,
        ...extra,
      });
    expect(await ask({})).toMatchObject({ decision: 'permit' });
    expect(await ask({ categories: ['genomic'] })).toMatchObject({ decision: 'deny' });
    expect(await ask({ purpose: 'treatment' })).toMatchObject({ decision: 'deny' });
    expect(await ask({ patientId: ids.revokedPatientId })).toMatchObject({
      decision: 'deny',
      reason: 'NO_MATCHING_CONSENT',
    });
    expect(await ask({ patientId: ids.partial })).toMatchObject({
      decision: 'deny',
      reason: 'CATEGORY_NOT_CONSENTED',
    });
    // Another organization's analyst gets nothing for research.
    const analyst = await gateways.user('enterprise', 'analyst');
    expect(
      await decisionOf(gateways.clients.enterprise, analyst.token, {
        patientId: stays!,
        purpose: 'research',
        categories: ids.categories,
      }),
    ).toMatchObject({ decision: 'deny' });
    // Only researchers of a research organization ask for cohorts.
    const refused = await gateways.clients.enterprise.request('POST', '/cohorts', {
      token: analyst.token,
      body: { studyId: ids.studyId, categories: ids.categories },
    });
    expect(refused.status).toBe(403);
  });
});

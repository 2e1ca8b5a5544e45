import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  institutionsScenario,
  silentNarrator,
  type InstitutionsIds,
  type ScenarioResult,
} from '@consent-ledger/demo';
import {
  auditedEvent,
  decisionOf,
  scenarioGateways,
  type ScenarioGateways,
} from '../../support/scenarios.ts';

/**
 * Scenario 6, one insurer of two (issue 18, member institutions), on the real network through the
 * gateways: the consent names one insurer of EnterpriseMSP; its sister insurer is refused, and the
 * refusal is recorded with the institution that asked.
 */
describe('scenario: one insurer of two is named, the other is refused', () => {
  let gateways: ScenarioGateways;
  let result: ScenarioResult<InstitutionsIds>;
  let regulator: string;

  beforeAll(async () => {
    gateways = await scenarioGateways();
    result = await institutionsScenario({ gateways: gateways.clients, narrator: silentNarrator });
    regulator = (await gateways.user('gov', 'regulator')).token;
  }, 300_000);
  afterAll(async () => {
    await gateways.close();
  });

  it('permits the named insurer and refuses its sister insurer', () => {
    expect(result.failures).toEqual([]);
    expect(result.decisions.map(({ decision, reason }) => [decision, reason])).toEqual([
      ['permit', 'PERMITTED_BY_CONSENT'],
      ['deny', 'NO_MATCHING_CONSENT'],
    ]);
  });

  it('records both requests with the institution that asked, for the regulator too', async () => {
    const { ids } = result;
    const permitted = await auditedEvent(gateways.clients.gov, regulator, ids.permittedEventId);
    expect(permitted).toMatchObject({
      patientId: ids.patientId,
      accessor: { org: 'EnterpriseMSP', role: 'analyst', institution: ids.insurers.named },
      decision: 'permit',
    });
    expect((permitted as unknown as { consentIds: string[] }).consentIds).toEqual([ids.consentId]);
    expect(await auditedEvent(gateways.clients.gov, regulator, ids.deniedEventId)).toMatchObject({
      accessor: { org: 'EnterpriseMSP', role: 'analyst', institution: ids.insurers.sister },
      decision: 'deny',
      reason: 'NO_MATCHING_CONSENT',
    });
  });

  it('keeps the sister insurer refused, and an enterprise analyst of no institution too', async () => {
    const { ids } = result;
    const question = { patientId: ids.patientId, purpose: 'insurance', categories: ['outpatient'] };
    const sister = await gateways.login('enterprise', ids.usernames.sister);
    expect(await decisionOf(gateways.clients.enterprise, sister, question)).toMatchObject({
      decision: 'deny',
      reason: 'NO_MATCHING_CONSENT',
    });
    const unaffiliated = await gateways.user('enterprise', 'analyst');
    expect(
      await decisionOf(gateways.clients.enterprise, unaffiliated.token, question),
    ).toMatchObject({ decision: 'deny', reason: 'NO_MATCHING_CONSENT' });
    const named = await gateways.login('enterprise', ids.usernames.named);
    expect(await decisionOf(gateways.clients.enterprise, named, question)).toMatchObject({
      decision: 'permit',
    });
  });
});

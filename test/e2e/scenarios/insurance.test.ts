import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  silentNarrator,
  type ScenarioResult,
  insuranceScenario,
  type InsuranceIds,
} from '@consent-ledger/demo';
import {
  auditedEvent,
  decisionOf,
  scenarioGateways,
  type ScenarioGateways,
} from '../../support/scenarios.ts';

/**
 * Scenario 5, an insurer's access for a claim, on the real network through the gateways: the
 * consented categories and period only, and nothing after the consent ends.
 */
describe('scenario: an insurer reads what a claim needs, while the consent lasts', () => {
  let gateways: ScenarioGateways;
  let result: ScenarioResult<InsuranceIds>;
  let regulator: string;

  beforeAll(async () => {
    gateways = await scenarioGateways();
    result = await insuranceScenario({
      gateways: gateways.clients,
      narrator: silentNarrator,
      validForMillis: 15_000,
    });
    regulator = (await gateways.user('gov', 'regulator')).token;
  }, 300_000);
  afterAll(async () => {
    await gateways.close();
  });

  it('permits the claim within the consent and denies everything else', () => {
    expect(result.failures).toEqual([]);
    expect(result.decisions.map(({ decision, reason }) => [decision, reason])).toEqual([
      ['permit', 'PERMITTED_BY_CONSENT'],
      ['deny', 'NO_MATCHING_CONSENT'],
      ['deny', 'DATA_PERIOD_NOT_CONSENTED'],
      ['deny', 'NO_MATCHING_CONSENT'],
      ['deny', 'NO_MATCHING_CONSENT'],
    ]);
  });

  it('records each request with the consent that decided it', async () => {
    const { ids } = result;
    const [permitted, ...denied] = result.decisions;
    const event = await auditedEvent(gateways.clients.gov, regulator, permitted!.eventId);
    expect(event).toMatchObject({
      patientId: ids.patientId,
      accessor: { org: 'EnterpriseMSP', role: 'analyst' },
      purpose: 'insurance',
      categories: ids.claim.categories,
      decision: 'permit',
      txId: permitted!.txId,
    });
    expect((event as unknown as { consentIds: string[] }).consentIds).toEqual([ids.consentId]);
    expect(event).toMatchObject({ dataFrom: ids.claim.dataFrom, dataUntil: ids.claim.dataUntil });
    for (const decision of denied) {
      expect(await auditedEvent(gateways.clients.gov, regulator, decision.eventId)).toMatchObject({
        decision: 'deny',
        reason: decision.reason,
      });
    }
    const patient = await gateways.login('tertiary', ids.usernames.patient);
    const timeline = await gateways.clients.tertiary.call<{ items: { eventId: string }[] }>(
      'GET',
      `/audit/access-events?patientId=${ids.patientId}`,
      { token: patient },
    );
    expect(timeline.items.map((item) => item.eventId).sort()).toEqual(
      result.eventIds.slice().sort(),
    );
  });

  it('reads nothing after the consent ended, and never did beyond it', async () => {
    const { ids } = result;
    const insurer = await gateways.login('enterprise', ids.usernames.insurer);
    const patient = await gateways.login('tertiary', ids.usernames.patient);
    const consent = await gateways.clients.tertiary.call<Record<string, unknown>>(
      'GET',
      `/consents/${ids.consentId}`,
      {
        token: patient,
      },
    );
    expect(consent).toMatchObject({
      status: 'expired',
      validUntil: ids.validUntil,
      categories: ids.categories,
    });
    const ask = (extra: Record<string, string | string[]>) =>
      decisionOf(gateways.clients.enterprise, insurer, {
        patientId: ids.patientId,
        purpose: 'insurance',
        ...ids.claim,
        ...extra,
      });
    const probes: Record<string, string | string[]>[] = [
      {},
      { categories: ['imaging'] },
      { dataFrom: '2020-01-01T00:00:00.000Z' },
      { purpose: 'treatment' },
    ];
    for (const probe of probes) expect(await ask(probe)).toMatchObject({ decision: 'deny' });
    // Another enterprise role or another organization never had it.
    const researcher = await gateways.user('research', 'researcher');
    expect(
      await decisionOf(gateways.clients.research, researcher.token, {
        patientId: ids.patientId,
        purpose: 'insurance',
        ...ids.claim,
      }),
    ).toMatchObject({ decision: 'deny', reason: 'NO_MATCHING_CONSENT' });
  });
});

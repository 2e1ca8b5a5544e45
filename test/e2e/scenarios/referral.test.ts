import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCredentials } from '@consent-ledger/network';
import {
  registerPatient,
  silentNarrator,
  type ScenarioResult,
  referralScenario,
  type ReferralIds,
} from '@consent-ledger/demo';
import {
  auditedEvent,
  decisionOf,
  scenarioGateways,
  type ScenarioGateways,
} from '../../support/scenarios.ts';

/**
 * Scenario 1, two-way referral, on the real network through the gateways: the scenario runs, then
 * the referrals, the recorded access events and the limits of what was readable are checked
 * independently through the gateways.
 */
describe('scenario: two-way referral between hospitals', () => {
  let gateways: ScenarioGateways;
  let result: ScenarioResult<ReferralIds>;
  let regulator: string;

  beforeAll(async () => {
    gateways = await scenarioGateways();
    result = await referralScenario({ gateways: gateways.clients, narrator: silentNarrator });
    regulator = (await gateways.user('gov', 'regulator')).token;
  }, 300_000);
  afterAll(async () => {
    await gateways.close();
  });

  it('takes the expected decision at every step', () => {
    expect(result.failures).toEqual([]);
    expect(
      result.decisions.map(({ decision, reason, accessorOrg }) => [accessorOrg, decision, reason]),
    ).toEqual([
      ['TertiaryHospitalMSP', 'deny', 'NO_ACTIVE_REFERRAL'],
      ['TertiaryHospitalMSP', 'permit', 'PERMITTED_BY_CONSENT'],
      ['TertiaryHospitalMSP', 'deny', 'NO_ACTIVE_REFERRAL'],
      ['TertiaryHospitalMSP', 'deny', 'NO_MATCHING_CONSENT'],
      ['TertiaryHospitalMSP', 'deny', 'NO_ACTIVE_REFERRAL'],
      ['CommunityHospitalMSP', 'permit', 'PERMITTED_BY_CONSENT'],
      ['CommunityHospitalMSP', 'deny', 'NO_ACTIVE_REFERRAL'],
      ['CommunityHospitalMSP', 'deny', 'NO_ACTIVE_REFERRAL'],
    ]);
    expect(new Set(result.txIds).size).toBe(result.txIds.length);
  });

  it('keeps both referrals on the ledger, naming both hospitals, categories and validity, closed', async () => {
    const { ids } = result;
    const patient = await gateways.login('community', ids.usernames.patient);
    const forward = await gateways.clients.community.call<Record<string, unknown>>(
      'GET',
      `/referrals/${ids.referralId}`,
      { token: patient },
    );
    expect(forward).toMatchObject({
      patientId: ids.patientId,
      fromOrg: 'CommunityHospitalMSP',
      toOrg: 'TertiaryHospitalMSP',
      categories: [...ids.referred].sort(),
      status: 'closed',
    });
    expect(Date.parse(forward.validUntil as string)).toBeGreaterThan(Date.now());
    const back = await gateways.clients.gov.call<Record<string, unknown>>(
      'GET',
      `/referrals/${ids.referralBackId}`,
      { token: regulator },
    );
    expect(back).toMatchObject({
      fromOrg: 'TertiaryHospitalMSP',
      toOrg: 'CommunityHospitalMSP',
      categories: [...ids.discharge].sort(),
      returnOf: ids.referralId,
      status: 'closed',
    });
    // An organization outside the referral may not read it.
    const researcher = await gateways.user('research', 'researcher');
    const stranger = await gateways.clients.research.request(
      'GET',
      `/referrals/${ids.referralId}`,
      {
        token: researcher.token,
      },
    );
    expect(stranger.status).toBe(403);
  });

  it('records every request as an access event, as the regulator and the patient see it', async () => {
    const patient = await gateways.login('community', result.ids.usernames.patient);
    for (const decision of result.decisions) {
      const event = await auditedEvent(gateways.clients.gov, regulator, decision.eventId);
      expect(event).toMatchObject({
        patientId: result.ids.patientId,
        accessor: { org: decision.accessorOrg, role: 'clinician' },
        purpose: 'referral',
        categories: [...decision.categories].sort(),
        decision: decision.decision,
        reason: decision.reason,
        breakGlass: false,
        txId: decision.txId,
      });
      expect(
        (await auditedEvent(gateways.clients.community, patient, decision.eventId)).eventId,
      ).toBe(decision.eventId);
    }
  });

  it('lets nothing beyond the referral and the consent be read, before, during and after', async () => {
    const { ids } = result;
    const tertiary = await gateways.login('tertiary', ids.usernames.tertiaryClinician);
    const community = await gateways.login('community', ids.usernames.communityClinician);
    const ask = (
      client: 'tertiary' | 'community',
      token: string,
      extra: Record<string, string | string[]>,
    ) =>
      decisionOf(gateways.clients[client], token, {
        patientId: ids.patientId,
        purpose: 'referral',
        ...extra,
      });
    // Both referrals are closed: nothing is readable for referral any more.
    expect(await ask('tertiary', tertiary, { categories: ['imaging'] })).toMatchObject({
      decision: 'deny',
      reason: 'NO_ACTIVE_REFERRAL',
    });
    expect(await ask('community', community, { categories: ['inpatient'] })).toMatchObject({
      decision: 'deny',
      reason: 'NO_ACTIVE_REFERRAL',
    });
    // Unconsented category, another purpose, another organization: denied by the consent itself.
    expect(await ask('tertiary', tertiary, { categories: ['genomic'] })).toMatchObject({
      decision: 'deny',
    });
    expect(
      await ask('tertiary', tertiary, { purpose: 'treatment', categories: ['imaging'] }),
    ).toMatchObject({
      decision: 'deny',
      reason: 'NO_MATCHING_CONSENT',
    });
    const analyst = await gateways.user('enterprise', 'analyst');
    expect(
      await decisionOf(gateways.clients.enterprise, analyst.token, {
        patientId: ids.patientId,
        purpose: 'referral',
        categories: ['imaging'],
      }),
    ).toMatchObject({ decision: 'deny', reason: 'NO_MATCHING_CONSENT' });
    // Closing again is a conflict; a referral to a non-hospital is refused.
    const again = await gateways.clients.tertiary.request<{ code: string }>(
      'POST',
      `/referrals/${ids.referralId}/close`,
      {
        token: tertiary,
      },
    );
    expect([again.status, again.body.code]).toEqual([409, 'CONFLICT']);
    const toInsurer = await gateways.clients.community.request<{ code: string }>(
      'POST',
      '/referrals',
      {
        token: community,
        body: {
          patientId: ids.patientId,
          toOrg: 'EnterpriseMSP',
          categories: ['imaging'],
          validUntil: new Date(Date.now() + 86_400_000).toISOString(),
        },
      },
    );
    expect([toInsurer.status, toInsurer.body.code]).toEqual([422, 'RULE_VIOLATION']);
  });

  it('refuses a referral between two hospitals when neither is the patient’s home', async () => {
    // A patient registered by the enterprise: the two hospitals are both outside their home, and
    // a referral between them would be kept where the home could not see it.
    const enterprise = adminCredentials('enterprise');
    const enterpriseAdmin = await gateways.clients.enterprise.login(
      enterprise.username,
      enterprise.password,
    );
    const elsewhere = await registerPatient(gateways.clients.enterprise, enterpriseAdmin);
    const community = await gateways.login('community', result.ids.usernames.communityClinician);
    const refused = await gateways.clients.community.request<{ code: string }>(
      'POST',
      '/referrals',
      {
        token: community,
        body: {
          patientId: elsewhere.patientId,
          toOrg: 'TertiaryHospitalMSP',
          categories: ['imaging'],
          validUntil: new Date(Date.now() + 86_400_000).toISOString(),
        },
      },
    );
    expect([refused.status, refused.body.code]).toEqual([422, 'RULE_VIOLATION']);
  });
});

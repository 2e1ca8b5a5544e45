import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SALT_PATTERN, newSalt } from '@consent-ledger/ledger-api';
import {
  silentNarrator,
  type ScenarioResult,
  readingDigest,
  wearableScenario,
  type WearableIds,
} from '@consent-ledger/demo';
import {
  auditedEvent,
  decisionOf,
  scenarioGateways,
  type ScenarioGateways,
} from '../../support/scenarios.ts';

/**
 * Scenario 2, wearable data, on the real network through the gateways: the device maker's batch
 * anchoring under consent, a clinician's verification, the refusals without consent.
 */
describe('scenario: wearable readings anchored by a device maker', () => {
  let gateways: ScenarioGateways;
  let result: ScenarioResult<WearableIds>;
  let regulator: string;

  beforeAll(async () => {
    gateways = await scenarioGateways();
    result = await wearableScenario({ gateways: gateways.clients, narrator: silentNarrator });
    regulator = (await gateways.user('gov', 'regulator')).token;
  }, 300_000);
  afterAll(async () => {
    await gateways.close();
  });

  it('meets every expectation and refuses anchoring without consent, outside wearable and after revocation', () => {
    expect(result.failures).toEqual([]);
    expect(result.ids.refusals).toEqual({ noConsent: 403, notWearable: 403, revoked: 403 });
  });

  it('anchored the batch by the device maker, hashes only, and a reading verifies at the hospital', async () => {
    const { ids } = result;
    const clinician = await gateways.login('community', ids.usernames.clinician);
    const reading = ids.readings[0]!;
    // The maker's own gateway rebuilds the proof from its batch store.
    const maker = await gateways.login('enterprise', ids.usernames.maker);
    const own = await gateways.clients.enterprise.call<{
      verified: boolean;
      anchor: Record<string, unknown>;
      proof: { leafIndex: number; auditPath: string[]; root: string; salt: string };
    }>('POST', '/records/verify', {
      token: maker,
      body: { recordId: reading.recordId, sha256: readingDigest(reading) },
    });
    expect(own).toMatchObject({
      verified: true,
      anchor: {
        batchId: ids.batchId,
        owner: 'EnterpriseMSP',
        size: ids.readings.length,
      },
      proof: { root: ids.root },
    });
    // The ledger keeps the root only: no reading's values, and the public batch names no patient
    // and no category (issue 14); each leaf is salted, the salt handed out with its proof.
    expect(JSON.stringify(own.anchor)).not.toMatch(/heartRate|measuredAt|steps/);
    expect(JSON.stringify(own.anchor)).not.toContain(ids.patientId);
    expect(own.anchor).not.toHaveProperty('categories');
    expect(own.proof.salt).toMatch(SALT_PATTERN);
    // The clinician checks the same reading at the hospital's gateway with the maker's proof.
    const batchProof = {
      batchId: ids.batchId,
      patientId: ids.patientId,
      category: 'wearable',
      salt: own.proof.salt,
      leafIndex: own.proof.leafIndex,
      auditPath: own.proof.auditPath,
    };
    const atHospital = await gateways.clients.community.call<{ verified: boolean; reason: string }>(
      'POST',
      '/records/verify',
      {
        token: clinician,
        body: { recordId: reading.recordId, sha256: readingDigest(reading), batchProof },
      },
    );
    expect(atHospital).toMatchObject({ verified: true, reason: 'MATCH' });
    const wrongPatient = await gateways.clients.community.call<{ verified: boolean }>(
      'POST',
      '/records/verify',
      {
        token: clinician,
        body: {
          recordId: reading.recordId,
          sha256: readingDigest(reading),
          batchProof: { ...batchProof, patientId: ids.unconsentedPatientId },
        },
      },
    );
    expect(wrongPatient.verified).toBe(false);
    // Without the item's salt the leaf cannot be rebuilt: a guessed reading proves nothing.
    const wrongSalt = await gateways.clients.community.call<{ verified: boolean }>(
      'POST',
      '/records/verify',
      {
        token: clinician,
        body: {
          recordId: reading.recordId,
          sha256: readingDigest(reading),
          batchProof: { ...batchProof, salt: newSalt() },
        },
      },
    );
    expect(wrongSalt.verified).toBe(false);
  });

  it('recorded the clinician’s read, and the consents limit who reads what', async () => {
    const { ids } = result;
    const [read] = result.decisions;
    expect(read).toMatchObject({
      decision: 'permit',
      purpose: 'treatment',
      categories: ['wearable'],
    });
    expect(await auditedEvent(gateways.clients.gov, regulator, read!.eventId)).toMatchObject({
      patientId: ids.patientId,
      accessor: { org: 'CommunityHospitalMSP', role: 'clinician' },
      categories: ['wearable'],
      decision: 'permit',
    });
    const clinician = await gateways.login('community', ids.usernames.clinician);
    const maker = await gateways.login('enterprise', ids.usernames.maker);
    const ask = (extra: Record<string, string | string[]>) => ({
      patientId: ids.patientId,
      purpose: 'treatment',
      ...extra,
    });
    // The clinician's consent covers wearable data, not other categories or purposes.
    expect(
      await decisionOf(gateways.clients.community, clinician, ask({ categories: ['wearable'] })),
    ).toMatchObject({ decision: 'permit' });
    expect(
      await decisionOf(gateways.clients.community, clinician, ask({ categories: ['laboratory'] })),
    ).toMatchObject({ decision: 'deny' });
    expect(
      await decisionOf(
        gateways.clients.community,
        clinician,
        ask({ purpose: 'research', categories: ['wearable'] }),
      ),
    ).toMatchObject({ decision: 'deny' });
    // The maker's consent was revoked: nothing is readable for it any more.
    expect(
      await decisionOf(gateways.clients.enterprise, maker, ask({ categories: ['wearable'] })),
    ).toMatchObject({
      decision: 'deny',
      reason: 'NO_MATCHING_CONSENT',
    });
    const patient = await gateways.login('community', ids.usernames.patient);
    const consent = await gateways.clients.community.call<{ status: string }>(
      'GET',
      `/consents/${ids.consentId}`,
      { token: patient },
    );
    expect(consent.status).toBe('revoked');
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessOutcome, Consent, ConsentInput } from '@consent-ledger/ledger-api';
import { fhirConsent, fhirConsentTerms } from '../support/fhir-consent.ts';
import {
  enrolPatient,
  gateway,
  uniqueName,
  type GatewayApi,
  type GatewayPatient,
} from '../support/gateways.ts';

/**
 * Sensitive data through the gateways on the real network (issue 18; docs/ledger-api.md,
 * "Sensitive data"): data carrying a sensitivity label (HL7 v3 ActCode: PSY, HIV, ...) is opened
 * only by a consent that names the label, over REST and FHIR alike, and break-glass never opens
 * it unless the patient allowed it for emergencies in advance.
 */

const PASSWORD = 'sensitive-data-password-1';
const TERTIARY = 'TertiaryHospitalMSP';

describe('sensitive data (security labels), real network', () => {
  let tertiary: GatewayApi;
  let community: GatewayApi;
  let patient: GatewayPatient;
  let doctor: string;

  const request = (labels?: readonly string[]) =>
    tertiary.post<AccessOutcome & { code?: string }>('/access-requests', {
      token: doctor,
      body: {
        patientId: patient.patientId,
        purpose: 'treatment',
        categories: ['outpatient'],
        ...(labels === undefined ? {} : { labels }),
      },
    });
  const emergency = (labels?: readonly string[]) =>
    tertiary.post<AccessOutcome & { code?: string }>('/access-requests/emergency', {
      token: doctor,
      body: {
        patientId: patient.patientId,
        categories: ['outpatient'],
        reasonCode: 'UNCONSCIOUS_PATIENT',
        justification: 'unconscious on arrival',
        ...(labels === undefined ? {} : { labels }),
      },
    });

  beforeAll(async () => {
    tertiary = gateway('tertiary');
    community = gateway('community');
    const admin = await tertiary.loginAdmin();
    const username = uniqueName('sens-doctor');
    await tertiary.createUser(admin, { username, password: PASSWORD, role: 'clinician' });
    doctor = await tertiary.login(username, PASSWORD);
    patient = await enrolPatient(community);
    await patient.grant(fhirConsentTerms(TERTIARY));
  }, 180_000);

  it('refuses labelled data under a permit that does not name the label, and records the labels', async () => {
    const plain = await request();
    expect(plain.status, plain.text).toBe(201);
    expect(plain.body).toMatchObject({ decision: 'permit' });
    const psy = await request(['PSY']);
    expect(psy.status, psy.text).toBe(201);
    expect(psy.body).toMatchObject({ decision: 'deny', reason: 'SENSITIVE_NOT_CONSENTED' });
    const event = await tertiary.get<{ labels?: string[] }>(
      `/audit/access-events/${psy.body.eventId}`,
      doctor,
    );
    expect(event.status, event.text).toBe(200);
    expect(event.body.labels).toEqual(['PSY']);
  });

  it('opens it once the patient names it, through a FHIR Consent carrying the security label both ways', async () => {
    const terms = fhirConsentTerms(TERTIARY, ['PSY']);
    const action = await patient.device.sign('consent:GrantConsent', terms);
    const created = await community.post<{ id: string }>('/fhir/Consent', {
      token: patient.token,
      body: fhirConsent({
        patientId: patient.patientId,
        action,
        grantee: TERTIARY,
        sensitive: ['PSY'],
      }),
      headers: { accept: 'application/fhir+json' },
    });
    expect(created.status, created.text).toBe(201);
    const stored = await community.get<Consent>(`/consents/${created.body.id}`, patient.token);
    expect(stored.body.sensitive).toEqual(['PSY']);
    const read = await community.get<{
      provision: { securityLabel?: { system: string; code: string }[] };
    }>(`/fhir/Consent/${created.body.id}`, patient.token);
    expect(read.body.provision.securityLabel).toMatchObject([
      { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' },
    ]);
    const psy = await request(['PSY']);
    expect(psy.body).toMatchObject({ decision: 'permit', reason: 'PERMITTED_BY_CONSENT' });
    expect(psy.body.consentIds).toContain(created.body.id);
    // Another label stays closed.
    expect((await request(['HIV', 'PSY'])).body).toMatchObject({
      decision: 'deny',
      reason: 'SENSITIVE_NOT_CONSENTED',
    });
  });

  it('break-glass opens unlabelled data but not sensitive data the patient did not allow in advance', async () => {
    const plain = await emergency();
    expect(plain.status, plain.text).toBe(201);
    expect(plain.body).toMatchObject({ decision: 'permit', reason: 'EMERGENCY_ACCESS' });
    // The treatment permit naming PSY is no leave for emergencies.
    const psy = await emergency(['PSY']);
    expect(psy.status, psy.text).toBe(201);
    expect(psy.body).toMatchObject({
      decision: 'deny',
      reason: 'EMERGENCY_SENSITIVE_NOT_ALLOWED',
    });
    await patient.grant({ ...fhirConsentTerms(TERTIARY, ['PSY']), purposes: ['emergency'] });
    expect((await emergency(['PSY'])).body).toMatchObject({
      decision: 'permit',
      reason: 'EMERGENCY_ACCESS',
    });
  });

  it('answers an unknown label with 400 INVALID_ARGUMENT, in a request, a break-glass and a consent', async () => {
    for (const response of [
      await request(['XYZ']),
      await request(['psy']),
      await emergency(['HIV', 'HIV', 'XYZ']),
    ]) {
      expect(response.status, response.text).toBe(400);
      expect(response.body).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    // A statement the patient signed, naming a label the ledger does not know.
    const unknown = {
      ...fhirConsentTerms(TERTIARY),
      sensitive: ['MENTAL'],
    } as unknown as ConsentInput;
    const consent = await community.post<{ code?: string }>('/consents', {
      token: patient.token,
      body: { action: await patient.device.sign('consent:GrantConsent', unknown) },
    });
    expect(consent.status, consent.text).toBe(400);
    expect(consent.body).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import type {
  AccessEvent,
  AccessOutcome,
  Category,
  Consent,
  ConsentInput,
} from '@consent-ledger/ledger-api';
import { PROJECT_SYSTEM } from '@consent-ledger/gateway';
import { fhirConsent } from '../support/fhir-consent.ts';
import {
  enrolPatient,
  gateway,
  uniqueName,
  type GatewayApi,
  type GatewayPatient,
} from '../support/gateways.ts';

/**
 * Member institutions through the gateways on the real network (issue 18; docs/authorization.md,
 * "Member institutions"): two insurers share EnterpriseMSP; a consent naming one admits its
 * analysts only, over REST and FHIR alike, and the sister insurer's request is denied and recorded
 * with its institution.
 */

const PASSWORD = 'institutions-password-1';
const ENTERPRISE = 'EnterpriseMSP';
const INSURER_A = 'inst-insurer01';
const INSURER_B = 'inst-insurer02';
/** The FHIR naming system of member institutions (gateway/src/fhir/README.md). */
const INSTITUTION_SYSTEM = PROJECT_SYSTEM.dataCategory.replace(
  /\/CodeSystem\/.*$/,
  '/NamingSystem/institution-id',
);

describe('member institutions, real network', () => {
  let enterprise: GatewayApi;
  let community: GatewayApi;
  let admin: string;
  let patient: GatewayPatient;
  let analystA: string;
  let analystB: string;

  const analyst = async (institution: string): Promise<string> => {
    const username = uniqueName('inst-analyst');
    const created = await enterprise.createUser(admin, {
      username,
      password: PASSWORD,
      role: 'analyst',
      institution,
    });
    expect(created).toMatchObject({ username, institution });
    return enterprise.login(username, PASSWORD);
  };
  const request = (token: string, categories: readonly string[] = ['outpatient']) =>
    enterprise.post<AccessOutcome & { code?: string }>('/access-requests', {
      token,
      body: { patientId: patient.patientId, purpose: 'insurance', categories },
    });
  const terms = (institution: string, category: Category): ConsentInput => ({
    grantee: { org: ENTERPRISE, institution },
    purposes: ['insurance'],
    categories: [category],
  });

  beforeAll(async () => {
    enterprise = gateway('enterprise');
    community = gateway('community');
    admin = await enterprise.loginAdmin();
    [analystA, analystB, patient] = await Promise.all([
      analyst(INSURER_A),
      analyst(INSURER_B),
      enrolPatient(community),
    ]);
  }, 180_000);

  it('enrols staff only with an institution its organization lists (400 otherwise)', async () => {
    for (const institution of ['inst-unknown01', 'inst-research01', 'West Lake Mutual']) {
      const response = await enterprise.post<{ code?: string; message?: string }>('/identities', {
        token: admin,
        body: {
          username: uniqueName('inst-bad'),
          password: PASSWORD,
          role: 'analyst',
          institution,
        },
      });
      expect(response.status, response.text).toBe(400);
      expect(response.body.code).toBe('INVALID_ARGUMENT');
    }
    const me = await enterprise.get<{ institution?: string }>('/identities/me', analystA);
    expect(me.body.institution).toBe(INSURER_A);
  });

  it('permits the named insurer and denies its sister insurer, recording both with their institutions (REST)', async () => {
    const granted = await patient.grant(terms(INSURER_A, 'outpatient'));
    expect(granted.consent.grantee).toEqual({ org: ENTERPRISE, institution: INSURER_A });
    const permitted = await request(analystA);
    expect(permitted.status, permitted.text).toBe(201);
    expect(permitted.body).toMatchObject({ decision: 'permit', reason: 'PERMITTED_BY_CONSENT' });
    expect(permitted.body.consentIds).toEqual([granted.consentId]);
    const denied = await request(analystB);
    expect(denied.status, denied.text).toBe(201);
    expect(denied.body).toMatchObject({ decision: 'deny', reason: 'NO_MATCHING_CONSENT' });
    for (const [outcome, institution, decision] of [
      [permitted.body, INSURER_A, 'permit'],
      [denied.body, INSURER_B, 'deny'],
    ] as const) {
      const event = await community.get<AccessEvent>(
        `/audit/access-events/${outcome.eventId}`,
        patient.token,
      );
      expect(event.status, event.text).toBe(200);
      expect(event.body).toMatchObject({
        accessor: { org: ENTERPRISE, role: 'analyst', institution },
        decision,
      });
    }
  });

  it('reads and writes the institution as a FHIR Consent actor, enforced alike', async () => {
    const consentTerms = terms(INSURER_B, 'laboratory');
    const action = await patient.device.sign('consent:GrantConsent', consentTerms);
    const resource = fhirConsent({ patientId: patient.patientId, action, grantee: ENTERPRISE });
    const provision = resource.provision as { actor: { role: unknown }[] };
    const role = provision.actor[0]?.role;
    const created = await community.post<{ id: string }>('/fhir/Consent', {
      token: patient.token,
      headers: { accept: 'application/fhir+json' },
      body: {
        ...resource,
        provision: {
          ...provision,
          actor: [
            ...provision.actor,
            {
              role,
              reference: {
                type: 'Organization',
                identifier: { system: INSTITUTION_SYSTEM, value: INSURER_B },
              },
            },
          ],
          purpose: [
            { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HPAYMT' },
          ],
          class: [{ system: PROJECT_SYSTEM.dataCategory, code: 'laboratory' }],
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    const stored = await community.get<Consent>(`/consents/${created.body.id}`, patient.token);
    expect(stored.body.grantee).toEqual({ org: ENTERPRISE, institution: INSURER_B });
    const read = await community.get<{
      provision: { actor: { reference: { identifier?: { system: string; value: string } } }[] };
    }>(`/fhir/Consent/${created.body.id}`, patient.token);
    expect(read.body.provision.actor.map((actor) => actor.reference.identifier?.value)).toEqual([
      ENTERPRISE,
      INSURER_B,
    ]);
    expect((await request(analystB, ['laboratory'])).body).toMatchObject({
      decision: 'permit',
      consentIds: [created.body.id],
    });
    expect((await request(analystA, ['laboratory'])).body).toMatchObject({
      decision: 'deny',
      reason: 'NO_MATCHING_CONSENT',
    });
  });

  it('refuses a consent naming an institution its grantee organization does not list, writing nothing', async () => {
    const response = await community.post<{ code?: string }>('/consents', {
      token: patient.token,
      body: {
        action: await patient.device.sign(
          'consent:GrantConsent',
          terms('inst-research01', 'imaging'),
        ),
      },
    });
    expect(response.status, response.text).toBe(404);
    expect(response.body.code).toBe('ORG_NOT_FOUND');
    const malformed = await community.post<{ code?: string }>('/consents', {
      token: patient.token,
      body: { action: await patient.device.sign('consent:GrantConsent', terms('Acme', 'imaging')) },
    });
    expect(malformed.status, malformed.text).toBe(400);
    expect(malformed.body.code).toBe('INVALID_ARGUMENT');
  });
});

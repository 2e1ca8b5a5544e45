import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessOutcome, Decision } from '@consent-ledger/ledger-api';
import {
  bootstrapAdmin,
  createSignedInUser,
  enrolPatient,
  gateway,
  uniqueName,
  type GatewayApi,
  type GatewayPatient,
} from '../support/gateways.ts';

/**
 * Issue 19's finding on access checks, through the gateways: `GET /access-decisions` answered any
 * member's question about any patient with the ID of a deny the member may not read, and left no
 * trace. Now a check is answered only to a caller who could make the request itself (the same
 * rule as `POST /access-requests`), names only the consents the caller may read, and is not
 * audited by decision (docs/authorization.md, "Access checks"): the recorded request is.
 */

const PASSWORD = 'access-checks-password-1';

interface EventPage {
  readonly items: readonly { readonly eventId: string }[];
}

describe('access checks (GET /access-decisions)', () => {
  let research: GatewayApi;
  let tertiary: GatewayApi;
  let patient: GatewayPatient;
  let denyAllId: string;
  let analyst: string;
  let researchAdmin: string;
  const question = (patientId: string): string =>
    `/access-decisions?patientId=${patientId}&purpose=research&categories=genomic`;

  beforeAll(async () => {
    research = gateway('research');
    tertiary = gateway('tertiary');
    patient = await enrolPatient(tertiary);
    // A deny to everyone: only the regulator and the patient's home's admins read it.
    denyAllId = (
      await patient.grant({ provision: 'deny', purposes: ['research'], categories: ['genomic'] })
    ).consentId;
    researchAdmin = await research.login(
      bootstrapAdmin('research').username,
      bootstrapAdmin('research').password,
    );
    analyst = (
      await createSignedInUser(research, researchAdmin, {
        username: uniqueName('chk-analyst'),
        password: PASSWORD,
        role: 'analyst',
      })
    ).token;
  }, 180_000);

  it('does not name a deny the caller may not read to a member with no business with the patient', async () => {
    const before = await tertiary.get<EventPage>(
      `/audit/access-events?patientId=${patient.patientId}`,
      patient.token,
    );
    expect(before.status).toBe(200);
    const check = await research.get<Decision>(question(patient.patientId), analyst);
    expect(check.status, check.text).toBe(200);
    expect(check.body).toEqual({ decision: 'deny', reason: 'DENIED_BY_CONSENT', consentIds: [] });
    expect(check.text).not.toContain(denyAllId);
    // The ID it used to name is one the analyst may not read.
    expect((await research.get(`/consents/${denyAllId}`, analyst)).status).toBe(403);
    // Not audited (by decision): the patient's history has no event of the check.
    const after = await tertiary.get<EventPage>(
      `/audit/access-events?patientId=${patient.patientId}`,
      patient.token,
    );
    expect(after.body.items).toEqual(before.body.items);
  });

  it('answers only a caller who could make the request itself', async () => {
    const refused = await research.get(question(patient.patientId), researchAdmin);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN' });
    const request = await research.post('/access-requests', {
      token: researchAdmin,
      body: { patientId: patient.patientId, purpose: 'research', categories: ['genomic'] },
    });
    expect(request.status).toBe(403);
    const tertiaryAdmin = await tertiary.login(
      bootstrapAdmin('tertiary').username,
      bootstrapAdmin('tertiary').password,
    );
    expect((await tertiary.get(question(patient.patientId), tertiaryAdmin)).status).toBe(403);
  });

  it('records the request itself, with every deciding consent (the audit record)', async () => {
    const requested = await research.post<AccessOutcome>('/access-requests', {
      token: analyst,
      body: { patientId: patient.patientId, purpose: 'research', categories: ['genomic'] },
    });
    expect(requested.status, requested.text).toBe(201);
    expect(requested.body).toMatchObject({ decision: 'deny', reason: 'DENIED_BY_CONSENT' });
    const history = await tertiary.get<EventPage>(
      `/audit/access-events?patientId=${patient.patientId}`,
      patient.token,
    );
    expect(history.body.items.map((item) => item.eventId)).toContain(requested.body.eventId);
  });
});

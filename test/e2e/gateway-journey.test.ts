import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bootstrapAdmin,
  gateway,
  gatewayBase,
  readEvents,
  uniqueName,
  type GatewayApi,
} from '../support/gateways.ts';
import { ledgerHeight } from '../support/ledger.ts';
import { validateResource } from '@consent-ledger/gateway';

/**
 * The whole journey through the five running gateways (ports 4001-4005, started by the global
 * setup) and the deployed chaincode (docs/ledger-api.md): identities, a consent and its
 * revocation, access decided by it, the regulator's audit view and event stream, a document
 * anchored and verified, role refusals, and bad input that never reaches the ledger.
 */

const PASSWORD = 'journey-password-1';

interface AccessOutcome {
  eventId: string;
  decision: 'permit' | 'deny';
  consentId?: string;
  consentIds: string[];
  reason: string;
  txId: string;
}

interface AccessEventPage {
  items: { eventId: string; decision: string; patientId: string; accessor: { org: string } }[];
  bookmark: string;
}

/** Every access event the caller sees for a patient, following bookmarks. */
async function accessEvents(
  api: GatewayApi,
  token: string,
  patientId: string,
): Promise<AccessEventPage['items']> {
  const items: AccessEventPage['items'] = [];
  let bookmark = '';
  for (let page = 0; page < 50; page += 1) {
    const query = new URLSearchParams({ patientId, pageSize: '100' });
    if (bookmark !== '') query.set('bookmark', bookmark);
    const response = await api.get<AccessEventPage>(
      `/audit/access-events?${query.toString()}`,
      token,
    );
    expect(response.status, response.text).toBe(200);
    items.push(...response.body.items);
    bookmark = response.body.bookmark;
    if (bookmark === '') break;
  }
  return items;
}

function multipart(fields: Record<string, string>, file?: Buffer): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file !== undefined) form.append('file', new Blob([file]), 'document.pdf');
  return form;
}

describe('the consent journey across the organizations’ gateways', () => {
  const gov = gateway('gov');
  const tertiary = gateway('tertiary');
  const community = gateway('community');
  const names = {
    patient: uniqueName('patient'),
    doctor: uniqueName('doctor'),
    gp: uniqueName('gp'),
    regulator: uniqueName('regulator'),
  };
  const tokens = { patient: '', doctor: '', gp: '', regulator: '', tertiaryAdmin: '' };
  let patientId = '';
  let consentId = '';
  let permitted: AccessOutcome;
  let denied: AccessOutcome;

  beforeAll(async () => {
    tokens.tertiaryAdmin = await tertiary.login(bootstrapAdmin.username, bootstrapAdmin.password);
    const govAdmin = await gov.login(bootstrapAdmin.username, bootstrapAdmin.password);
    const communityAdmin = await community.login(bootstrapAdmin.username, bootstrapAdmin.password);
    const patient = await tertiary.createUser(tokens.tertiaryAdmin, {
      username: names.patient,
      password: PASSWORD,
      role: 'patient',
    });
    patientId = String(patient.patientId);
    await tertiary.createUser(tokens.tertiaryAdmin, {
      username: names.doctor,
      password: PASSWORD,
      role: 'clinician',
    });
    await community.createUser(communityAdmin, {
      username: names.gp,
      password: PASSWORD,
      role: 'clinician',
      practitionerId: 'prac-journey01',
    });
    await gov.createUser(govAdmin, {
      username: names.regulator,
      password: PASSWORD,
      role: 'regulator',
    });
    tokens.patient = await tertiary.login(names.patient, PASSWORD);
    tokens.doctor = await tertiary.login(names.doctor, PASSWORD);
    tokens.gp = await community.login(names.gp, PASSWORD);
    tokens.regulator = await gov.login(names.regulator, PASSWORD);
  });

  it('has every gateway live and ready', async () => {
    for (const name of ['gov', 'tertiary', 'community', 'enterprise', 'research']) {
      const api = gateway(name);
      expect((await api.get('/health/live')).status, name).toBe(200);
      const ready = await api.get('/health/ready');
      expect(ready.status, `${name}: ${ready.text}`).toBe(200);
    }
  });

  it('lets the patient grant a consent to the community hospital’s clinicians', async () => {
    expect(patientId).toMatch(/^pid-[a-z2-7]{16}$/);
    const response = await tertiary.post<{
      consentId: string;
      txId: string;
      consent: Record<string, unknown>;
    }>('/consents', {
      token: tokens.patient,
      headers: { 'Idempotency-Key': uniqueName('grant') },
      body: {
        grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
        purposes: ['treatment'],
        categories: ['outpatient', 'laboratory'],
      },
    });
    expect(response.status, response.text).toBe(201);
    expect(response.body.consentId).toMatch(/^con-[0-9a-f]{24}$/);
    expect(response.body.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(response.body.consent).toMatchObject({
      patientId,
      provision: 'permit',
      status: 'active',
      grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
    });
    consentId = response.body.consentId;
    const mine = await tertiary.get<{ items: { consentId: string }[] }>(
      '/consents',
      tokens.patient,
    );
    expect(mine.body.items.map((item) => item.consentId)).toContain(consentId);
  });

  it('permits the community clinician’s request, by that consent', async () => {
    const decision = await community.get<{ decision: string }>(
      `/access-decisions?patientId=${patientId}&purpose=treatment&categories=laboratory`,
      tokens.gp,
    );
    expect(decision.status, decision.text).toBe(200);
    expect(decision.body.decision).toBe('permit');
    const response = await community.post<AccessOutcome>('/access-requests', {
      token: tokens.gp,
      body: { patientId, purpose: 'treatment', categories: ['laboratory'] },
    });
    expect(response.status, response.text).toBe(201);
    permitted = response.body;
    expect(permitted).toMatchObject({
      decision: 'permit',
      reason: 'PERMITTED_BY_CONSENT',
      consentId,
      consentIds: [consentId],
    });
    expect(permitted.eventId).toMatch(/^evt-[0-9a-f]{24}$/);
  });

  it('denies the same request once the patient revoked the consent', async () => {
    const revoked = await tertiary.post<{ consent: { status: string } }>(
      `/consents/${consentId}/revoke`,
      { token: tokens.patient },
    );
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body.consent.status).toBe('revoked');
    const again = await tertiary.post(`/consents/${consentId}/revoke`, { token: tokens.patient });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CONFLICT' });
    const history = await tertiary.get<unknown[]>(`/consents/${consentId}/history`, tokens.patient);
    expect(history.status).toBe(200);
    expect(history.body.length).toBeGreaterThanOrEqual(2);

    const response = await community.post<AccessOutcome>('/access-requests', {
      token: tokens.gp,
      body: { patientId, purpose: 'treatment', categories: ['laboratory'] },
    });
    expect(response.status, response.text).toBe(201);
    denied = response.body;
    expect(denied).toMatchObject({
      decision: 'deny',
      reason: 'NO_MATCHING_CONSENT',
      consentIds: [],
    });
  });

  it('shows the regulator both events, and streams them as server-sent events', async () => {
    const events = await accessEvents(gov, tokens.regulator, patientId);
    const byId = new Map(events.map((event) => [event.eventId, event]));
    expect(byId.get(permitted.eventId)).toMatchObject({
      decision: 'permit',
      patientId,
      accessor: { org: 'CommunityHospitalMSP' },
    });
    expect(byId.get(denied.eventId)).toMatchObject({ decision: 'deny' });
    // The patient sees their own; the requesting hospital sees its own events.
    const own = await accessEvents(tertiary, tokens.patient, patientId);
    expect(own.map((event) => event.eventId)).toEqual(
      expect.arrayContaining([permitted.eventId, denied.eventId]),
    );

    const wanted = new Set([permitted.eventId, denied.eventId]);
    const streamed = await readEvents({
      base: gatewayBase('gov'),
      token: tokens.regulator,
      lastEventId: '0',
      timeoutMs: 60_000,
      done: (received) =>
        [...wanted].every((eventId) =>
          received.some(
            (event) => (event.payload as { eventId?: string } | undefined)?.eventId === eventId,
          ),
        ),
    });
    const recorded = streamed.filter((event) => event.eventName === 'AccessRecorded');
    expect(recorded.map((event) => (event.payload as { eventId: string }).eventId)).toEqual(
      expect.arrayContaining([...wanted]),
    );
  });

  it('exports the audit trail as CSV and as a FHIR Bundle', async () => {
    const csv = await gov.get(
      `/audit/access-events/export?format=csv&patientId=${patientId}`,
      tokens.regulator,
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text).toContain(permitted.eventId);
    const fhir = await gov.get<{
      resourceType: string;
      entry: { resource: { resourceType: string } }[];
    }>(`/audit/access-events/export?format=fhir&patientId=${patientId}`, tokens.regulator);
    expect(fhir.status).toBe(200);
    expect(fhir.body.resourceType).toBe('Bundle');
    expect(fhir.body.entry.length).toBeGreaterThanOrEqual(2);
    expect(fhir.body.entry[0]?.resource.resourceType).toBe('AuditEvent');
  });

  it('anchors a document, verifies it, and refuses a modified copy', async () => {
    const document = Buffer.from(`discharge summary of ${patientId}\n`.repeat(2_000));
    const modified = Buffer.concat([document, Buffer.from('tampered')]);
    const recordId = uniqueName('emr');
    const anchored = await tertiary.post<{ version: number; txId: string }>('/records', {
      token: tokens.doctor,
      form: multipart({ recordId, patientId, category: 'inpatient' }, document),
    });
    expect(anchored.status, anchored.text).toBe(201);
    expect(anchored.body.version).toBe(1);

    const verified = await tertiary.post<{ verified: boolean }>('/records/verify', {
      token: tokens.doctor,
      form: multipart({ recordId }, document),
    });
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body.verified).toBe(true);
    const byDigest = await gov.post<{ verified: boolean }>('/records/verify', {
      token: tokens.regulator,
      body: { recordId, sha256: createHash('sha256').update(document).digest('hex') },
    });
    expect(byDigest.body.verified).toBe(true);
    const tampered = await tertiary.post<{ verified: boolean }>('/records/verify', {
      token: tokens.doctor,
      form: multipart({ recordId }, modified),
    });
    expect(tampered.status, tampered.text).toBe(200);
    expect(tampered.body.verified).toBe(false);
    const record = await tertiary.get<{ versions: unknown[] }>(
      `/records/${recordId}`,
      tokens.doctor,
    );
    expect(record.body.versions).toHaveLength(1);
  });

  it('anchors a Merkle batch and proves one member later', async () => {
    const items = Array.from({ length: 5 }, (_, index) => ({
      recordId: uniqueName(`lab${String(index)}`),
      patientId,
      category: 'laboratory',
      sha256: createHash('sha256')
        .update(`lab result ${String(index)}`)
        .digest('hex'),
    }));
    const batch = await tertiary.post<{
      batchId: string;
      root: string;
      proofs: { recordId: string; leafIndex: number; auditPath: string[] }[];
    }>('/records/batches', { token: tokens.doctor, body: { items } });
    expect(batch.status, batch.text).toBe(201);
    expect(batch.body.proofs).toHaveLength(5);
    expect(batch.body.proofs[3]).toMatchObject({ recordId: items[3]?.recordId, leafIndex: 3 });
    const member = await tertiary.post<{ verified: boolean; proof?: { batchId: string } }>(
      '/records/verify',
      {
        token: tokens.doctor,
        body: { recordId: items[3]?.recordId, sha256: items[3]?.sha256 },
      },
    );
    expect(member.body).toMatchObject({ verified: true, proof: { batchId: batch.body.batchId } });
    const wrong = await tertiary.post<{ verified: boolean }>('/records/verify', {
      token: tokens.doctor,
      body: { recordId: items[3]?.recordId, sha256: 'f'.repeat(64) },
    });
    expect(wrong.body.verified).toBe(false);
  });

  it('serves FHIR R4 resources that validate against the official schema', async () => {
    const expectValid = (resource: unknown, what: string): void => {
      const result = validateResource(resource);
      expect(result.errors, what).toEqual([]);
      expect(result.valid, what).toBe(true);
    };
    const metadata = await gov.get('/fhir/metadata');
    expect(metadata.status, metadata.text).toBe(200);
    expect(metadata.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expectValid(metadata.body, 'CapabilityStatement');

    const consent = await tertiary.get(`/fhir/Consent/${consentId}`, tokens.patient);
    expect(consent.status, consent.text).toBe(200);
    expect(consent.body).toMatchObject({ resourceType: 'Consent', status: 'inactive' });
    expectValid(consent.body, 'Consent');

    const consents = await tertiary.get(`/fhir/Consent?patient=${patientId}`, tokens.patient);
    expect(consents.status, consents.text).toBe(200);
    expectValid(consents.body, 'Consent search Bundle');

    const audit = await gov.get<{ entry?: unknown[] }>(
      `/fhir/AuditEvent?patient=${patientId}`,
      tokens.regulator,
    );
    expect(audit.status, audit.text).toBe(200);
    expect(audit.body.entry?.length).toBeGreaterThanOrEqual(2);
    expectValid(audit.body, 'AuditEvent search Bundle');

    const recordId = uniqueName('fhir');
    const anchored = await tertiary.post('/records', {
      token: tokens.doctor,
      body: { recordId, patientId, category: 'imaging', sha256: 'c'.repeat(64) },
    });
    expect(anchored.status, anchored.text).toBe(201);
    const provenance = await tertiary.get<{ entry?: unknown[] }>(
      `/fhir/Provenance?target=${recordId}`,
      tokens.doctor,
    );
    expect(provenance.status, provenance.text).toBe(200);
    expect(provenance.body.entry).toHaveLength(1);
    expectValid(provenance.body, 'Provenance search Bundle');

    const missing = await tertiary.get(
      '/fhir/Consent/con-000000000000000000000000',
      tokens.patient,
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ resourceType: 'OperationOutcome' });
    expectValid(missing.body, 'OperationOutcome');
  });

  it('answers 403 to every call the role or organization does not allow', async () => {
    const refusals = await Promise.all([
      tertiary.post('/access-requests', {
        token: tokens.patient,
        body: { patientId, purpose: 'treatment', categories: ['laboratory'] },
      }),
      tertiary.post('/consents', {
        token: tokens.doctor,
        body: { grantee: { org: 'GovMSP' }, purposes: ['treatment'], categories: ['imaging'] },
      }),
      tertiary.post('/identities', {
        token: tokens.patient,
        body: { username: uniqueName('x'), password: PASSWORD, role: 'analyst' },
      }),
      tertiary.get('/audit/emergency-reviews', tokens.doctor),
      tertiary.get(
        '/audit/statistics?from=2026-01-01T00:00:00.000Z&to=2026-02-01T00:00:00.000Z&level=city',
        tokens.doctor,
      ),
      community.post(`/audit/emergency-reviews/${permitted.eventId}`, {
        token: tokens.gp,
        body: { outcome: 'justified' },
      }),
      gov.post('/records', {
        token: tokens.regulator,
        body: { recordId: uniqueName('r'), patientId, category: 'imaging', sha256: 'a'.repeat(64) },
      }),
      gov.post('/access-requests/emergency', {
        token: tokens.regulator,
        body: { patientId, categories: ['imaging'], reasonCode: 'OTHER', justification: 'n/a' },
      }),
      // Refused by the chaincode: the tertiary hospital is not the consent's grantee.
      tertiary.get(`/consents/${consentId}`, tokens.doctor),
    ]);
    for (const response of refusals) {
      expect(response.status, response.text).toBe(403);
      expect(response.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    }
  });

  it('answers bad input with 400 and a code, and the ledger does not move', async () => {
    const before = await ledgerHeight();
    const bad = await Promise.all([
      tertiary.post('/consents', { token: tokens.patient, raw: '{"grantee": {"org": ' }),
      tertiary.post('/consents', {
        token: tokens.patient,
        body: {
          grantee: { org: 'CommunityHospitalMSP' },
          purposes: ['gossip'],
          categories: ['imaging'],
        },
      }),
      tertiary.post('/consents', {
        token: tokens.patient,
        body: {
          grantee: { org: 'CommunityHospitalMSP' },
          purposes: ['treatment'],
          categories: ['imaging'],
          note: 'free text',
        },
      }),
      tertiary.post('/consents', {
        token: tokens.patient,
        body: {
          grantee: { org: 'CommunityHospitalMSP' },
          purposes: ['treatment'],
          categories: ['imaging'],
          validFrom: '2031-01-01T00:00:00.000Z',
          validUntil: '2030-01-01T00:00:00.000Z',
        },
      }),
      tertiary.post('/consents/con-123/revoke', { token: tokens.patient }),
      community.post('/access-requests', {
        token: tokens.gp,
        body: { patientId: 'patient-42', purpose: 'treatment', categories: ['laboratory'] },
      }),
      community.post('/access-requests/emergency', {
        token: tokens.gp,
        body: { patientId, categories: [], reasonCode: 'LIFE_THREATENING', justification: 'x' },
      }),
      tertiary.post('/records', {
        token: tokens.doctor,
        body: { recordId: 'r1', patientId, category: 'imaging', sha256: 'not-a-digest' },
      }),
      tertiary.post('/records/batches', { token: tokens.doctor, body: { items: [] } }),
      gov.post(`/audit/emergency-reviews/${permitted.eventId}`, {
        token: tokens.regulator,
        body: { outcome: 'maybe' },
      }),
      gov.get('/audit/access-events?breakGlass=perhaps', tokens.regulator),
    ]);
    for (const response of bad) {
      expect(response.status, response.text).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'INVALID_ARGUMENT' });
    }
    expect(await ledgerHeight()).toBe(before);
  });
});

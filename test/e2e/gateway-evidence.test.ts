import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseBundle,
  verifyBundle,
  type EvidenceBundle,
  type Report,
} from '@consent-ledger/verifier';
import { startGatewayInProcess, type InProcessGateway } from '../support/gateway-app.ts';
import { GatewayApi, createSignedInUser, uniqueName } from '../support/gateways.ts';

/**
 * The gateway's evidence endpoints against the real network: a gateway runs in this process with
 * the tertiary hospital's real profile; the bundles it serves verify offline, and a caller whom
 * the chaincode does not let read the record or the event gets no bundle.
 */

const PASSWORD = 'evidence-password-1';
const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

function holds(report: Report): void {
  expect(report.ok, JSON.stringify(report.checks, null, 2)).toBe(true);
}

describe('evidence bundles served by the gateway', () => {
  let tertiary: InProcessGateway;
  let api: GatewayApi;
  let patientId: string;
  const tokens = { clinician: '', patient: '', otherPatient: '' };

  beforeAll(async () => {
    tertiary = await startGatewayInProcess('tertiary', { env: { GATEWAY_EVENTS: 'off' } });
    api = new GatewayApi(tertiary.base);
    const admin = await api.login('admin', 'adminpw');
    const names = {
      clinician: uniqueName('cl'),
      patient: uniqueName('pt'),
      otherPatient: uniqueName('pt'),
    };
    const signIn = (username: string, role: string, more: { practitionerId?: string } = {}) =>
      createSignedInUser(api, admin, { username, password: PASSWORD, role, ...more });
    tokens.clinician = (
      await signIn(names.clinician, 'clinician', { practitionerId: 'prac-ev000001' })
    ).token;
    const patient = await signIn(names.patient, 'patient');
    patientId = String(patient.patientId);
    tokens.patient = patient.token;
    tokens.otherPatient = (await signIn(names.otherPatient, 'patient')).token;
  });

  afterAll(async () => {
    await tertiary.close();
  });

  it('serves a record’s bundle, for the latest or a named version, that verifies with the document', async () => {
    const recordId = uniqueName('ev');
    const documents = [randomBytes(256), randomBytes(256)];
    for (const document of documents) {
      const anchored = await api.post('/records', {
        token: tokens.clinician,
        body: { recordId, patientId, category: 'imaging', sha256: sha256(document) },
      });
      expect(anchored.status, anchored.text).toBe(201);
    }
    const latest = await api.get<EvidenceBundle>(`/records/${recordId}/proof`, tokens.clinician);
    expect(latest.status, latest.text).toBe(200);
    const bundle = parseBundle(latest.body);
    expect(bundle.subject).toMatchObject({ kind: 'record', recordId, version: 2 });
    holds(verifyBundle(bundle, { document: documents[1] }));
    expect(verifyBundle(bundle, { document: documents[0] }).firstFailure).toBe('document-hash');

    const first = await api.get<EvidenceBundle>(
      `/records/${recordId}/proof?version=1`,
      tokens.patient,
    );
    expect(first.status, first.text).toBe(200);
    holds(verifyBundle(parseBundle(first.body), { document: documents[0] }));

    const refused = await api.get(`/records/${recordId}/proof`, tokens.otherPatient);
    expect(refused.status, refused.text).toBe(403);
    expect((await api.get(`/records/${recordId}/proof?version=9`, tokens.clinician)).status).toBe(
      404,
    );
  });

  it('serves a batch member’s bundle with its Merkle subject', async () => {
    const documents = [randomBytes(64), randomBytes(64), randomBytes(64)];
    const items = documents.map((document) => ({
      recordId: uniqueName('evb'),
      patientId,
      category: 'laboratory',
      sha256: sha256(document),
    }));
    const anchored = await api.post<{ batchId: string }>('/records/batches', {
      token: tokens.clinician,
      body: { items },
    });
    expect(anchored.status, anchored.text).toBe(201);
    const { batchId } = anchored.body;
    const member = items[2]?.recordId ?? '';
    const response = await api.get<EvidenceBundle>(
      `/records/${member}/proof?batchId=${batchId}`,
      tokens.clinician,
    );
    expect(response.status, response.text).toBe(200);
    const bundle = parseBundle(response.body);
    expect(bundle.subject).toMatchObject({ kind: 'batch-member', batchId, leafIndex: 2 });
    holds(verifyBundle(bundle, { document: documents[2] }));
  });

  it('serves an access event’s bundle to its readers only', async () => {
    const request = await api.post<{ eventId: string }>('/access-requests', {
      token: tokens.clinician,
      body: { patientId, purpose: 'treatment', categories: ['laboratory'] },
    });
    expect(request.status, request.text).toBe(201);
    const { eventId } = request.body;
    for (const token of [tokens.clinician, tokens.patient]) {
      const response = await api.get<EvidenceBundle>(
        `/audit/access-events/${eventId}/proof`,
        token,
      );
      expect(response.status, response.text).toBe(200);
      const bundle = parseBundle(response.body);
      expect(bundle.subject).toEqual({ kind: 'access-event', eventId });
      holds(verifyBundle(bundle));
    }
    const refused = await api.get(`/audit/access-events/${eventId}/proof`, tokens.otherPatient);
    expect(refused.status, refused.text).toBe(403);
  });
});

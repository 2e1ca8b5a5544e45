import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerError } from './common/errors.js';
import { jsonArg } from './testing/fake-ledger.client.js';
import { signed } from './testing/statements.js';
import {
  TEST_METRICS_TOKEN,
  createTestApp,
  testProfile,
  type TestApp,
} from './testing/test-app.js';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe('the HTTP API (in process, fake ledger)', () => {
  let t: TestApp;
  let patient: string;
  let clinician: string;

  beforeAll(async () => {
    t = await createTestApp();
    patient = await t.patient({ username: 'pat', patientId: 'pid-abcdefghijklmnop' });
    clinician = await t.user({ username: 'doc', role: 'clinician' });
    t.ledger
      .on('consent:GrantConsent', () => ({ consentId: 'con-000000000000000000000001' }))
      .on('records:AnchorRecord', (call) => ({ ...jsonArg(call), version: 1 }))
      .on('access:RequestEmergencyAccess', () => ({
        eventId: 'evt-000000000000000000000009',
        decision: 'permit',
        reason: 'EMERGENCY',
        consentIds: [],
        breakGlass: true,
      }))
      .on('audit:QueryAccessEvents', () => ({ items: [], bookmark: '' }))
      .on('consent:GetConsent', () => {
        throw new LedgerError({
          code: 'FORBIDDEN',
          message: 'not yours',
          transaction: 'consent:GetConsent',
        });
      });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers bad input with 400 and a code, and never calls the ledger', async () => {
    // Terms the patient signed are checked as a body would be.
    const badTerms = async (terms: object) => ({
      action: await signed('consent:GrantConsent', terms as never),
    });
    const cases = [
      t
        .http()
        .post('/consents')
        .set(auth(patient))
        .set('content-type', 'application/json')
        .send('{"grantee":'),
      t
        .http()
        .post('/consents')
        .set(auth(patient))
        .send(
          await badTerms({
            grantee: { org: 'X' },
            purposes: ['treatment'],
            categories: ['imaging'],
            extra: 1,
          }),
        ),
      t
        .http()
        .post('/consents')
        .set(auth(patient))
        .send(
          await badTerms({ grantee: { org: 'X' }, purposes: 'treatment', categories: ['imaging'] }),
        ),
      t
        .http()
        .post('/consents')
        .set(auth(patient))
        .send(
          await badTerms({
            grantee: { org: 'X' },
            purposes: ['treatment'],
            categories: ['imaging'],
            validFrom: 'yesterday',
          }),
        ),
      t
        .http()
        .post('/consents')
        .set(auth(patient))
        .send({ grantee: { org: 'X' }, purposes: ['treatment'], categories: ['imaging'] }),
      t.http().post('/consents/con-1/revoke').set(auth(patient)),
      t.http().get('/consents/not-a-consent').set(auth(patient)),
      t
        .http()
        .post('/access-requests')
        .set(auth(clinician))
        .send({ patientId: 'bob', purpose: 'treatment', categories: ['imaging'] }),
      t
        .http()
        .get('/access-decisions?patientId=pid-abcdefghijklmnop&purpose=treatment')
        .set(auth(clinician)),
      t
        .http()
        .post('/records')
        .set(auth(clinician))
        .send({
          recordId: 'r 1',
          patientId: 'pid-abcdefghijklmnop',
          category: 'imaging',
          sha256: 'a'.repeat(64),
        }),
      t.http().post('/records/batches').set(auth(clinician)).send({ items: [] }),
      t.http().get('/audit/access-events?pageSize=1000').set(auth(clinician)),
      t.http().get('/audit/access-events/export?format=xml').set(auth(clinician)),
    ];
    for (const pending of cases) {
      const response = await pending;
      expect(response.status, response.text).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'INVALID_ARGUMENT' });
      expect(typeof (response.body as { message: unknown }).message).toBe('string');
    }
    expect(t.ledger.calls).toHaveLength(0);
  });

  it('grants a consent: 201 with consentId, txId and the consent', async () => {
    const action = await signed('consent:GrantConsent', {
      grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
      purposes: ['treatment'],
      categories: ['imaging'],
      validUntil: '2099-01-01T00:00:00.000Z',
    });
    const response = await t.http().post('/consents').set(auth(patient)).send({ action });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      consentId: 'con-000000000000000000000001',
      txId: expect.any(String) as string,
    });
    expect(jsonArg(t.ledger.callsOf('consent:GrantConsent')[0])).toEqual({
      statement: action.statement,
      signature: action.signature,
    });
  });

  it('names the block of its writes, and holds a read that asks for a later block (Ledger-Min-Block)', async () => {
    const action = await signed('consent:GrantConsent', {
      grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
      purposes: ['treatment'],
      categories: ['imaging'],
      validUntil: '2099-01-01T00:00:00.000Z',
    });
    const granted = await t.http().post('/consents').set(auth(patient)).send({ action });
    expect(granted.status).toBe(201);
    // The fake commits transaction N in block N.
    const block = BigInt(String(granted.headers['ledger-block']));
    expect(block).toBe(BigInt(t.ledger.submits.length));
    // A read names no block.
    const read = await t.http().get('/audit/access-events').set(auth(clinician));
    expect(read.status).toBe(200);
    expect(read.headers['ledger-block']).toBeUndefined();
    // Up to the block the gateway saw committed: answered without asking the peer.
    const asked = () => t.ledger.systemCalls.filter((call) => call.transaction === 'GetChainInfo');
    const sameBlock = await t
      .http()
      .get('/audit/access-events')
      .set(auth(clinician))
      .set('Ledger-Min-Block', block.toString());
    expect(sameBlock.status).toBe(200);
    expect(asked()).toHaveLength(0);
    // A later block: held until the peer has it.
    let height = Number(block) + 1;
    t.ledger.onSystem('qscc:GetChainInfo', () => {
      const info = new common.BlockchainInfo();
      info.setHeight(height);
      height += 1;
      return info.serializeBinary();
    });
    const later = await t
      .http()
      .get('/audit/access-events')
      .set(auth(clinician))
      .set('Ledger-Min-Block', (block + 3n).toString());
    expect(later.status).toBe(200);
    expect(asked().length).toBeGreaterThanOrEqual(3);
    expect(asked()[0]).toMatchObject({ chaincode: 'qscc', args: [testProfile().channel] });
    // Malformed: 400 before anything runs; without credentials: 401, nobody waits.
    const calls = t.ledger.calls.length;
    const malformed = await t
      .http()
      .get('/audit/access-events')
      .set(auth(clinician))
      .set('Ledger-Min-Block', 'latest');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const anonymous = await t
      .http()
      .get('/audit/access-events')
      .set('Ledger-Min-Block', '999999999');
    expect(anonymous.status).toBe(401);
    expect(t.ledger.calls).toHaveLength(calls);
  });

  it('maps a chaincode refusal to its status', async () => {
    const response = await t
      .http()
      .get('/consents/con-000000000000000000000001')
      .set(auth(patient));
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ statusCode: 403, code: 'FORBIDDEN', message: 'not yours' });
  });

  it('hashes an uploaded file in flight and anchors its digest', async () => {
    const content = Buffer.from('discharge summary\n'.repeat(10_000));
    const response = await t
      .http()
      .post('/records')
      .set(auth(clinician))
      .field('recordId', 'emr-1')
      .field('patientId', 'pid-abcdefghijklmnop')
      .field('category', 'inpatient')
      .attach('file', content, 'summary.txt');
    expect(response.status, response.text).toBe(201);
    expect(jsonArg(t.ledger.callsOf('records:AnchorRecord')[0])).toEqual({
      recordId: 'emr-1',
      patientId: 'pid-abcdefghijklmnop',
      category: 'inpatient',
      sha256: createHash('sha256').update(content).digest('hex'),
    });
  });

  it('hashes the emergency justification and streams exports', async () => {
    const emergency = await t
      .http()
      .post('/access-requests/emergency')
      .set(auth(clinician))
      .send({
        patientId: 'pid-abcdefghijklmnop',
        categories: ['medication'],
        reasonCode: 'LIFE_THREATENING',
        justification: 'cardiac arrest in the ward',
      });
    expect(emergency.status).toBe(201);
    expect(
      JSON.stringify(t.ledger.callsOf('access:RequestEmergencyAccess')[0]?.args),
    ).not.toContain('cardiac');
    const csv = await t.http().get('/audit/access-events/export?format=csv').set(auth(clinician));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.startsWith('eventId,timestamp,')).toBe(true);
    const fhir = await t
      .http()
      .get('/audit/access-events/export?format=fhir')
      .set(auth(clinician))
      .buffer(true);
    expect(fhir.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(
      JSON.parse(fhir.body instanceof Buffer ? fhir.body.toString() : fhir.text),
    ).toMatchObject({
      resourceType: 'Bundle',
      entry: [],
    });
  });

  it('is not ready while the chaincode does not answer, and counts requests', async () => {
    t.ledger.on('baseline:Get', () => {
      throw new LedgerError({
        code: 'LEDGER_UNAVAILABLE',
        message: 'peer down',
        transaction: 'baseline:Get',
      });
    });
    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    t.ledger.on('baseline:Get', () => '');
    expect((await t.http().get('/health/ready')).status).toBe(200);
    const metrics = await t
      .http()
      .get('/metrics')
      .set('authorization', `Bearer ${TEST_METRICS_TOKEN}`);
    // Two grants: the grant test's and the Ledger-Block test's.
    expect(metrics.text).toMatch(
      /gateway_http_requests_total\{method="POST",route="\/consents",status="201"\} 2/,
    );
    expect(metrics.text).toMatch(
      /gateway_http_requests_total\{method="POST",route="\/consents",status="400"\}/,
    );
  });

  it('serves the FHIR API through the ledger port, errors as OperationOutcome', async () => {
    const metadata = await t.http().get('/fhir/metadata');
    expect(metadata.status).toBe(200);
    expect(metadata.body).toMatchObject({ resourceType: 'CapabilityStatement' });
    const refused = await t
      .http()
      .get('/fhir/Consent/con-000000000000000000000001')
      .set(auth(patient));
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(refused.body).toMatchObject({ resourceType: 'OperationOutcome' });
    expect((await t.http().get('/fhir/Consent/con-000000000000000000000001')).status).toBe(401);
  });

  it('answers unsupported types, interactions and formats under /fhir as OperationOutcome', async () => {
    const cases = [
      { path: '/fhir/Patient/pid-abcdefghijklmnop', status: 404, code: 'NOT_FOUND' },
      { path: '/fhir/metadata?_format=xml', status: 406, code: 'NOT_ACCEPTABLE' },
      { path: '/fhir/Consent?_format=xml', status: 406, code: 'NOT_ACCEPTABLE' },
    ];
    for (const { path, status, code } of cases) {
      const response = await t.http().get(path);
      expect(response.status, path).toBe(status);
      expect(response.headers['content-type'], path).toMatch(/^application\/fhir\+json/);
      expect(response.body, path).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ code: 'not-supported', details: { coding: [{ code }] } }],
      });
    }
    const deleted = await t.http().delete('/fhir/Consent/con-000000000000000000000001');
    expect(deleted.status).toBe(405);
    expect(deleted.headers.allow).toBe('GET, PUT');
    expect(deleted.body).toMatchObject({
      issue: [{ code: 'not-supported', details: { coding: [{ code: 'METHOD_NOT_ALLOWED' }] } }],
    });
    const xml = await t
      .http()
      .post('/fhir/Consent')
      .set(auth(patient))
      .set('content-type', 'application/fhir+xml')
      .send('<Consent xmlns="http://hl7.org/fhir"/>');
    expect(xml.status).toBe(415);
    expect(xml.body).toMatchObject({ resourceType: 'OperationOutcome' });
  });
});

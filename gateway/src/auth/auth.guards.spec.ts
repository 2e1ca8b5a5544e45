import { refusal } from '@consent-ledger/ledger-api';
import { JwtService } from '@nestjs/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_METRICS_TOKEN,
  TEST_PASSWORD,
  createTestApp,
  type TestApp,
} from '../testing/test-app.js';

describe('authentication and roles', () => {
  let t: TestApp;
  let patient: string;
  let clinician: string;

  beforeAll(async () => {
    t = await createTestApp();
    patient = await t.patient({ username: 'pat' });
    clinician = await t.user({
      username: 'doc',
      role: 'clinician',
      practitionerId: 'prac-12345678',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('issues a short-lived token for the right password only', async () => {
    const ok = await t
      .http()
      .post('/auth/login')
      .send({ username: 'pat', password: TEST_PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 300 });
    const claims = t.app
      .get(JwtService)
      .decode<{ sub: string; exp: number; iat: number; iss: string }>(
        (ok.body as { accessToken: string }).accessToken,
      );
    expect(claims).toMatchObject({ sub: 'pat', iss: 'consent-ledger:TertiaryHospitalMSP' });
    expect(claims.exp - claims.iat).toBe(300);
    for (const body of [
      { username: 'pat', password: 'wrong-password' },
      { username: 'nobody', password: TEST_PASSWORD },
    ]) {
      const refused = await t.http().post('/auth/login').send(body);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({
        statusCode: 401,
        code: 'UNAUTHENTICATED',
        message: 'wrong username or password',
      });
    }
  });

  it('answers 401 without a token, with a bad, foreign or expired token', async () => {
    const jwt = t.app.get(JwtService);
    const foreign = await jwt.signAsync(
      { sub: 'pat', role: 'patient' },
      { secret: 'x'.repeat(40) },
    );
    const expired = await jwt.signAsync({ sub: 'pat', role: 'patient' }, { expiresIn: -10 });
    const otherIssuer = await jwt.signAsync(
      { sub: 'pat', role: 'patient' },
      { issuer: 'someone-else' },
    );
    const ghost = await jwt.signAsync({ sub: 'ghost', role: 'patient' });
    // Right user, signature and issuer, but no session: not one of the gateway's access tokens.
    const sessionless = await jwt.signAsync({ sub: 'pat', role: 'patient' });
    const endedSession = await jwt.signAsync({ sub: 'pat', role: 'patient', sid: 'no-such-id' });
    for (const header of [
      undefined,
      'Bearer nonsense',
      `Bearer ${foreign}`,
      `Bearer ${expired}`,
      `Bearer ${otherIssuer}`,
      `Bearer ${ghost}`,
      `Bearer ${sessionless}`,
      `Bearer ${endedSession}`,
    ]) {
      const request = t.http().get('/identities/me');
      const response = await (header === undefined
        ? request
        : request.set('authorization', header));
      expect(response.status, header).toBe(401);
      expect(response.body).toMatchObject({
        statusCode: 401,
        code: header === `Bearer ${expired}` ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED',
      });
      // Our own words only: nothing of passport-jwt's or jsonwebtoken's texts.
      expect((response.body as { message: string }).message).not.toMatch(/jwt|algorithm|No auth/);
    }
  });

  it('answers 403 for a role the route does not allow, before reading the body', async () => {
    const response = await t
      .http()
      .post('/identities')
      .set('authorization', `Bearer ${patient}`)
      .send({ nonsense: true });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'FORBIDDEN' });
    const review = await t
      .http()
      .get('/audit/emergency-reviews')
      .set('authorization', `Bearer ${clinician}`);
    expect(review.status).toBe(403);
    expect(t.ledger.calls).toHaveLength(0);
  });

  it("refuses with the authorization matrix's reason before reading the body, FHIR included", async () => {
    const before = t.ledger.calls.length;
    // The matrix lets any member carry a patient's signed statement: the route takes a patient's
    // session only, so a clinician cannot post one (nor FHIR's Consent create, below).
    const grant = await t
      .http()
      .post('/consents')
      .set('authorization', `Bearer ${clinician}`)
      .send({ nonsense: true });
    expect(grant.status).toBe(403);
    expect(grant.body).toEqual({
      statusCode: 403,
      code: 'FORBIDDEN',
      message: 'requires the role patient',
    });
    const review = await t
      .http()
      .post('/audit/emergency-reviews/evt-000000000000000000000001')
      .set('authorization', `Bearer ${clinician}`)
      .send({ nonsense: true });
    expect(review.status).toBe(403);
    expect(review.body).toEqual({
      statusCode: 403,
      code: 'FORBIDDEN',
      message: refusal('audit:ReviewEmergencyAccess', {
        mspId: 'TertiaryHospitalMSP',
        role: 'clinician',
        orgType: 'hospital',
        registered: true,
      }),
    });
    const fhir = await t
      .http()
      .post('/fhir/Consent')
      .set('authorization', `Bearer ${clinician}`)
      .set('content-type', 'application/fhir+json')
      .send('{"resourceType":"Patient"}');
    expect(fhir.status).toBe(403);
    expect(fhir.body).toMatchObject({ resourceType: 'OperationOutcome' });
    const emergency = await t
      .http()
      .post('/access-requests/emergency')
      .set('authorization', `Bearer ${patient}`)
      .send({});
    expect(emergency.status).toBe(403);
    expect(t.ledger.calls.length).toBe(before);
  });

  it('lets the right role through', async () => {
    const me = await t.http().get('/identities/me').set('authorization', `Bearer ${clinician}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      username: 'doc',
      role: 'clinician',
      practitionerId: 'prac-12345678',
      mspId: 'TertiaryHospitalMSP',
    });
  });

  it('keeps liveness and the OpenAPI document public, metrics behind their token', async () => {
    expect((await t.http().get('/health/live')).status).toBe(200);
    expect((await t.http().get('/metrics')).status).toBe(401);
    const metrics = t.http().get('/metrics').set('authorization', `Bearer ${TEST_METRICS_TOKEN}`);
    expect((await metrics).status).toBe(200);
    const docs = await t.http().get('/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys((docs.body as { paths: object }).paths)).toEqual(
      expect.arrayContaining([
        '/auth/login',
        '/consents',
        '/access-requests',
        '/records/batches',
        '/audit/access-events/export',
        '/events',
      ]),
    );
  });

  it('echoes or assigns X-Request-Id', async () => {
    const given = await t.http().get('/health/live').set('X-Request-Id', 'abc-123');
    expect(given.headers['x-request-id']).toBe('abc-123');
    const assigned = await t.http().get('/health/live');
    expect(assigned.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

import { createHash, createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, verifyBundle, type EvidenceBundle } from '@consent-ledger/verifier';
import { startGatewayInProcess, type InProcessGateway } from '../support/gateway-app.ts';
import { GatewayApi, createSignedInUser, uniqueName } from '../support/gateways.ts';
import { ledgerHeight } from '../support/ledger.ts';
import { committedTransactions } from '../support/ledger-watch.ts';

/**
 * Attacks through the gateways (docs/reliability.md, "Attacks"): forged, expired and tampered
 * bearer tokens; a patient revoking another patient's consent; an enterprise user reading audit
 * events that are not its organization's; a tampered document or evidence bundle offered to verify.
 * Each fails, and none of the attackers' requests writes a transaction.
 *
 * The tertiary hospital's and the enterprise's gateways run in this process with their real CAs
 * and peers, the tertiary one with a token secret this suite knows, so that it can sign tokens the
 * way an attacker who guessed or stole nothing else could not.
 */

const PASSWORD = 'attacks-password-1';
const JWT_SECRET = randomBytes(32).toString('hex');
const sha256 = (data: Uint8Array | string): string =>
  createHash('sha256').update(data).digest('hex');
const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** A JWT with the given header and claims, signed with HS256 under `secret` (or not at all). */
function jwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  secret: string | undefined,
): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature =
    secret === undefined
      ? ''
      : createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

describe('attacks through the gateways', () => {
  let tertiaryApp: InProcessGateway;
  let enterpriseApp: InProcessGateway;
  let tertiary: GatewayApi;
  let enterprise: GatewayApi;
  const names = {
    patient: uniqueName('atk-patient'),
    otherPatient: uniqueName('atk-other'),
    doctor: uniqueName('atk-doctor'),
    analyst: uniqueName('atk-analyst'),
  };
  const tokens = { patient: '', otherPatient: '', doctor: '', analyst: '' };
  let patientId = '';
  let consentId = '';
  let eventId = '';
  const recordId = uniqueName('atk-rec');
  const document = Buffer.from(`discharge summary ${randomBytes(8).toString('hex')}`);
  let heightBefore = 0n;

  beforeAll(async () => {
    [tertiaryApp, enterpriseApp] = await Promise.all([
      startGatewayInProcess('tertiary', {
        env: { GATEWAY_EVENTS: 'off', GATEWAY_JWT_SECRET: JWT_SECRET },
      }),
      startGatewayInProcess('enterprise', { env: { GATEWAY_EVENTS: 'off' } }),
    ]);
    tertiary = new GatewayApi(tertiaryApp.base);
    enterprise = new GatewayApi(enterpriseApp.base);
    const admin = await tertiary.login('admin', 'adminpw');
    const enterpriseAdmin = await enterprise.login('admin', 'adminpw');
    const signIn = (api: GatewayApi, adminToken: string, username: string, role: string) =>
      createSignedInUser(api, adminToken, { username, password: PASSWORD, role });
    const patient = await signIn(tertiary, admin, names.patient, 'patient');
    patientId = String(patient.patientId);
    tokens.patient = patient.token;
    tokens.otherPatient = (await signIn(tertiary, admin, names.otherPatient, 'patient')).token;
    tokens.doctor = (await signIn(tertiary, admin, names.doctor, 'clinician')).token;
    tokens.analyst = (await signIn(enterprise, enterpriseAdmin, names.analyst, 'analyst')).token;
    const consent = await tertiary.post<{ consentId: string }>('/consents', {
      token: tokens.patient,
      body: {
        grantee: { org: 'TertiaryHospitalMSP' },
        purposes: ['treatment'],
        categories: ['imaging'],
      },
    });
    expect(consent.status, consent.text).toBe(201);
    consentId = consent.body.consentId;
    const access = await tertiary.post<{ eventId: string }>('/access-requests', {
      token: tokens.doctor,
      body: { patientId, purpose: 'treatment', categories: ['imaging'] },
    });
    expect(access.status, access.text).toBe(201);
    eventId = access.body.eventId;
    const anchored = await tertiary.post('/records', {
      token: tokens.doctor,
      body: { recordId, patientId, category: 'imaging', sha256: sha256(document) },
    });
    expect(anchored.status, anchored.text).toBe(201);
    heightBefore = await ledgerHeight();
  });

  afterAll(async () => {
    await Promise.all([tertiaryApp.close(), enterpriseApp.close()]);
  });

  it('refuses expired, forged, unsigned and tampered bearer tokens with 401, on reads and writes', async () => {
    const [, claimsPart] = tokens.patient.split('.');
    const claims = JSON.parse(Buffer.from(claimsPart ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const now = Math.floor(Date.now() / 1000);
    const hs256 = { alg: 'HS256', typ: 'JWT' };
    // Control: a token this suite signs with the gateway's secret is accepted, so each refusal
    // below is for what was changed in it.
    const genuine = jwt(hs256, { ...claims, iat: now, exp: now + 60 }, JWT_SECRET);
    expect((await tertiary.get('/identities/me', genuine)).status).toBe(200);
    const [header64, payload64, signature64] = tokens.patient.split('.');
    const tampered = `${header64 ?? ''}.${base64url(JSON.stringify({ ...claims, sub: names.doctor, role: 'clinician' }))}.${signature64 ?? ''}`;
    const bad: Record<string, string> = {
      expired: jwt(hs256, { ...claims, iat: now - 3600, exp: now - 60 }, JWT_SECRET),
      'signed with another secret': jwt(
        hs256,
        { ...claims, exp: now + 60 },
        randomBytes(32).toString('hex'),
      ),
      'alg none': jwt({ alg: 'none', typ: 'JWT' }, { ...claims, exp: now + 60 }, undefined),
      'tampered payload (another user)': tampered,
      'truncated signature': `${header64 ?? ''}.${payload64 ?? ''}.${(signature64 ?? '').slice(0, 10)}`,
      'another organization’s issuer': jwt(
        hs256,
        { ...claims, iss: 'consent-ledger:GovMSP', aud: 'consent-ledger:GovMSP', exp: now + 60 },
        JWT_SECRET,
      ),
      garbage: 'not-a-token',
    };
    for (const [name, token] of Object.entries(bad)) {
      for (const response of [
        await tertiary.get('/consents', token),
        await tertiary.post(`/consents/${consentId}/revoke`, { token }),
        await tertiary.post('/consents', {
          token,
          body: {
            grantee: { org: 'TertiaryHospitalMSP' },
            purposes: ['treatment'],
            categories: ['imaging'],
          },
        }),
      ]) {
        expect(response.status, `${name}: ${response.text}`).toBe(401);
        expect(response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
      }
    }
  });

  it('refuses a patient revoking another patient’s consent with 403', async () => {
    const response = await tertiary.post(`/consents/${consentId}/revoke`, {
      token: tokens.otherPatient,
    });
    expect(response.status, response.text).toBe(403);
    expect(response.body).toMatchObject({ code: 'FORBIDDEN' });
    const consent = await tertiary.get<{ status: string; version: number }>(
      `/consents/${consentId}`,
      tokens.patient,
    );
    expect(consent.body).toMatchObject({ status: 'active', version: 1 });
  });

  it('refuses an enterprise user reading the hospital’s audit events', async () => {
    const one = await enterprise.get(`/audit/access-events/${eventId}`, tokens.analyst);
    expect(one.status, one.text).toBe(403);
    const others = await enterprise.get(
      '/audit/access-events?accessorOrg=TertiaryHospitalMSP',
      tokens.analyst,
    );
    expect(others.status, others.text).toBe(403);
    const proof = await enterprise.get(`/audit/access-events/${eventId}/proof`, tokens.analyst);
    expect(proof.status, proof.text).toBe(403);
    const byPatient = await enterprise.get<{ items: unknown[] }>(
      `/audit/access-events?patientId=${patientId}`,
      tokens.analyst,
    );
    expect(byPatient.status).toBe(200);
    expect(byPatient.body.items).toEqual([]);
  });

  it('does not verify a tampered document, at the gateway or in the offline verifier', async () => {
    const altered = Buffer.from(document);
    altered[0] = (altered[0] ?? 0) ^ 0x01;
    const form = new FormData();
    form.append('recordId', recordId);
    form.append('file', new Blob([altered]), 'document.pdf');
    const upload = await tertiary.post<{ verified: boolean; reason: string }>('/records/verify', {
      token: tokens.doctor,
      form,
    });
    expect(upload.status, upload.text).toBe(200);
    expect(upload.body).toMatchObject({ verified: false, reason: 'HASH_MISMATCH' });
    const byHash = await tertiary.post<{ verified: boolean }>('/records/verify', {
      token: tokens.doctor,
      body: { recordId, sha256: sha256(altered) },
    });
    expect(byHash.body.verified).toBe(false);

    const served = await tertiary.get<EvidenceBundle>(`/records/${recordId}/proof`, tokens.doctor);
    expect(served.status, served.text).toBe(200);
    const bundle = parseBundle(served.body);
    expect(verifyBundle(bundle, { document }).ok).toBe(true);
    expect(verifyBundle(bundle, { document: altered }).firstFailure).toBe('document-hash');
    // A bundle whose subject was changed to the altered document's hash.
    const lying = structuredClone(bundle);
    Object.assign(lying.subject, { sha256: sha256(altered) });
    const report = verifyBundle(lying, { document: altered });
    expect(report.ok).toBe(false);
    // A bundle whose transaction envelope had one byte flipped.
    const flipped = structuredClone(bundle);
    const envelope = Buffer.from(flipped.transaction.envelope, 'base64');
    const at = Math.floor(envelope.length / 2);
    envelope[at] = (envelope[at] ?? 0) ^ 0x01;
    flipped.transaction.envelope = envelope.toString('base64');
    expect(verifyBundle(flipped, { document }).ok).toBe(false);
    console.log(
      `[attacks] tampered bundle: subject changed fails at ${String(report.firstFailure)}, flipped envelope byte fails at ${String(verifyBundle(flipped, { document }).firstFailure)}`,
    );
  });

  it('let none of the attackers’ requests write a transaction', async () => {
    const committed = await committedTransactions(heightBefore, await ledgerHeight());
    const attackers = new Set([`user.${names.otherPatient}`, `user.${names.analyst}`]);
    // The patient's and the doctor's own identities were only used through refused tokens or reads.
    attackers.add(`user.${names.patient}`);
    attackers.add(`user.${names.doctor}`);
    expect(committed.filter((tx) => attackers.has(tx.creatorName))).toEqual([]);
    const consent = await tertiary.get<{ status: string; version: number }>(
      `/consents/${consentId}`,
      tokens.patient,
    );
    expect(consent.body).toMatchObject({ status: 'active', version: 1 });
  });
});

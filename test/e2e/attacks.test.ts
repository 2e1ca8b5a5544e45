import { X509Certificate, createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Proposal } from '@hyperledger/fabric-gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAnswer } from '@consent-ledger/demo';
import { IDENTITY_WALLET, type IdentityWallet } from '@consent-ledger/gateway';
import {
  canonicalJson,
  generatePatientKey,
  hashEnrolmentCode,
  newEnrolmentCode,
  newSalt,
  transientRequest,
  type AccessOutcome,
  type ConsentInput,
  type ConsentPage,
  type ConsentWrite,
  type IdentityView,
  type PatientView,
  type SignedAction,
  type SubmitName,
} from '@consent-ledger/ledger-api';
import { connectAs, type LedgerConnection } from '@consent-ledger/network';
import { parseBundle, verifyBundle, type EvidenceBundle } from '@consent-ledger/verifier';
import { startGatewayInProcess, type InProcessGateway } from '../support/gateway-app.ts';
import {
  GatewayApi,
  createSignedInUser,
  enrolPatient,
  uniqueName,
  type GatewayPatient,
} from '../support/gateways.ts';
import { closeUsers, enrollUser, signAs } from '../support/identities.ts';
import { expectLedgerError } from '../support/ledger-errors.ts';
import { ledgerHeight, org, topology } from '../support/ledger.ts';
import { transactionOnLedger, writtenBy } from '../support/ledger-watch.ts';

/**
 * Attacks through the gateways (docs/reliability.md, "Attacks"; docs/patient-keys.md): forged,
 * expired and tampered bearer tokens; a patient revoking another patient's consent; an enterprise
 * user reading audit events that are not its organization's; a tampered document or evidence
 * bundle offered to verify; an insurer making itself a "patient" for a pseudonym it does not own;
 * the patient's own hospital using its gateway's wallet, its CA and its REST API to speak for the
 * patient; a patient's statement replayed or altered. Each fails, and none of the attackers'
 * requests writes a transaction.
 *
 * The tertiary hospital's and the enterprise's gateways run in this process with their real CAs
 * and peers, the tertiary one with a token secret this suite knows, so that it can sign tokens the
 * way an attacker who guessed or stole nothing else could not.
 */

const PASSWORD = 'attacks-password-1';
const JWT_SECRET = randomBytes(32).toString('hex');
const TERTIARY = 'TertiaryHospitalMSP';
const ENTERPRISE = 'EnterpriseMSP';
const GOV = 'GovMSP';
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

/** The Fabric CA attributes a certificate carries (`role`, `patientId`, ...). */
function certificateAttributes(pem: string): Record<string, string> {
  const text = Buffer.from(new X509Certificate(pem).raw).toString('latin1');
  const at = text.indexOf('{"attrs":');
  if (at < 0) return {};
  const end = text.indexOf('}}', at);
  return (JSON.parse(text.slice(at, end + 2)) as { attrs: Record<string, string> }).attrs;
}

/** A proposal with the request as transient data (its transaction ID known before it is sent). */
function proposal(
  connection: LedgerConnection,
  name: SubmitName,
  args: readonly unknown[],
  endorsers: readonly string[],
): Proposal {
  const [contractName, fn] = name.split(':') as [string, string];
  return connection.gateway
    .getNetwork(topology.channel.name)
    .getContract(topology.chaincode.name, contractName)
    .newProposal(fn, {
      transientData: transientRequest({ args, salt: newSalt() }),
      endorsingOrganizations: [...endorsers],
    });
}

/** The terms an insurer wants: its analysts, genomic data, for insurance. */
const INSURER_TERMS: ConsentInput = {
  grantee: { org: ENTERPRISE, role: 'analyst' },
  purposes: ['insurance'],
  categories: ['genomic'],
};

describe('attacks through the gateways', () => {
  let tertiaryApp: InProcessGateway;
  let enterpriseApp: InProcessGateway;
  let tertiary: GatewayApi;
  let enterprise: GatewayApi;
  const names = {
    doctor: uniqueName('atk-doctor'),
    analyst: uniqueName('atk-analyst'),
  };
  const tokens = { admin: '', enterpriseAdmin: '', doctor: '', analyst: '' };
  let victim: GatewayPatient;
  let other: GatewayPatient;
  let patientId = '';
  let consentId = '';
  let revokedId = '';
  let eventId = '';
  const recordId = uniqueName('atk-rec');
  const document = Buffer.from(`discharge summary ${randomBytes(8).toString('hex')}`);
  let heightBefore = 0n;
  /** Enrollment IDs of the attackers' certificates (staff, and what their CAs mint). */
  const attackers: string[] = [];
  /** Proposals the attackers built themselves, refused at endorsement. */
  const refusedTxIds: string[] = [];
  let before: unknown[] = [];

  /** What the attacks aim at: the victim's two consents, as the victim reads them. */
  const consentState = async (): Promise<unknown[]> => {
    const reads = await Promise.all([
      tertiary.get(`/consents/${consentId}/history`, victim.token),
      tertiary.get(`/consents/${revokedId}/history`, victim.token),
    ]);
    for (const read of reads) expect(read.status, read.text).toBe(200);
    return reads.map((read) => read.body);
  };
  const refused = async (made: Proposal, code: string): Promise<string> => {
    refusedTxIds.push(made.getTransactionId());
    return expectLedgerError(made.endorse(), code);
  };

  beforeAll(async () => {
    [tertiaryApp, enterpriseApp] = await Promise.all([
      startGatewayInProcess('tertiary', {
        env: { GATEWAY_EVENTS: 'off', GATEWAY_JWT_SECRET: JWT_SECRET },
      }),
      startGatewayInProcess('enterprise', { env: { GATEWAY_EVENTS: 'off' } }),
    ]);
    tertiary = new GatewayApi(tertiaryApp.base);
    enterprise = new GatewayApi(enterpriseApp.base);
    tokens.admin = await tertiary.loginAdmin('tertiary');
    tokens.enterpriseAdmin = await enterprise.loginAdmin('enterprise');
    const signIn = (api: GatewayApi, adminToken: string, username: string, role: string) =>
      createSignedInUser(api, adminToken, { username, password: PASSWORD, role });
    tokens.doctor = (await signIn(tertiary, tokens.admin, names.doctor, 'clinician')).token;
    tokens.analyst = (
      await signIn(enterprise, tokens.enterpriseAdmin, names.analyst, 'analyst')
    ).token;
    for (const [api, token] of [
      [tertiary, tokens.doctor],
      [enterprise, tokens.enterpriseAdmin],
    ] as const) {
      const me = await api.get<IdentityView>('/identities/me', token);
      if (me.body.enrollmentId !== undefined) attackers.push(me.body.enrollmentId);
    }
    [victim, other] = await Promise.all([
      enrolPatient(tertiary, { adminToken: tokens.admin }),
      enrolPatient(tertiary, { adminToken: tokens.admin }),
    ]);
    patientId = victim.patientId;
    consentId = (
      await victim.grant({
        grantee: { org: TERTIARY },
        purposes: ['treatment'],
        categories: ['imaging'],
      })
    ).consentId;
    revokedId = (
      await victim.grant({
        grantee: { org: TERTIARY },
        purposes: ['research'],
        categories: ['imaging'],
      })
    ).consentId;
    await victim.revoke(revokedId);
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
    before = await consentState();
    heightBefore = await ledgerHeight();
  }, 600_000);

  afterAll(async () => {
    closeUsers();
    await Promise.all([tertiaryApp.close(), enterpriseApp.close()]);
  });

  it('refuses expired, forged, unsigned and tampered bearer tokens with 401, on reads and writes', async () => {
    const [, claimsPart] = victim.token.split('.');
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
    const [header64, payload64, signature64] = victim.token.split('.');
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
        await tertiary.post(`/consents/${consentId}/revoke`, {
          token,
          body: {
            action: await victim.device.sign('consent:RevokeConsent', {
              consentId,
              expectedVersion: 1,
            }),
          },
        }),
        await tertiary.post('/consents', {
          token,
          body: {
            action: await victim.device.sign('consent:GrantConsent', {
              grantee: { org: TERTIARY },
              purposes: ['treatment'],
              categories: ['imaging'],
            }),
          },
        }),
      ]) {
        expect(response.status, `${name}: ${response.text}`).toBe(401);
        // An expired token is told apart (TOKEN_EXPIRED: refresh it); every other one is not valid.
        expect(response.body).toMatchObject({
          statusCode: 401,
          code: name === 'expired' ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED',
        });
      }
    }
  });

  it('refuses a patient revoking another patient’s consent with 403', async () => {
    // The other patient's own statement, naming the victim's consent.
    const ownStatement = await tertiary.post(`/consents/${consentId}/revoke`, {
      token: other.token,
      body: {
        action: await other.device.sign('consent:RevokeConsent', { consentId, expectedVersion: 1 }),
      },
    });
    expect(ownStatement.status, ownStatement.text).toBe(403);
    expect(ownStatement.body).toMatchObject({ code: 'FORBIDDEN' });
    // The other patient's key, on a statement naming the victim.
    const forged = await tertiary.post(`/consents/${consentId}/revoke`, {
      token: other.token,
      body: {
        action: await signAs(other.device.key, {
          patientId,
          action: 'consent:RevokeConsent',
          payload: { consentId, expectedVersion: 1 },
        }),
      },
    });
    expect(forged.status, forged.text).toBe(403);
    expect(forged.body).toMatchObject({ code: 'FORBIDDEN' });
    const consent = await tertiary.get<{ status: string; version: number }>(
      `/consents/${consentId}`,
      victim.token,
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

  it('gives an insurer no patient: no "patient" user for the pseudonym, no registration, no consent, a deny', async () => {
    // The insurer's admin makes a "patient" user for the victim's pseudonym at its own gateway.
    const username = uniqueName('atk-insured');
    const withPseudonym = await enterprise.post('/identities', {
      token: tokens.enterpriseAdmin,
      body: { username, password: PASSWORD, role: 'patient', patientId },
    });
    expect([400, 403], withPseudonym.text).toContain(withPseudonym.status);
    const asPatient = await enterprise.post('/identities', {
      token: tokens.enterpriseAdmin,
      body: { username, password: PASSWORD, role: 'patient' },
    });
    expect(asPatient.status, asPatient.text).toBe(403);
    expect(asPatient.body).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      (await enterprise.post('/auth/login', { body: { username, password: PASSWORD } })).status,
    ).toBe(401);
    // It binds a key of its own to the pseudonym, at the patient's home gateway and at its own.
    const insurerKey = await generatePatientKey();
    const activation = {
      username,
      password: PASSWORD,
      action: await signAs(insurerKey, {
        patientId,
        action: 'patient:ActivatePatient',
        payload: { publicKey: insurerKey.publicKey, enrolmentCode: newEnrolmentCode() },
      }),
    };
    const atHome = await tertiary.post('/patients/activate', { body: activation });
    expect(atHome.status, atHome.text).toBe(403);
    const atInsurer = await enterprise.post('/patients/activate', { body: activation });
    expect(atInsurer.status, atInsurer.text).toBe(403);
    // With its own CA and peer: the pseudonym is taken; a consent signed with its key, carried by
    // its admin's certificate or by a "patient" certificate its CA mints, is refused.
    const insurerAdmin = await enrollUser({ org: 'enterprise', role: 'admin' });
    const minted = await enrollUser({ org: 'enterprise', role: 'patient', patientId });
    attackers.push(insurerAdmin.id, minted.id);
    await refused(
      proposal(
        insurerAdmin.connection,
        'patient:RegisterPatient',
        [{ patientId, enrolment: hashEnrolmentCode(newEnrolmentCode()) }],
        [ENTERPRISE, GOV],
      ),
      'CONFLICT',
    );
    const grant = (): Promise<SignedAction> =>
      signAs(insurerKey, { patientId, action: 'consent:GrantConsent', payload: INSURER_TERMS });
    for (const carrier of [insurerAdmin, minted])
      await refused(
        proposal(carrier.connection, 'consent:GrantConsent', [await grant()], [ENTERPRISE, GOV]),
        'FORBIDDEN',
      );
    // Its analyst's request: denied, for want of a consent.
    const decision = await enterprise.post<AccessOutcome>('/access-requests', {
      token: tokens.analyst,
      body: { patientId, purpose: 'insurance', categories: ['genomic'] },
    });
    expect(decision.status, decision.text).toBe(201);
    expect(decision.body).toMatchObject({ decision: 'deny', reason: 'NO_MATCHING_CONSENT' });
    const consents = await tertiary.get<ConsentPage>('/consents?pageSize=100', victim.token);
    expect(consents.body.items.map((consent) => consent.grantee?.org)).not.toContain(ENTERPRISE);
    console.log(
      `[attacks] insurer: POST /identities ${String(withPseudonym.status)}/${String(asPatient.status)}, activation ${String(atHome.status)}/${String(atInsurer.status)}, RegisterPatient CONFLICT, GrantConsent FORBIDDEN x2, analyst ${decision.body.decision} ${decision.body.reason}`,
    );
  });

  it('keeps the patient’s own hospital, with its gateway’s wallet, CA and API, from speaking for the patient', async () => {
    // Its gateway's wallet (it holds the wallet key) has staff and the service identity: no
    // patient, and nothing that is a patient's key.
    const wallet = tertiaryApp.app.get<IdentityWallet>(IDENTITY_WALLET);
    const labels = await wallet.list();
    expect(labels).not.toContain(`user:${victim.username}`);
    for (const label of labels) {
      const credentials = await wallet.get(label);
      expect(certificateAttributes(credentials?.certificate ?? '').role, label).not.toBe('patient');
    }
    // Its service identity (an admin of the hospital, from the wallet), a key it makes.
    const service = await wallet.get('gateway-service');
    if (service === undefined) throw new Error('no service identity in the wallet');
    const dir = mkdtempSync(path.join(tmpdir(), 'hospital-wallet-'));
    mkdirSync(path.join(dir, 'signcerts'));
    mkdirSync(path.join(dir, 'keystore'));
    writeFileSync(path.join(dir, 'signcerts', 'cert.pem'), service.certificate);
    writeFileSync(path.join(dir, 'keystore', 'key.pem'), service.privateKey, { mode: 0o600 });
    const connection = connectAs({ org: org('tertiary'), identity: { mspDir: dir } });
    const minted = await enrollUser({ org: 'tertiary', role: 'patient', patientId });
    attackers.push(minted.id);
    try {
      const madeKey = await generatePatientKey();
      const statements = async (): Promise<[SubmitName, SignedAction][]> => [
        [
          'consent:GrantConsent',
          await signAs(madeKey, {
            patientId,
            action: 'consent:GrantConsent',
            payload: INSURER_TERMS,
          }),
        ],
        [
          'consent:RevokeConsent',
          await signAs(madeKey, {
            patientId,
            action: 'consent:RevokeConsent',
            payload: { consentId, expectedVersion: 1 },
          }),
        ],
        [
          'consent:EraseConsent',
          await signAs(madeKey, {
            patientId,
            action: 'consent:EraseConsent',
            payload: { consentId: revokedId },
          }),
        ],
      ];
      for (const [carrier, endorsers] of [
        [connection, [TERTIARY, GOV]],
        [connection, [TERTIARY]],
        [minted.connection, [TERTIARY]],
      ] as const)
        for (const [name, action] of await statements())
          await refused(proposal(carrier, name, [action], endorsers), 'FORBIDDEN');
    } finally {
      connection.close();
      rmSync(dir, { recursive: true, force: true });
    }
    // Its REST API, as its admin: statements are taken from a patient's session only.
    const forgedAtApi = await tertiary.post('/consents', {
      token: tokens.admin,
      body: {
        action: await signAs(await generatePatientKey(), {
          patientId,
          action: 'consent:GrantConsent',
          payload: INSURER_TERMS,
        }),
      },
    });
    expect(forgedAtApi.status, forgedAtApi.text).toBe(403);
    // A recovery it asks for alone binds nothing: the new code works once the regulator approves.
    const recovery = await expectAnswer<{ enrolmentCode: string }>(tertiary, {
      method: 'POST',
      path: `/patients/${patientId}/recovery`,
      options: { token: tokens.admin },
      expected: [201],
    });
    const hospitalKey = await generatePatientKey();
    const rebind = await tertiary.post('/patients/activate', {
      body: {
        username: uniqueName('atk-rebind'),
        password: PASSWORD,
        action: await signAs(hospitalKey, {
          patientId,
          action: 'patient:ActivatePatient',
          payload: { publicKey: hospitalKey.publicKey, enrolmentCode: recovery.enrolmentCode },
        }),
      },
    });
    expect(rebind.status, rebind.text).toBe(403);
    // The patient's own key still speaks, and the patient sees the hospital's request.
    const view = await expectAnswer<PatientView>(tertiary, {
      method: 'GET',
      path: '/patients/me',
      options: { token: victim.token },
    });
    expect(view.history.map((version) => version.change)).toContain('recovery-requested');
    expect(
      view.binding.keys.filter((key) => key.revokedAt === undefined).map((key) => key.keyId),
    ).toEqual([victim.device.key.keyId]);
    const stillMine = await victim.grant({
      grantee: { org: TERTIARY },
      purposes: ['treatment'],
      categories: ['laboratory'],
    });
    expect(stillMine.consent.signedBy).toEqual({ kind: 'patient', id: patientId });
  });

  it('refuses a patient’s statement replayed or altered, at the gateway', async () => {
    const statement = await victim.device.sign('consent:GrantConsent', {
      grantee: { org: TERTIARY },
      purposes: ['public-health'],
      categories: ['imaging'],
    });
    const first = await tertiary.post<ConsentWrite>('/consents', {
      token: victim.token,
      body: { action: statement },
    });
    expect(first.status, first.text).toBe(201);
    const replay = await tertiary.post('/consents', {
      token: victim.token,
      body: { action: statement },
    });
    expect(replay.status, replay.text).toBe(409);
    expect(replay.body).toMatchObject({ code: 'CONFLICT' });
    // A revocation of one consent, altered to revoke the other.
    const revocation = await victim.device.sign('consent:RevokeConsent', {
      consentId: first.body.consentId,
      expectedVersion: 1,
    });
    const parsed = JSON.parse(revocation.statement) as { payload: Record<string, unknown> };
    const altered = {
      statement: canonicalJson({ ...parsed, payload: { ...parsed.payload, consentId } }),
      signature: revocation.signature,
    };
    const response = await tertiary.post(`/consents/${consentId}/revoke`, {
      token: victim.token,
      body: { action: altered },
    });
    expect(response.status, response.text).toBe(403);
    expect(response.body).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('let none of the attackers’ requests write a transaction', async () => {
    expect(attackers.length).toBeGreaterThanOrEqual(5);
    expect(await writtenBy({ from: heightBefore, creators: attackers })).toEqual([]);
    const found: string[] = [];
    for (const txId of refusedTxIds) if (await transactionOnLedger(txId)) found.push(txId);
    expect(found).toEqual([]);
    expect(await consentState()).toEqual(before);
    console.log(
      `[attacks] ${String(refusedTxIds.length)} proposals the attackers built, all refused at endorsement; nothing written by ${String(attackers.length)} attacker identities`,
    );
  });
});

import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IDENTITY_WALLET,
  LEDGER_CLIENT,
  LedgerEventsListener,
  SERVICE_IDENTITY,
  type IdentityWallet,
  type LedgerClient,
} from '@consent-ledger/gateway';
import {
  IN_PROCESS_METRICS_TOKEN,
  startGatewayInProcess,
  type InProcessGateway,
} from '../support/gateway-app.ts';
import {
  GatewayApi,
  PATIENT_PASSWORD,
  enrolPatient,
  uniqueName,
  type GatewayPatient,
} from '../support/gateways.ts';
import { connectAdmin, topology } from '../support/ledger.ts';

/**
 * The gateway's identity layer against the real network. Each gateway here runs in this process
 * with its organization's real connection profile (its Fabric CA, its peer) and a temporary data
 * directory. Staff are enrolled with the CA under opaque enrollment IDs (no user name in any
 * certificate); patients are registered on the ledger and hold their own keys: no wallet entry,
 * no certificate, no private key at the gateway.
 */

const PASSWORD = 'correct-horse-battery';

/** The `attrs` JSON that Fabric CA puts in an enrollment certificate (extension 1.2.3.4.5.6.7.8.1). */
function certificateAttributes(pem: string): Record<string, string> {
  const der = new X509Certificate(pem).raw.toString('latin1');
  const start = der.indexOf('{"attrs":');
  if (start < 0) return {};
  let depth = 0;
  for (let end = start; end < der.length; end += 1) {
    if (der[end] === '{') depth += 1;
    if (der[end] === '}') depth -= 1;
    if (depth === 0)
      return (JSON.parse(der.slice(start, end + 1)) as { attrs: Record<string, string> }).attrs;
  }
  return {};
}

/** Whether a certificate's bytes (DER) or text (PEM) contain a string anywhere. */
function certificateMentions(pem: string, text: string): boolean {
  const der = new X509Certificate(pem).raw;
  return der.includes(Buffer.from(text)) || pem.includes(text);
}

const OPAQUE_ENROLLMENT_ID = /^u-[0-9a-f]{16}$/;

/** The MSP ID and certificate of a committed transaction's creator, read through qscc. */
async function creatorOf(txId: string): Promise<{ mspId: string; certificate: string }> {
  const connection = connectAdmin('gov');
  try {
    const qscc = connection.gateway.getNetwork(topology.channel.name).getContract('qscc');
    const bytes = await qscc.evaluateTransaction('GetTransactionByID', topology.channel.name, txId);
    const envelope = peer.ProcessedTransaction.deserializeBinary(bytes).getTransactionenvelope();
    if (envelope === undefined) throw new Error(`no envelope for ${txId}`);
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const header = common.SignatureHeader.deserializeBinary(
      payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array(),
    );
    const creator = msp.SerializedIdentity.deserializeBinary(header.getCreator_asU8());
    return {
      mspId: creator.getMspid(),
      certificate: Buffer.from(creator.getIdBytes_asU8()).toString('utf8'),
    };
  } finally {
    connection.close();
  }
}

describe('the gateway against the real CA and peer', () => {
  let gov: InProcessGateway;
  let tertiary: InProcessGateway;
  let govApi: GatewayApi;
  let tertiaryApi: GatewayApi;
  let govAdmin: string;
  let tertiaryAdmin: string;
  const regulator = uniqueName('reg');
  const analyst = uniqueName('an');
  const clinician = uniqueName('cl');
  let patient: GatewayPatient;
  const keyDir = mkdtempSync(path.join(tmpdir(), 'patient-keys-'));
  // baseline:Put is for admins only: the ledger writes below are made by admin users.
  const govOperator = uniqueName('op');
  const tertiaryOperator = uniqueName('op');

  beforeAll(async () => {
    [gov, tertiary] = await Promise.all([
      startGatewayInProcess('gov'),
      startGatewayInProcess('tertiary', { env: { GATEWAY_EVENTS: 'off' } }),
    ]);
    govApi = new GatewayApi(gov.base);
    tertiaryApi = new GatewayApi(tertiary.base);
    govAdmin = await govApi.loginAdmin('gov');
    tertiaryAdmin = await tertiaryApi.loginAdmin('tertiary');
  });

  afterAll(async () => {
    await Promise.all([gov.close(), tertiary.close()]);
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('is live and ready: the peer is reachable and the chaincode answers', async () => {
    expect((await govApi.get('/health/live')).status).toBe(200);
    const ready = await govApi.get('/health/ready');
    expect(ready.status, ready.text).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok' });
    expect(ready.body).not.toHaveProperty('peer');
  });

  it('enrolls staff with the CA under opaque enrollment IDs, the role as a certificate attribute', async () => {
    const created = await govApi.createUser(govAdmin, {
      username: regulator,
      password: PASSWORD,
      role: 'regulator',
    });
    expect(created).toMatchObject({ username: regulator, role: 'regulator', mspId: 'GovMSP' });
    expect(created.enrollmentId).toMatch(OPAQUE_ENROLLMENT_ID);
    expect(String(created.enrollmentId)).not.toContain(regulator);
    await govApi.createUser(govAdmin, { username: analyst, password: PASSWORD, role: 'analyst' });
    const doctor = await tertiaryApi.createUser(tertiaryAdmin, {
      username: clinician,
      password: PASSWORD,
      role: 'clinician',
      practitionerId: 'prac-e2e00001',
    });
    expect(doctor.enrollmentId).toMatch(OPAQUE_ENROLLMENT_ID);
    expect(doctor.enrollmentId).not.toBe(created.enrollmentId);

    const govWallet = gov.app.get<IdentityWallet>(IDENTITY_WALLET);
    const tertiaryWallet = tertiary.app.get<IdentityWallet>(IDENTITY_WALLET);
    const regulatorIdentity = await govWallet.get(`user:${regulator}`);
    expect(regulatorIdentity?.mspId).toBe('GovMSP');
    const regulatorCertificate = regulatorIdentity?.certificate ?? '';
    expect(new X509Certificate(regulatorCertificate).subject).toContain(
      `CN=${String(created.enrollmentId)}`,
    );
    expect(certificateMentions(regulatorCertificate, regulator)).toBe(false);
    expect(certificateAttributes(regulatorCertificate)).toMatchObject({ role: 'regulator' });
    const clinicianIdentity = await tertiaryWallet.get(`user:${clinician}`);
    const clinicianCertificate = clinicianIdentity?.certificate ?? '';
    expect(certificateAttributes(clinicianCertificate)).toMatchObject({
      role: 'clinician',
      practitionerId: 'prac-e2e00001',
    });
    expect(certificateMentions(clinicianCertificate, clinician)).toBe(false);
    expect(new X509Certificate(clinicianCertificate).subject).toContain(
      `CN=${String(doctor.enrollmentId)}`,
    );
  });

  it('registers a patient on the ledger with no certificate and no wallet entry, and refuses patients at POST /identities', async () => {
    const wallet = tertiary.app.get<IdentityWallet>(IDENTITY_WALLET);
    const labelsBefore = await wallet.list();
    patient = await enrolPatient(tertiaryApi, {
      adminToken: tertiaryAdmin,
      keyFile: path.join(keyDir, 'patient.pem'),
    });
    expect(patient.patientId).toMatch(/^pid-[a-z2-7]{16}$/);
    const me = await tertiaryApi.get('/identities/me', patient.token);
    expect(me.body).toMatchObject({
      username: patient.username,
      role: 'patient',
      mspId: 'TertiaryHospitalMSP',
      patientId: patient.patientId,
    });
    expect(me.body).not.toHaveProperty('enrollmentId');
    // No wallet entry was made for the patient, and no certificate anywhere carries the pseudonym.
    const labels = await wallet.list();
    expect(labels.sort()).toEqual(labelsBefore.sort());
    expect(await wallet.get(`user:${patient.username}`)).toBeUndefined();
    for (const label of labels) {
      const certificate = (await wallet.get(label))?.certificate ?? '';
      expect(certificateMentions(certificate, patient.patientId), label).toBe(false);
      expect(certificateAttributes(certificate).role, label).not.toBe('patient');
    }
    // The registration's creator (the home's admin) names neither the patient nor a user.
    const registration = await creatorOf(patient.registrationTxId);
    expect(registration.mspId).toBe('TertiaryHospitalMSP');
    expect(certificateMentions(registration.certificate, patient.patientId)).toBe(false);
    expect(certificateMentions(registration.certificate, patient.username)).toBe(false);
    expect(new X509Certificate(registration.certificate).subject).toMatch(/CN=u-[0-9a-f]{16}/);
    // The key was made on the patient's side: its private part is nowhere in the gateway's files.
    const pem = readFileSync(path.join(keyDir, 'patient.pem'), 'utf8');
    const keyBody = pem.split('\n')[1] ?? '';
    expect(keyBody.length).toBeGreaterThan(20);
    for (const file of readdirSync(tertiary.dataDir, { recursive: true }).map(String)) {
      const full = path.join(tertiary.dataDir, file);
      let bytes: string;
      try {
        bytes = readFileSync(full, 'latin1');
      } catch {
        continue;
      }
      expect(bytes.includes(keyBody), file).toBe(false);
    }
    // Patients are never created as users: not at a hospital, not at any other organization.
    for (const [api, token] of [
      [tertiaryApi, tertiaryAdmin],
      [govApi, govAdmin],
    ] as const) {
      const refused = await api.post('/identities', {
        token,
        body: { username: uniqueName('x'), password: PASSWORD, role: 'patient' },
      });
      expect(refused.status, refused.text).toBe(403);
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN' });
    }
    const withPseudonym = await tertiaryApi.post('/identities', {
      token: tertiaryAdmin,
      body: {
        username: uniqueName('x'),
        password: PASSWORD,
        role: 'patient',
        patientId: patient.patientId,
      },
    });
    // Naming an existing pseudonym (the insurer's attack of issue 15) is not even a field.
    expect(withPseudonym.status, withPseudonym.text).toBe(400);
    expect(withPseudonym.body).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('logs users in with their password only, and tells them who they are', async () => {
    const token = await govApi.login(regulator, PASSWORD);
    const me = await govApi.get('/identities/me', token);
    expect(me.body).toMatchObject({
      username: regulator,
      role: 'regulator',
      mspId: 'GovMSP',
      orgType: 'government',
    });
    const wrong = await govApi.post('/auth/login', {
      body: { username: regulator, password: 'wrong-password' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    const tertiaryToken = await tertiaryApi.login(patient.username, PATIENT_PASSWORD);
    expect((await govApi.get('/identities/me', tertiaryToken)).status).toBe(401);
  });

  it('writes to the ledger with the user’s own certificate, which names no user', async () => {
    await govApi.createUser(govAdmin, { username: govOperator, password: PASSWORD, role: 'admin' });
    await tertiaryApi.createUser(tertiaryAdmin, {
      username: tertiaryOperator,
      password: PASSWORD,
      role: 'admin',
    });
    const ledger = gov.app.get<LedgerClient>(LEDGER_CLIENT);
    const key = uniqueName('gateway-e2e');
    const { txId } = await ledger
      .as(`user:${govOperator}`)
      .submit('baseline:Put', key, 'written by the gov operator');
    const read = await ledger.as(`user:${analyst}`).evaluate('baseline:Get', key);
    expect(read).toBe('written by the gov operator');
    const creator = await creatorOf(txId);
    const wallet = gov.app.get<IdentityWallet>(IDENTITY_WALLET);
    const operatorIdentity = await wallet.get(`user:${govOperator}`);
    expect(certificateAttributes(operatorIdentity?.certificate ?? '')).toMatchObject({
      role: 'admin',
    });
    expect(creator.mspId).toBe('GovMSP');
    expect(new X509Certificate(creator.certificate).fingerprint256).toBe(
      new X509Certificate(operatorIdentity?.certificate ?? '').fingerprint256,
    );
    // The block holds the creator's certificate: an opaque enrollment ID, no username.
    expect(new X509Certificate(creator.certificate).subject).toMatch(/CN=u-[0-9a-f]{16}/);
    expect(certificateMentions(creator.certificate, govOperator)).toBe(false);
    const second = await tertiary.app
      .get<LedgerClient>(LEDGER_CLIENT)
      .as(`user:${tertiaryOperator}`)
      .submit('baseline:Put', key, 'overwritten by the tertiary operator');
    const tertiaryCreator = await creatorOf(second.txId);
    expect(tertiaryCreator.mspId).toBe('TertiaryHospitalMSP');
    expect(new X509Certificate(tertiaryCreator.certificate).subject).toMatch(/CN=u-[0-9a-f]{16}/);
    expect(certificateMentions(tertiaryCreator.certificate, tertiaryOperator)).toBe(false);
    // Anyone else's certificate is refused: the regulator may read but not write.
    await expect(
      ledger.as(`user:${regulator}`).submit('baseline:Put', key, 'written by the regulator'),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const metrics = await govApi.request('GET', '/metrics', {
      headers: { authorization: `Bearer ${IN_PROCESS_METRICS_TOKEN}` },
    });
    expect(metrics.text).toMatch(
      /gateway_ledger_call_duration_seconds_count\{transaction="baseline:Put",kind="submit",outcome="ok"\} 1/,
    );
  });

  it('keeps every identity encrypted at rest', async () => {
    const wallet = gov.app.get<IdentityWallet>(IDENTITY_WALLET);
    const identity = await wallet.get(`user:${regulator}`);
    const keyBody = (identity?.privateKey ?? '').split('\n')[1] ?? '';
    expect(keyBody.length).toBeGreaterThan(20);
    for (const file of readdirSync(gov.dataDir).filter((name) => name.startsWith('gateway.db'))) {
      const bytes = readFileSync(path.join(gov.dataDir, file), 'latin1');
      expect(bytes.includes(keyBody), file).toBe(false);
      expect(bytes.includes('PRIVATE KEY'), file).toBe(false);
    }
  });

  it('listens to chaincode events with its own service identity', async () => {
    expect(await gov.app.get<IdentityWallet>(IDENTITY_WALLET).get(SERVICE_IDENTITY)).toBeDefined();
    await expect
      .poll(() => gov.app.get(LedgerEventsListener).connected, { timeout: 15_000 })
      .toBe(true);
  });

  it('keeps users and their identities across a restart', async () => {
    const dataDir = tertiary.dataDir;
    await tertiary.close({ keepData: true });
    tertiary = await startGatewayInProcess('tertiary', {
      dataDir,
      env: { GATEWAY_EVENTS: 'off' },
    });
    const api = new GatewayApi(tertiary.base);
    const token = await api.login(patient.username, PATIENT_PASSWORD);
    expect((await api.get('/identities/me', token)).body).toMatchObject({
      username: patient.username,
      role: 'patient',
      patientId: patient.patientId,
    });
    const staff = await api.login(clinician, PASSWORD);
    expect((await api.get('/identities/me', staff)).body).toMatchObject({
      username: clinician,
      role: 'clinician',
    });
  });
});

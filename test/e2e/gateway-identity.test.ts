import { X509Certificate } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
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
import { startGatewayInProcess, type InProcessGateway } from '../support/gateway-app.ts';
import { GatewayApi, uniqueName } from '../support/gateways.ts';
import { connectAdmin, topology } from '../support/ledger.ts';

/**
 * The gateway's identity layer against the real network. Each gateway here runs in this process
 * with its organization's real connection profile (its Fabric CA, its peer) and a temporary data
 * directory: only the network and the baseline contract are needed, not the domain chaincode.
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
  const patient = uniqueName('pt');
  const clinician = uniqueName('cl');
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
    govAdmin = await govApi.login('admin', 'adminpw');
    tertiaryAdmin = await tertiaryApi.login('admin', 'adminpw');
  });

  afterAll(async () => {
    await Promise.all([gov.close(), tertiary.close()]);
  });

  it('is live and ready: the peer is reachable and the chaincode answers', async () => {
    expect((await govApi.get('/health/live')).status).toBe(200);
    const ready = await govApi.get('/health/ready');
    expect(ready.status, ready.text).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', mspId: 'GovMSP' });
  });

  it('registers and enrolls users with the CA, role and pseudonyms as certificate attributes', async () => {
    const created = await govApi.createUser(govAdmin, {
      username: regulator,
      password: PASSWORD,
      role: 'regulator',
    });
    expect(created).toMatchObject({
      username: regulator,
      role: 'regulator',
      mspId: 'GovMSP',
      enrollmentId: `user.${regulator}`,
    });
    await govApi.createUser(govAdmin, { username: analyst, password: PASSWORD, role: 'analyst' });
    const pt = await tertiaryApi.createUser(tertiaryAdmin, {
      username: patient,
      password: PASSWORD,
      role: 'patient',
    });
    expect(pt.patientId).toMatch(/^pid-[a-z2-7]{16}$/);
    await tertiaryApi.createUser(tertiaryAdmin, {
      username: clinician,
      password: PASSWORD,
      role: 'clinician',
      practitionerId: 'prac-e2e00001',
    });

    const govWallet = gov.app.get<IdentityWallet>(IDENTITY_WALLET);
    const tertiaryWallet = tertiary.app.get<IdentityWallet>(IDENTITY_WALLET);
    const regulatorIdentity = await govWallet.get(`user:${regulator}`);
    expect(regulatorIdentity?.mspId).toBe('GovMSP');
    expect(new X509Certificate(regulatorIdentity?.certificate ?? '').subject).toContain(
      `CN=user.${regulator}`,
    );
    expect(certificateAttributes(regulatorIdentity?.certificate ?? '')).toMatchObject({
      role: 'regulator',
    });
    const patientIdentity = await tertiaryWallet.get(`user:${patient}`);
    expect(certificateAttributes(patientIdentity?.certificate ?? '')).toMatchObject({
      role: 'patient',
      patientId: pt.patientId,
    });
    const clinicianIdentity = await tertiaryWallet.get(`user:${clinician}`);
    expect(certificateAttributes(clinicianIdentity?.certificate ?? '')).toMatchObject({
      role: 'clinician',
      practitionerId: 'prac-e2e00001',
    });
  });

  it('refuses roles the organization type does not have, duplicates and non-admins', async () => {
    const patientAtGov = await govApi.post('/identities', {
      token: govAdmin,
      body: { username: uniqueName('x'), password: PASSWORD, role: 'patient' },
    });
    expect(patientAtGov.status).toBe(403);
    expect(patientAtGov.body).toMatchObject({ code: 'FORBIDDEN' });
    const duplicate = await govApi.post('/identities', {
      token: govAdmin,
      body: { username: regulator, password: PASSWORD, role: 'analyst' },
    });
    expect(duplicate.status).toBe(409);
    const token = await govApi.login(regulator, PASSWORD);
    const byRegulator = await govApi.post('/identities', {
      token,
      body: { username: uniqueName('y'), password: PASSWORD, role: 'analyst' },
    });
    expect(byRegulator.status).toBe(403);
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
    const tertiaryToken = await tertiaryApi.login(patient, PASSWORD);
    expect((await govApi.get('/identities/me', tertiaryToken)).status).toBe(401);
  });

  it('writes to the ledger with the user’s own certificate, never a shared one', async () => {
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
    expect(new X509Certificate(creator.certificate).subject).toContain(`CN=user.${govOperator}`);
    const second = await tertiary.app
      .get<LedgerClient>(LEDGER_CLIENT)
      .as(`user:${tertiaryOperator}`)
      .submit('baseline:Put', key, 'overwritten by the tertiary operator');
    const tertiaryCreator = await creatorOf(second.txId);
    expect(tertiaryCreator.mspId).toBe('TertiaryHospitalMSP');
    expect(new X509Certificate(tertiaryCreator.certificate).subject).toContain(
      `CN=user.${tertiaryOperator}`,
    );
    // Anyone else's certificate is refused: the regulator may read but not write.
    await expect(
      ledger.as(`user:${regulator}`).submit('baseline:Put', key, 'written by the regulator'),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const metrics = await govApi.get('/metrics');
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
    const token = await api.login(patient, PASSWORD);
    expect((await api.get('/identities/me', token)).body).toMatchObject({
      username: patient,
      role: 'patient',
    });
  });
});

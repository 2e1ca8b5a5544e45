import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  blockByNumber,
  parseBundle,
  verifyBundle,
  type EvidenceBundle,
  type Report,
} from '@consent-ledger/verifier';
import {
  generatePatientKey,
  signAction,
  type ConsentErasure,
  type ConsentInput,
  type ConsentWrite,
  type LedgerEventMessage,
  type PatientView,
} from '@consent-ledger/ledger-api';
import {
  bindGuardian,
  enrolPatient,
  gateway,
  gatewayBase,
  readEvents,
  uniqueName,
  type GatewayApi,
  type GatewayGuardian,
  type GatewayPatient,
} from '../support/gateways.ts';
import { connectAdmin, ledgerHeight, topology } from '../support/ledger.ts';
import { validateResource } from '@consent-ledger/gateway';

/**
 * The whole journey through the five running gateways (ports 4001-4005, started by the global
 * setup) and the deployed chaincode (docs/ledger-api.md, docs/privacy.md, docs/patient-keys.md):
 * a community-hospital patient registered by their home hospital and acting only through
 * statements signed with a key made on their own device; their consent to the tertiary hospital
 * and its revocation; access decided by it; what each organization's live events show; the
 * regulator's audit view; evidence bundles of the consent and the accesses; the consent's erasure;
 * a guardian signing for the patient; documents anchored and verified; role refusals; and bad
 * input that never reaches the ledger.
 */

const PASSWORD = 'journey-pass-phrase-29';
const COMMUNITY = 'CommunityHospitalMSP';
const TERTIARY = 'TertiaryHospitalMSP';
const PAIR = 'pair_CommunityHospitalMSP_TertiaryHospitalMSP';

interface AccessOutcome {
  eventId: string;
  decision: 'permit' | 'deny';
  consentId?: string;
  consentIds: string[];
  reason: string;
  txId: string;
}

interface AccessEventPage {
  items: {
    eventId: string;
    decision: string;
    patientId: string;
    timestamp: string;
    accessor: { org: string };
  }[];
  bookmark: string;
  total?: { count: number; exact: boolean };
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

function holds(report: Report): void {
  expect(report.ok, JSON.stringify(report.checks, null, 2)).toBe(true);
}

/** The events a gateway streams to a caller (from the first), until `done` or a minute. */
async function streamed(
  orgName: string,
  token: string,
  done: (events: readonly LedgerEventMessage[]) => boolean,
): Promise<LedgerEventMessage[]> {
  const events = await readEvents({
    base: gatewayBase(orgName),
    token,
    lastEventId: '0',
    timeoutMs: 60_000,
    done: (received) => done(received as unknown as LedgerEventMessage[]),
  });
  return events as unknown as LedgerEventMessage[];
}

/** Whether an event's payload names an ID (a consent, an access event, a patient). */
const names = (event: LedgerEventMessage, id: string): boolean =>
  JSON.stringify(event.payload).includes(id);

/** A block as a peer holds it now, in a bundle's form (base64 envelopes). */
async function blockNow(orgName: string, number: string): Promise<string[]> {
  const connection = connectAdmin(orgName);
  try {
    const network = connection.gateway.getNetwork(topology.channel.name);
    const block = await blockByNumber(
      (chaincode, fn, args) => network.getContract(chaincode).evaluateTransaction(fn, ...args),
      topology.channel.name,
      BigInt(number),
    );
    return (block.getData()?.getDataList_asU8() ?? []).map((entry) =>
      Buffer.from(entry).toString('base64'),
    );
  } finally {
    connection.close();
  }
}

describe('the consent journey across the organizations’ gateways', () => {
  const gov = gateway('gov');
  const tertiary = gateway('tertiary');
  const community = gateway('community');
  const enterprise = gateway('enterprise');
  const usernames = {
    doctor: uniqueName('doctor'),
    gp: uniqueName('gp'),
    regulator: uniqueName('regulator'),
    analyst: uniqueName('analyst'),
  };
  const tokens = {
    doctor: '',
    gp: '',
    regulator: '',
    analyst: '',
    communityAdmin: '',
    tertiaryAdmin: '',
    enterpriseAdmin: '',
  };
  let patient: GatewayPatient;
  let patientId = '';
  let consentId = '';
  let standing: ConsentWrite;
  let permitted: AccessOutcome;
  let denied: AccessOutcome;
  const bundles: { consent?: EvidenceBundle; event?: EvidenceBundle } = {};

  const toTertiary: ConsentInput = {
    grantee: { org: TERTIARY, role: 'clinician' },
    purposes: ['treatment'],
    categories: ['outpatient', 'laboratory'],
  };

  beforeAll(async () => {
    const admin = (api: GatewayApi) => api.loginAdmin();
    const govAdmin = await admin(gov);
    tokens.tertiaryAdmin = await admin(tertiary);
    tokens.communityAdmin = await admin(community);
    tokens.enterpriseAdmin = await admin(enterprise);
    await tertiary.createUser(tokens.tertiaryAdmin, {
      username: usernames.doctor,
      password: PASSWORD,
      role: 'clinician',
    });
    await community.createUser(tokens.communityAdmin, {
      username: usernames.gp,
      password: PASSWORD,
      role: 'clinician',
      practitionerId: 'prac-journey01',
    });
    await gov.createUser(govAdmin, {
      username: usernames.regulator,
      password: PASSWORD,
      role: 'regulator',
    });
    await enterprise.createUser(tokens.enterpriseAdmin, {
      username: usernames.analyst,
      password: PASSWORD,
      role: 'analyst',
    });
    tokens.doctor = await tertiary.login(usernames.doctor, PASSWORD);
    tokens.gp = await community.login(usernames.gp, PASSWORD);
    tokens.regulator = await gov.login(usernames.regulator, PASSWORD);
    tokens.analyst = await enterprise.login(usernames.analyst, PASSWORD);
    patient = await enrolPatient(community, { adminToken: tokens.communityAdmin });
    patientId = patient.patientId;
  });

  it('has every gateway live and ready', async () => {
    for (const name of ['gov', 'tertiary', 'community', 'enterprise', 'research']) {
      const api = gateway(name);
      expect((await api.get('/health/live')).status, name).toBe(200);
      const ready = await api.get('/health/ready');
      expect(ready.status, `${name}: ${ready.text}`).toBe(200);
    }
  });

  it('registers the patient at the home hospital and binds the key made on their device', async () => {
    expect(patientId).toMatch(/^pid-[a-z2-7]{16}$/);
    const view = await patient.view();
    expect(view.binding).toMatchObject({
      patientId,
      home: COMMUNITY,
      status: 'active',
      keys: [{ keyId: patient.device.key.keyId, publicKey: patient.device.key.publicKey }],
      guardians: [],
    });
    expect(view.binding).not.toHaveProperty('enrolment');
    expect(view.history.map((version) => version.change)).toEqual(['registered', 'activated']);
    expect(view.history[0]?.by).toEqual({ kind: 'org', id: COMMUNITY });
    expect(view.history[1]?.by).toEqual({ kind: 'patient', id: patientId });
    // The session is an account for sign-in only: no certificate, no enrollment ID.
    const me = await community.get('/identities/me', patient.token);
    expect(me.body).toMatchObject({ username: patient.username, role: 'patient', patientId });
    expect(me.body).not.toHaveProperty('enrollmentId');
    // The home's admin reads the patient; the regulator too; another hospital's admin does not.
    const byHome = await community.get<PatientView>(
      `/patients/${patientId}`,
      tokens.communityAdmin,
    );
    expect(byHome.status, byHome.text).toBe(200);
    expect(byHome.body.binding.version).toBe(view.binding.version);
    expect((await gov.get(`/patients/${patientId}`, tokens.regulator)).status).toBe(200);
    const elsewhere = await tertiary.get(`/patients/${patientId}`, tokens.tertiaryAdmin);
    expect(elsewhere.status, elsewhere.text).toBe(403);
    // Staff are never patients: POST /identities refuses the role.
    const impostor = await community.post('/identities', {
      token: tokens.communityAdmin,
      body: { username: uniqueName('fake'), password: PASSWORD, role: 'patient' },
    });
    expect(impostor.status, impostor.text).toBe(403);
    expect(impostor.body).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lets the patient grant a consent to the tertiary hospital’s clinicians, by a signed statement', async () => {
    const action = await patient.device.sign('consent:GrantConsent', toTertiary);
    const idempotencyKey = uniqueName('grant');
    const grant = () =>
      community.post<ConsentWrite>('/consents', {
        token: patient.token,
        headers: { 'Idempotency-Key': idempotencyKey },
        body: { action },
      });
    const response = await grant();
    expect(response.status, response.text).toBe(201);
    expect(response.body.consentId).toMatch(/^con-[0-9a-f]{24}$/);
    expect(response.body.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(response.body.consent).toMatchObject({
      patientId,
      patientHome: COMMUNITY,
      provision: 'permit',
      status: 'active',
      version: 1,
      grantee: { org: TERTIARY, role: 'clinician' },
      signedBy: { kind: 'patient', id: patientId },
    });
    consentId = response.body.consentId;
    // A retry with the same Idempotency-Key answers the first result; nothing is signed twice.
    const retried = await grant();
    expect(retried.status).toBe(201);
    expect(retried.body.consentId).toBe(consentId);
    // ...and names the block of the first answer's write, for a client that lost that answer.
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.headers.get('ledger-block')).toMatch(/^\d+$/);
    expect(retried.headers.get('ledger-block')).toBe(response.headers.get('ledger-block'));
    const mine = await community.get<{ items: { consentId: string }[] }>(
      '/consents',
      patient.token,
    );
    expect(mine.body.items.map((item) => item.consentId)).toContain(consentId);
    // The grantee's clinicians read the consent at their own gateway.
    const seen = await tertiary.get(`/consents/${consentId}`, tokens.doctor);
    expect(seen.status, seen.text).toBe(200);
    expect(seen.body).toMatchObject({ consentId, patientId });
  });

  it('writes nothing for a statement the patient’s key did not sign, or that staff carry', async () => {
    const before = await ledgerHeight();
    const stranger = await generatePatientKey();
    const forged = await signAction(stranger, {
      action: 'consent:GrantConsent',
      channel: patient.device.ledger.channel,
      chaincode: patient.device.ledger.chaincode,
      patientId,
      signer: { kind: 'patient', id: patientId },
      payload: { ...toTertiary, categories: ['genomic'] },
      now: new Date(),
    });
    const refused = await community.post('/consents', {
      token: patient.token,
      body: { action: forged },
    });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN' });
    // A genuine statement, posted by a clinician of the home hospital: patients' routes only.
    const genuine = await patient.device.sign('consent:GrantConsent', toTertiary);
    const carried = await community.post('/consents', {
      token: tokens.gp,
      body: { action: genuine },
    });
    expect(carried.status, carried.text).toBe(403);
    expect(await ledgerHeight()).toBe(before);
  });

  it('permits the tertiary clinician’s request, by that consent', async () => {
    const decision = await tertiary.get<{ decision: string }>(
      `/access-decisions?patientId=${patientId}&purpose=treatment&categories=laboratory`,
      tokens.doctor,
    );
    expect(decision.status, decision.text).toBe(200);
    expect(decision.body.decision).toBe('permit');
    const response = await tertiary.post<AccessOutcome>('/access-requests', {
      token: tokens.doctor,
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
    const revoked = await patient.revoke(consentId);
    expect(revoked.consent).toMatchObject({
      status: 'revoked',
      version: 2,
      signedBy: { kind: 'patient', id: patientId },
    });
    // Revoking again is a conflict, whatever version the statement names.
    const again = await community.post(`/consents/${consentId}/revoke`, {
      token: patient.token,
      body: {
        action: await patient.device.sign('consent:RevokeConsent', {
          consentId,
          expectedVersion: 2,
        }),
      },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CONFLICT' });
    const history = await community.get<unknown[]>(`/consents/${consentId}/history`, patient.token);
    expect(history.status).toBe(200);
    expect(history.body.length).toBeGreaterThanOrEqual(2);

    const response = await tertiary.post<AccessOutcome>('/access-requests', {
      token: tokens.doctor,
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
      accessor: { org: TERTIARY },
    });
    expect(byId.get(denied.eventId)).toMatchObject({ decision: 'deny' });
    // Newest first by default, oldest first on request, a first page with the total of all.
    const times = events.map((event) => event.timestamp);
    expect(times).toEqual([...times].sort().reverse());
    const pageOf = async (query: string) => {
      const response = await gov.get<AccessEventPage>(
        `/audit/access-events?patientId=${patientId}&pageSize=1${query}`,
        tokens.regulator,
      );
      expect(response.status, response.text).toBe(200);
      return response.body;
    };
    const newest = await pageOf('');
    expect(newest.items.map((event) => event.eventId)).toEqual([denied.eventId]);
    expect(newest.total).toEqual({ count: events.length, exact: true });
    const oldest = await pageOf('&order=asc');
    expect(oldest.items.map((event) => event.eventId)).toEqual([permitted.eventId]);
    expect(oldest.total).toEqual({ count: events.length, exact: true });
    const second = await pageOf(`&order=asc&bookmark=${oldest.bookmark}`);
    expect(second.items.map((event) => event.eventId)).toEqual([denied.eventId]);
    expect(second.total).toBeUndefined();
    // A bookmark belongs to its order.
    const crossed = await gov.get(
      `/audit/access-events?patientId=${patientId}&bookmark=${oldest.bookmark}`,
      tokens.regulator,
    );
    expect(crossed.status, crossed.text).toBe(400);
    expect(crossed.body).toMatchObject({ code: 'INVALID_ARGUMENT' });
    // The patient sees their own; the requesting hospital sees its own events.
    const own = await accessEvents(community, patient.token, patientId);
    expect(own.map((event) => event.eventId)).toEqual(
      expect.arrayContaining([permitted.eventId, denied.eventId]),
    );
    const theirs = await accessEvents(tertiary, tokens.doctor, patientId);
    expect(theirs.map((event) => event.eventId)).toEqual(
      expect.arrayContaining([permitted.eventId, denied.eventId]),
    );

    const wanted = [permitted.eventId, denied.eventId];
    const stream = await streamed('gov', tokens.regulator, (received) =>
      wanted.every((eventId) => received.some((event) => names(event, eventId))),
    );
    const recorded = stream.filter((event) => event.eventName === 'AccessRecorded');
    expect(recorded.map((event) => (event.payload as { eventId: string }).eventId)).toEqual(
      expect.arrayContaining(wanted),
    );
    // The regulator's stream holds the patient's binding changes and the consent too.
    expect(
      stream.some(
        (event) => event.eventName === 'PatientBindingChanged' && names(event, patientId),
      ),
    ).toBe(true);
    expect(
      stream.some((event) => event.eventName === 'ConsentGranted' && names(event, consentId)),
    ).toBe(true);
  });

  it('streams to each organization what its peer holds: the grantee, not a stranger; the patient their own', async () => {
    const ours = [consentId, permitted.eventId, denied.eventId];
    // The tertiary hospital holds the consent to it and its own accesses.
    const atTertiary = await streamed('tertiary', tokens.doctor, (received) =>
      ours.every((id) => received.some((event) => names(event, id))),
    );
    const about = atTertiary.filter((event) => names(event, patientId));
    expect(about.map((event) => event.eventName)).toEqual(
      expect.arrayContaining(['ConsentGranted', 'ConsentRevoked', 'AccessRecorded']),
    );
    expect(about.find((event) => event.eventName === 'ConsentGranted')?.payload).toMatchObject({
      consentId,
      patientId,
      granteeOrg: TERTIARY,
    });
    // Not the patient's binding: it is kept with the home and the regulator only.
    expect(about.some((event) => event.eventName === 'PatientBindingChanged')).toBe(false);

    // The patient sees their own, at their home gateway.
    const atHome = await streamed('community', patient.token, (received) =>
      ours.every((id) => received.some((event) => names(event, id))),
    );
    expect(atHome.length).toBeGreaterThan(0);
    for (const event of atHome)
      expect((event.payload as { patientId?: string }).patientId).toBe(patientId);

    // The enterprise holds none of it. A later consent to the enterprise marks how far its
    // gateway has read: once the marker is streamed, every earlier block was read too.
    const marker = await enrolPatient('tertiary', { adminToken: tokens.tertiaryAdmin });
    const markerConsent = await marker.grant({
      grantee: { org: 'EnterpriseMSP', role: 'analyst' },
      purposes: ['insurance'],
      categories: ['outpatient'],
    });
    const atEnterprise = await streamed('enterprise', tokens.analyst, (received) =>
      received.some((event) => names(event, markerConsent.consentId)),
    );
    expect(atEnterprise.some((event) => names(event, markerConsent.consentId))).toBe(true);
    for (const id of [patientId, ...ours])
      expect(atEnterprise.filter((event) => names(event, id))).toEqual([]);
  });

  it('exports the audit trail as CSV and as a FHIR Bundle', async () => {
    const csv = await gov.get(
      `/audit/access-events/export?format=csv&patientId=${patientId}`,
      tokens.regulator,
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text).toContain(permitted.eventId);
    // Newest first by default; oldest first on request.
    const firstRow = (text: string) => text.split('\r\n')[1]?.split(',')[0];
    expect(firstRow(csv.text)).toBe(denied.eventId);
    const ascending = await gov.get(
      `/audit/access-events/export?format=csv&patientId=${patientId}&order=asc`,
      tokens.regulator,
    );
    expect(firstRow(ascending.text)).toBe(permitted.eventId);
    const fhir = await gov.get<{
      resourceType: string;
      entry: { resource: { resourceType: string } }[];
    }>(`/audit/access-events/export?format=fhir&patientId=${patientId}`, tokens.regulator);
    expect(fhir.status).toBe(200);
    expect(fhir.body.resourceType).toBe('Bundle');
    expect(fhir.body.entry.length).toBeGreaterThanOrEqual(2);
    expect(fhir.body.entry[0]?.resource.resourceType).toBe('AuditEvent');
  });

  it('serves evidence bundles (version 2) of the consent and the access that verify offline', async () => {
    const consentProof = await community.get<EvidenceBundle>(
      `/consents/${consentId}/proof?version=1`,
      patient.token,
    );
    expect(consentProof.status, consentProof.text).toBe(200);
    const consent = parseBundle(consentProof.body);
    expect(consent.version).toBe(2);
    expect(consent.subject).toEqual({ kind: 'consent', consentId, version: 1 });
    if (consent.version !== 2 || consent.privateWrite === undefined)
      throw new Error('a consent bundle carries its private write');
    expect(consent.privateWrite.collection).toBe(PAIR);
    const stored = JSON.parse(Buffer.from(consent.privateWrite.value, 'base64').toString()) as {
      consentId: string;
      version: number;
      patientId: string;
      salt: string;
    };
    expect(stored).toMatchObject({ consentId, version: 1, patientId });
    expect(stored.salt).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    const report = verifyBundle(consent);
    holds(report);
    expect(report.checks.find((check) => check.name === 'private-write')?.ok).toBe(true);
    bundles.consent = consent;
    // The grantee gets the revoked version's bundle at its own gateway.
    const latest = await tertiary.get<EvidenceBundle>(
      `/consents/${consentId}/proof`,
      tokens.doctor,
    );
    expect(latest.status, latest.text).toBe(200);
    expect(parseBundle(latest.body).subject).toEqual({ kind: 'consent', consentId, version: 2 });
    holds(verifyBundle(parseBundle(latest.body)));
    // An organization that is neither home nor grantee gets none.
    const stranger = await enterprise.get(`/consents/${consentId}/proof`, tokens.analyst);
    expect(stranger.status, stranger.text).toBe(403);

    for (const [api, token] of [
      [tertiary, tokens.doctor],
      [community, patient.token],
      [gov, tokens.regulator],
    ] as const) {
      const response = await api.get<EvidenceBundle>(
        `/audit/access-events/${permitted.eventId}/proof`,
        token,
      );
      expect(response.status, response.text).toBe(200);
      const event = parseBundle(response.body);
      expect(event.subject).toEqual({ kind: 'access-event', eventId: permitted.eventId });
      if (event.version !== 2 || event.privateWrite === undefined)
        throw new Error('an access-event bundle carries its private write');
      expect(event.privateWrite.collection).toBe(PAIR);
      holds(verifyBundle(event));
      bundles.event = event;
    }
    const refused = await enterprise.get(
      `/audit/access-events/${permitted.eventId}/proof`,
      tokens.analyst,
    );
    expect(refused.status, refused.text).toBe(403);
  });

  it('serves FHIR R4 resources that validate against the official schema, naming who signed', async () => {
    const expectValid = (resource: unknown, what: string): void => {
      const result = validateResource(resource);
      expect(result.errors, what).toEqual([]);
      expect(result.valid, what).toBe(true);
    };
    const metadata = await gov.get('/fhir/metadata');
    expect(metadata.status, metadata.text).toBe(200);
    expect(metadata.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expectValid(metadata.body, 'CapabilityStatement');

    const consent = await community.get(`/fhir/Consent/${consentId}`, patient.token);
    expect(consent.status, consent.text).toBe(200);
    expect(consent.body).toMatchObject({
      resourceType: 'Consent',
      status: 'inactive',
      patient: { type: 'Patient', identifier: { value: patientId } },
      performer: [{ type: 'Patient', identifier: { value: patientId } }],
    });
    expectValid(consent.body, 'Consent');

    const consents = await community.get(`/fhir/Consent?patient=${patientId}`, patient.token);
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

    const missing = await community.get(
      '/fhir/Consent/con-000000000000000000000000',
      patient.token,
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ resourceType: 'OperationOutcome' });
    expectValid(missing.body, 'OperationOutcome');
  });

  it('lets a guardian the home and the regulator bound sign for the patient, as the FHIR performer shows', async () => {
    const guardian: GatewayGuardian = await bindGuardian({
      home: community,
      adminToken: tokens.communityAdmin,
      gov,
      regulatorToken: tokens.regulator,
      patientId,
      relationship: 'legal-proxy',
    });
    expect(guardian.guardianId).toMatch(/^rp-[a-z2-7]{16,32}$/);
    expect(guardian.approval.binding.guardians).toEqual([
      expect.objectContaining({ guardianId: guardian.guardianId, status: 'approved' }),
    ]);
    standing = await guardian.grant({
      grantee: { org: TERTIARY, role: 'clinician' },
      purposes: ['treatment'],
      categories: ['imaging'],
    });
    expect(standing.consent).toMatchObject({
      patientId,
      status: 'active',
      signedBy: { kind: 'guardian', id: guardian.guardianId },
    });
    const fhir = await community.get(`/fhir/Consent/${standing.consentId}`, patient.token);
    expect(fhir.status, fhir.text).toBe(200);
    expect(fhir.body).toMatchObject({
      performer: [{ type: 'RelatedPerson', identifier: { value: guardian.guardianId } }],
    });
    const view = await patient.view();
    expect(view.binding.guardians).toEqual([
      expect.objectContaining({ guardianId: guardian.guardianId, status: 'active' }),
    ]);
    expect(view.history.map((version) => version.change)).toEqual(
      expect.arrayContaining(['guardian-proposed', 'guardian-approved', 'guardian-activated']),
    );
    // The regulator ends the guardianship: from then on the guardian's statements are refused.
    const ended = await gov.post(`/patients/${patientId}/guardians/${guardian.guardianId}/end`, {
      token: tokens.regulator,
    });
    expect(ended.status, ended.text).toBe(200);
    const before = await ledgerHeight();
    const late = await community.post('/consents', {
      token: guardian.token,
      body: {
        action: await guardian.device.sign('consent:GrantConsent', {
          grantee: { org: TERTIARY, role: 'clinician' },
          purposes: ['treatment'],
          categories: ['medication'],
        }),
      },
    });
    expect(late.status, late.text).toBe(403);
    expect(await ledgerHeight()).toBe(before);
  });

  it('erases the revoked consent: gone from every peer, the receipt kept, the hash in the block', async () => {
    // An active consent is not erased.
    const active = await community.post(`/consents/${standing.consentId}/erase`, {
      token: patient.token,
      body: {
        action: await patient.device.sign('consent:EraseConsent', {
          consentId: standing.consentId,
        }),
      },
    });
    expect(active.status, active.text).toBe(422);
    expect(active.body).toMatchObject({ code: 'RULE_VIOLATION' });

    const erasure: ConsentErasure = await patient.erase(consentId);
    expect(erasure).toMatchObject({
      consentId,
      receipt: {
        patientId,
        kind: 'consent',
        subject: consentId,
        requestedBy: { kind: 'patient', id: patientId },
      },
    });
    for (const [api, token] of [
      [community, patient.token],
      [tertiary, tokens.doctor],
      [gov, tokens.regulator],
    ] as const) {
      const gone = await api.get(`/consents/${consentId}`, token);
      expect(gone.status, gone.text).toBe(404);
      expect((await api.get(`/consents/${consentId}/proof`, token)).status).toBe(404);
    }
    const view = await patient.view();
    expect(view.erasures).toEqual([
      expect.objectContaining({ kind: 'consent', subject: consentId, txId: erasure.txId }),
    ]);
    // The access event that named the consent is still on the ledger.
    const event = await gov.get<{ consentIds: string[] }>(
      `/audit/access-events/${permitted.eventId}`,
      tokens.regulator,
    );
    expect(event.body.consentIds).toEqual([consentId]);

    // The block keeps the hashes: the bundle made before the erasure still verifies, and so does
    // the same bundle rebuilt from the block as the peers hold it today.
    const earlier = bundles.consent;
    if (earlier === undefined) throw new Error('the consent bundle was made before');
    holds(verifyBundle(earlier));
    const today = await blockNow('enterprise', earlier.block.header.number);
    expect(today).toEqual(earlier.block.data);
    holds(verifyBundle({ ...earlier, block: { ...earlier.block, data: today } }));
    if (bundles.event !== undefined) holds(verifyBundle(bundles.event));
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
      // Another organization's record: named by its owner (record IDs are scoped by it).
      body: {
        recordId,
        owner: 'TertiaryHospitalMSP',
        sha256: createHash('sha256').update(document).digest('hex'),
      },
    });
    expect(byDigest.body.verified).toBe(true);
    const tampered = await tertiary.post<{ verified: boolean }>('/records/verify', {
      token: tokens.doctor,
      form: multipart({ recordId }, modified),
    });
    expect(tampered.status, tampered.text).toBe(200);
    expect(tampered.body.verified).toBe(false);
    const record = await tertiary.get<{ versions: unknown[]; head: Record<string, unknown> }>(
      `/records/${recordId}`,
      tokens.doctor,
    );
    expect(record.body.versions).toHaveLength(1);
    // The owner holds the record's patient link; the patient's home too, at its own gateway.
    expect(record.body.head).toMatchObject({ patientId, category: 'inpatient' });
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
      proofs: { recordId: string; leafIndex: number; auditPath: string[]; salt: string }[];
    }>('/records/batches', { token: tokens.doctor, body: { items } });
    expect(batch.status, batch.text).toBe(201);
    expect(batch.body.proofs).toHaveLength(5);
    expect(batch.body.proofs[3]).toMatchObject({ recordId: items[3]?.recordId, leafIndex: 3 });
    expect(new Set(batch.body.proofs.map((proof) => proof.salt)).size).toBe(5);
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

  it('answers 403 to every call the role or organization does not allow', async () => {
    const signed = await patient.device.sign('consent:GrantConsent', toTertiary);
    const refusals = await Promise.all([
      community.post('/access-requests', {
        token: patient.token,
        body: { patientId, purpose: 'treatment', categories: ['laboratory'] },
      }),
      tertiary.post('/consents', { token: tokens.doctor, body: { action: signed } }),
      community.post('/identities', {
        token: patient.token,
        body: { username: uniqueName('x'), password: PASSWORD, role: 'analyst' },
      }),
      enterprise.post('/identities', {
        token: tokens.enterpriseAdmin,
        body: { username: uniqueName('x'), password: PASSWORD, role: 'patient' },
      }),
      tertiary.post(`/patients/${patientId}/recovery`, { token: tokens.tertiaryAdmin }),
      community.post('/patients', { token: tokens.gp, body: {} }),
      tertiary.get('/audit/emergency-reviews', tokens.doctor),
      tertiary.get(
        '/audit/statistics?from=2026-01-01T00:00:00.000Z&to=2026-02-01T00:00:00.000Z&level=city',
        tokens.doctor,
      ),
      community.post(`/audit/emergency-reviews/${permitted.eventId}`, {
        token: tokens.gp,
        body: { outcome: 'justified', comment: 'not mine to review' },
      }),
      gov.post('/records', {
        token: tokens.regulator,
        body: { recordId: uniqueName('r'), patientId, category: 'imaging', sha256: 'a'.repeat(64) },
      }),
      gov.post('/access-requests/emergency', {
        token: tokens.regulator,
        body: { patientId, categories: ['imaging'], reasonCode: 'OTHER', justification: 'n/a' },
      }),
      // Refused by the chaincode: the enterprise is neither the patient's home nor the grantee.
      enterprise.get(`/consents/${standing.consentId}`, tokens.analyst),
    ]);
    for (const response of refusals) {
      expect(response.status, response.text).toBe(403);
      expect(response.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    }
  });

  it('answers bad input with 400 and a code, and the ledger does not move', async () => {
    const before = await ledgerHeight();
    // Terms the ledger refuses, signed all the same: the gateway refuses them first.
    const sign = (terms: object) => patient.device.sign('consent:GrantConsent', terms);
    const revocation = await patient.device.sign('consent:RevokeConsent', {
      consentId: standing.consentId,
      expectedVersion: 1,
    });
    const bad = await Promise.all([
      community.post('/consents', { token: patient.token, raw: '{"action": {"statement": ' }),
      community.post('/consents', { token: patient.token, body: {} }),
      community.post('/consents', {
        token: patient.token,
        body: { action: { statement: revocation.statement, signature: 'too-short' } },
      }),
      // A statement for another action than the route's.
      community.post('/consents', { token: patient.token, body: { action: revocation } }),
      community.post('/consents', {
        token: patient.token,
        body: { action: await sign({ ...toTertiary, purposes: ['gossip'] }) },
      }),
      community.post('/consents', {
        token: patient.token,
        body: { action: await sign({ ...toTertiary, note: 'free text' }) },
      }),
      community.post('/consents', {
        token: patient.token,
        body: {
          action: await sign({
            ...toTertiary,
            validFrom: '2031-01-01T00:00:00.000Z',
            validUntil: '2030-01-01T00:00:00.000Z',
          }),
        },
      }),
      community.post('/consents/con-123/revoke', {
        token: patient.token,
        body: { action: revocation },
      }),
      community.post('/patients', {
        token: tokens.communityAdmin,
        body: { adultFrom: '2030-02-30' },
      }),
      community.post('/patients/activate', {
        body: { username: uniqueName('pt'), password: PASSWORD, action: { statement: 'x' } },
      }),
      tertiary.post('/access-requests', {
        token: tokens.doctor,
        body: { patientId: 'patient-42', purpose: 'treatment', categories: ['laboratory'] },
      }),
      tertiary.post('/access-requests/emergency', {
        token: tokens.doctor,
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
      gov.get('/audit/access-events?order=newest', tokens.regulator),
    ]);
    for (const response of bad) {
      expect(response.status, response.text).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'INVALID_ARGUMENT' });
    }
    expect(await ledgerHeight()).toBe(before);
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAnswer, proposeGuardian, registerPatient } from '@consent-ledger/demo';
import { generatePatientKey, type Consent, type IdentityView } from '@consent-ledger/ledger-api';
import {
  BAD_INPUT_CATEGORIES,
  CHAINCODE_ONLY_CATEGORIES,
  countByCategory,
  fromNow,
  requestTerms,
  restCorpus,
  statementSigner,
  type CorpusSigner,
  type RestCaller,
  type RestCase,
  type Targets,
} from '../support/bad-input-corpus.ts';
import { mapLimit } from '../support/concurrency.ts';
import { startGatewayInProcess, type InProcessGateway } from '../support/gateway-app.ts';
import {
  GatewayApi,
  createSignedInUser,
  enrolPatient,
  uniqueName,
  type GatewayPatient,
} from '../support/gateways.ts';
import { ledgerHeight, topology } from '../support/ledger.ts';
import { writtenBy } from '../support/ledger-watch.ts';

/**
 * The bad-input corpus (test/support/bad-input-corpus.ts) sent to the running gateways: malformed
 * JSON, wrong content types, bodies over the 40 MB limit, arrays over their limits, wrong types,
 * missing and unknown fields, control characters, RTL, emoji and overlong UTF-8, injection-shaped
 * strings, impossible dates and unknown enum values, in bodies, query strings and path parameters;
 * and for the patients' endpoints (registration, activation, devices, guardians, consents) malformed
 * enrolment codes, public keys and signed-action bodies. Each gets its 4xx with `{statusCode, code,
 * message}`, never a 500.
 *
 * Nothing is written: the suite's staff create no transaction in the blocks committed while it runs
 * (checked by the creators' certificates, since other suites write at the same time and the height
 * moves anyway), and the state the cases aimed at (the patient's binding and consents, the pending
 * patient's and the guardian's bindings, the event, the record) reads exactly as before: a
 * patient's statements are carried by the gateway's service identity, which other suites share.
 */

const PASSWORD = 'bad-input-password-1';
const CONCURRENCY = 6;

describe('bad input to the gateways', () => {
  // In-process gateways (this checkout's code) of the tertiary hospital and the government, with
  // their real CAs and peers: the running ones may be an older build.
  let apps: InProcessGateway[] = [];
  let tertiary: GatewayApi;
  let gov: GatewayApi;
  const names = {
    doctor: uniqueName('bad-doctor'),
    regulator: uniqueName('bad-regulator'),
  };
  const tokens = {} as Record<RestCaller, string>;
  let patient: GatewayPatient;
  let targets: Targets;
  let sign: CorpusSigner;
  let cases: RestCase[] = [];
  let heightBefore = 0n;
  let before: unknown[] = [];
  const enrollmentIds: string[] = [];

  const api = (org: string): GatewayApi => (org === 'gov' ? gov : tertiary);

  /** The state the cases aim at, as the patient, the home's admin and the regulator read it. */
  async function snapshot(): Promise<unknown[]> {
    const reads = await Promise.all([
      tertiary.get(`/consents/${targets.consentId}/history`, tokens.patient),
      tertiary.get(`/consents/${targets.revokedConsentId}/history`, tokens.patient),
      tertiary.get('/consents?pageSize=100', tokens.patient),
      tertiary.get('/patients/me', tokens.patient),
      tertiary.get(`/patients/${targets.pending.patientId}`, tokens.admin),
      tertiary.get(`/patients/${targets.guardian.patientId}`, tokens.admin),
      tertiary.get(`/records/${targets.recordId}?owner=TertiaryHospitalMSP`, tokens.doctor),
      gov.get(`/audit/access-events/${targets.eventId}`, tokens.regulator),
      gov.get(`/audit/access-events?patientId=${targets.patientId}&pageSize=100`, tokens.regulator),
    ]);
    for (const read of reads) expect(read.status, read.text).toBe(200);
    return reads.map((read) => read.body);
  }

  beforeAll(async () => {
    apps = await Promise.all(
      ['tertiary', 'gov'].map((org) =>
        startGatewayInProcess(org, {
          env: { GATEWAY_EVENTS: 'off', GATEWAY_LOGIN_RATE_LIMIT: '10000' },
        }),
      ),
    );
    [tertiary, gov] = apps.map((app) => new GatewayApi(app.base)) as [GatewayApi, GatewayApi];
    tokens.admin = await tertiary.loginAdmin('tertiary');
    const govAdmin = await gov.loginAdmin('gov');
    const signIn = (api: GatewayApi, adminToken: string, username: string, role: string) =>
      createSignedInUser(api, adminToken, { username, password: PASSWORD, role });
    tokens.doctor = (await signIn(tertiary, tokens.admin, names.doctor, 'clinician')).token;
    tokens.regulator = (await signIn(gov, govAdmin, names.regulator, 'regulator')).token;
    tokens.anonymous = '';
    tokens.govAdmin = govAdmin;
    for (const [api, token] of [
      [tertiary, tokens.admin],
      [tertiary, tokens.doctor],
      [gov, tokens.regulator],
    ] as const) {
      const me = await api.get<IdentityView>('/identities/me', token);
      if (me.body.enrollmentId !== undefined) enrollmentIds.push(me.body.enrollmentId);
    }
    patient = await enrolPatient(tertiary, { adminToken: tokens.admin });
    tokens.patient = patient.token;
    const { patientId } = patient;
    const terms = {
      grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
      purposes: ['treatment'],
      categories: ['outpatient'],
    } as const;
    const consent = (await patient.grant(terms)).consent;
    const revoked = (await patient.grant(terms)).consentId;
    await patient.revoke(revoked);
    const device = await generatePatientKey();
    await expectAnswer(tertiary, {
      method: 'POST',
      path: '/patients/me/devices',
      options: {
        token: patient.token,
        body: {
          action: await patient.device.sign('patient:AddDevice', { publicKey: device.publicKey }),
        },
      },
      expected: [201],
    });
    const pending = await registerPatient(tertiary, tokens.admin);
    const guarded = await registerPatient(tertiary, tokens.admin);
    const guardian = await proposeGuardian(tertiary, {
      adminToken: tokens.admin,
      patientId: guarded.patientId,
      proposal: { relationship: 'parent', validFrom: fromNow(0), validUntil: fromNow(30) },
    });
    await expectAnswer(gov, {
      method: 'POST',
      path: `/patients/${guarded.patientId}/guardians/${guardian.guardianId}/approve`,
      options: { token: tokens.regulator },
      expected: [200],
    });
    const [emergency, recordId] = await Promise.all([
      expectAnswer<{ eventId: string }>(tertiary, {
        method: 'POST',
        path: '/access-requests/emergency',
        options: {
          token: tokens.doctor,
          body: {
            patientId,
            categories: ['medication'],
            reasonCode: 'OTHER',
            justification: 'bad input suite',
          },
        },
        expected: [201],
      }),
      (async () => {
        const id = uniqueName('bad-rec');
        await expectAnswer(tertiary, {
          method: 'POST',
          path: '/records',
          options: {
            token: tokens.doctor,
            body: {
              recordId: id,
              patientId,
              category: 'imaging',
              sha256: createHash('sha256').update(id).digest('hex'),
            },
          },
          expected: [201],
        });
        return id;
      })(),
    ]);
    const { requestId } = await expectAnswer<{ requestId: string }>(tertiary, {
      method: 'POST',
      path: '/consent-requests',
      options: {
        token: tokens.doctor,
        body: { patientId, terms: requestTerms(), reason: 'FOLLOW_UP' },
      },
      expected: [201],
    });
    const activationKey = await generatePatientKey();
    const guardianKey = await generatePatientKey();
    const current: Consent = await patient.consent(consent.consentId);
    targets = {
      patientId,
      consentId: consent.consentId,
      consentVersion: current.version,
      revokedConsentId: revoked,
      deviceKeyId: device.keyId,
      pending: {
        patientId: pending.patientId,
        enrolmentCode: pending.enrolmentCode,
        publicKey: activationKey.publicKey,
      },
      guardian: {
        patientId: guarded.patientId,
        guardianId: guardian.guardianId,
        enrolmentCode: guardian.enrolmentCode,
        publicKey: guardianKey.publicKey,
      },
      eventId: emergency.eventId,
      referralId: '',
      recordId,
      requestId,
    };
    sign = statementSigner({
      channel: topology.channel.name,
      chaincode: topology.chaincode.name,
      patient: { key: patient.device.key, patientId },
      activation: { key: activationKey, patientId: pending.patientId },
      guardian: {
        key: guardianKey,
        patientId: guarded.patientId,
        guardianId: guardian.guardianId,
      },
    });
    cases = restCorpus(targets);
    before = await snapshot();
    heightBefore = await ledgerHeight();
  }, 600_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  it('covers every category, every write endpoint and the main reads', () => {
    const categories = new Set(cases.map((each) => each.category));
    for (const category of BAD_INPUT_CATEGORIES.filter(
      (each) => !CHAINCODE_ONLY_CATEGORIES.includes(each),
    ))
      expect(categories, category).toContain(category);
    const endpoints = new Set(
      cases.map((each) => `${each.method} ${each.path.split('?')[0] ?? ''}`),
    );
    for (const endpoint of [
      'POST /consents',
      `PUT /consents/${targets.consentId}`,
      `POST /consents/${targets.consentId}/revoke`,
      `POST /consents/${targets.revokedConsentId}/erase`,
      'POST /patients',
      'POST /patients/activate',
      'POST /guardians/activate',
      'POST /patients/me/devices',
      'POST /patients/me/devices/remove',
      `POST /patients/${targets.patientId}/guardians`,
      'POST /access-requests',
      'POST /access-requests/emergency',
      'POST /records',
      'POST /records/batches',
      'POST /records/verify',
      `POST /audit/emergency-reviews/${targets.eventId}`,
      'POST /identities',
      'POST /notices',
      'GET /access-decisions',
      'GET /audit/access-events',
      'POST /consent-requests',
      'PUT /consent-requests/limits',
      'GET /consent-requests',
      `POST /consent-requests/${targets.requestId ?? ''}/approve`,
      `POST /consent-requests/${targets.requestId ?? ''}/decline`,
    ])
      expect(endpoints, endpoint).toContain(endpoint);
    const byCategory = countByCategory(cases);
    console.log(
      `[bad input] REST corpus: ${String(cases.length)} cases: ${JSON.stringify(byCategory)}`,
    );
  });

  it('answers every case with its 4xx and {statusCode, code, message}, never a 500', async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    await mapLimit(cases, CONCURRENCY, async (each) => {
      const headers: Record<string, string> = { ...each.headers };
      if (tokens[each.caller] !== '') headers.authorization = `Bearer ${tokens[each.caller]}`;
      if (each.contentType !== undefined) headers['content-type'] = each.contentType;
      const body = typeof each.body === 'function' ? await each.body(sign) : each.body;
      const response = await fetch(`${api(each.org).base}${each.path}`, {
        method: each.method,
        headers,
        ...(body === undefined ? {} : { body: body as NonNullable<RequestInit['body']> }),
        signal: AbortSignal.timeout(120_000),
      });
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const { statusCode, code, message } = (parsed ?? {}) as Record<string, unknown>;
      const ok =
        response.status === each.status &&
        statusCode === each.status &&
        typeof code === 'string' &&
        /^[A-Z_]+$/.test(code) &&
        (each.code === undefined || code === each.code) &&
        typeof message === 'string';
      if (!ok)
        failures.push(
          `${each.name}: expected ${String(each.status)}${each.code === undefined ? '' : ` ${each.code}`}, got ${String(response.status)} ${text.slice(0, 200)}`,
        );
    });
    expect(failures).toEqual([]);
    console.log(
      `[bad input] ${String(cases.length)} REST cases answered: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`,
    );
  });

  it('writes nothing: no transaction by this suite’s staff, the same state', async () => {
    const heightAfter = await ledgerHeight();
    expect(enrollmentIds).toHaveLength(3);
    expect(await writtenBy({ from: heightBefore, creators: enrollmentIds })).toEqual([]);
    expect(await snapshot()).toEqual(before);
    console.log(
      `[bad input] height ${String(heightBefore)} -> ${String(heightAfter)} meanwhile (other suites)`,
    );
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BAD_INPUT_CATEGORIES,
  countByCategory,
  restCorpus,
  type RestCaller,
  type RestCase,
  type Targets,
} from '../support/bad-input-corpus.ts';
import { mapLimit } from '../support/concurrency.ts';
import { startGatewayInProcess, type InProcessGateway } from '../support/gateway-app.ts';
import { GatewayApi, bootstrapAdmin, createSignedInUser, uniqueName } from '../support/gateways.ts';
import { ledgerHeight } from '../support/ledger.ts';
import { committedTransactions } from '../support/ledger-watch.ts';

/**
 * The bad-input corpus (test/support/bad-input-corpus.ts) sent to the running gateways: malformed
 * JSON, wrong content types, bodies over the 40 MB limit, arrays over their limits, wrong types,
 * missing and unknown fields, control characters, RTL, emoji and overlong UTF-8, injection-shaped
 * strings, impossible dates and unknown enum values, in bodies, query strings and path parameters.
 * Each gets its 4xx with `{statusCode, code, message}`, never a 500.
 *
 * Nothing is written: the suite's users create no transaction in the blocks committed while it
 * runs (checked by the creators' certificates, since other suites write at the same time and the
 * height moves anyway), and the state the cases aimed at reads exactly as before.
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
    patient: uniqueName('bad-patient'),
    doctor: uniqueName('bad-doctor'),
    regulator: uniqueName('bad-regulator'),
  };
  const tokens = {} as Record<RestCaller, string>;
  let targets: Targets;
  let cases: RestCase[] = [];
  let heightBefore = 0n;
  let before: unknown[] = [];

  const api = (org: string): GatewayApi => (org === 'gov' ? gov : tertiary);

  /** The state the cases aim at, as the patient and the regulator read it. */
  async function snapshot(): Promise<unknown[]> {
    const reads = await Promise.all([
      tertiary.get(`/consents/${targets.consentId}/history`, tokens.patient),
      tertiary.get('/consents?pageSize=100', tokens.patient),
      tertiary.get(`/records/${targets.recordId}`, tokens.doctor),
      gov.get(`/audit/access-events/${targets.eventId}`, tokens.regulator),
      gov.get(`/audit/access-events?patientId=${targets.patientId}&pageSize=100`, tokens.regulator),
    ]);
    for (const read of reads) expect(read.status, read.text).toBe(200);
    return reads.map((read) => read.body);
  }

  beforeAll(async () => {
    apps = await Promise.all(
      ['tertiary', 'gov'].map((org) =>
        startGatewayInProcess(org, { env: { GATEWAY_EVENTS: 'off' } }),
      ),
    );
    [tertiary, gov] = apps.map((app) => new GatewayApi(app.base)) as [GatewayApi, GatewayApi];
    tokens.admin = await tertiary.login(bootstrapAdmin.username, bootstrapAdmin.password);
    const govAdmin = await gov.login(bootstrapAdmin.username, bootstrapAdmin.password);
    const signIn = (api: GatewayApi, adminToken: string, username: string, role: string) =>
      createSignedInUser(api, adminToken, { username, password: PASSWORD, role });
    const patient = await signIn(tertiary, tokens.admin, names.patient, 'patient');
    tokens.patient = patient.token;
    tokens.doctor = (await signIn(tertiary, tokens.admin, names.doctor, 'clinician')).token;
    tokens.regulator = (await signIn(gov, govAdmin, names.regulator, 'regulator')).token;
    tokens.anonymous = '';
    const patientId = String(patient.patientId);
    const recordId = uniqueName('bad-rec');
    const [consent, emergency, record] = await Promise.all([
      tertiary.post<{ consentId: string }>('/consents', {
        token: tokens.patient,
        body: {
          grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
          purposes: ['treatment'],
          categories: ['outpatient'],
        },
      }),
      tertiary.post<{ eventId: string }>('/access-requests/emergency', {
        token: tokens.doctor,
        body: {
          patientId,
          categories: ['medication'],
          reasonCode: 'OTHER',
          justification: 'bad input suite',
        },
      }),
      tertiary.post('/records', {
        token: tokens.doctor,
        body: {
          recordId,
          patientId,
          category: 'imaging',
          sha256: createHash('sha256').update(recordId).digest('hex'),
        },
      }),
    ]);
    for (const response of [consent, emergency, record])
      expect(response.status, response.text).toBe(201);
    targets = {
      patientId,
      consentId: consent.body.consentId,
      eventId: emergency.body.eventId,
      referralId: '',
      recordId,
    };
    cases = restCorpus(targets);
    before = await snapshot();
    heightBefore = await ledgerHeight();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  it('covers every category, every write endpoint and the main reads', () => {
    const categories = new Set(cases.map((each) => each.category));
    for (const category of BAD_INPUT_CATEGORIES) expect(categories, category).toContain(category);
    const endpoints = new Set(
      cases.map((each) => `${each.method} ${each.path.split('?')[0] ?? ''}`),
    );
    for (const endpoint of [
      'POST /consents',
      `PUT /consents/${targets.consentId}`,
      'POST /access-requests',
      'POST /access-requests/emergency',
      'POST /records',
      'POST /records/batches',
      'POST /records/verify',
      `POST /audit/emergency-reviews/${targets.eventId}`,
      'POST /identities',
      'GET /access-decisions',
      'GET /audit/access-events',
    ])
      expect(endpoints, endpoint).toContain(endpoint);
    const byCategory = countByCategory(cases);
    console.log(`[bad input] REST corpus: ${cases.length} cases: ${JSON.stringify(byCategory)}`);
  });

  it('answers every case with its 4xx and {statusCode, code, message}, never a 500', async () => {
    const failures: string[] = [];
    await mapLimit(cases, CONCURRENCY, async (each) => {
      const headers: Record<string, string> = {};
      if (tokens[each.caller] !== '') headers.authorization = `Bearer ${tokens[each.caller]}`;
      if (each.contentType !== undefined) headers['content-type'] = each.contentType;
      const response = await fetch(`${api(each.org).base}${each.path}`, {
        method: each.method,
        headers,
        ...(each.body === undefined ? {} : { body: each.body }),
        signal: AbortSignal.timeout(120_000),
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const { statusCode, code, message } = (body ?? {}) as Record<string, unknown>;
      const ok =
        response.status === each.status &&
        statusCode === each.status &&
        typeof code === 'string' &&
        /^[A-Z_]+$/.test(code) &&
        typeof message === 'string';
      if (!ok)
        failures.push(
          `${each.name}: expected ${each.status}, got ${response.status} ${text.slice(0, 200)}`,
        );
    });
    expect(failures).toEqual([]);
  });

  it('writes nothing: no transaction by this suite’s users, the same state', async () => {
    const heightAfter = await ledgerHeight();
    const committed = await committedTransactions(heightBefore, heightAfter);
    const ours = new Set(Object.values(names).map((name) => `user.${name}`));
    expect(committed.filter((tx) => ours.has(tx.creatorName))).toEqual([]);
    expect(await snapshot()).toEqual(before);
    console.log(
      `[bad input] ${committed.length} transactions of other suites committed meanwhile (height ${heightBefore} -> ${heightAfter})`,
    );
  });
});

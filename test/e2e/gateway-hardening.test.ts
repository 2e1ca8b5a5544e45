import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hostileRequests,
  sendHostile,
  zeroArray,
  type HostileAnswer,
  type HostileRequest,
} from '../../bench/src/hostile-bodies.ts';
import { mapLimit } from '../support/concurrency.ts';
import { startGatewayInProcess, type InProcessGateway } from '../support/gateway-app.ts';
import {
  GatewayApi,
  createSignedInUser,
  enrolPatient,
  uniqueName,
  type GatewayPatient,
} from '../support/gateways.ts';

/**
 * Issue 19's reproductions at the HTTP layer, through a gateway of this checkout (in process,
 * against the real network): oversized and compressed bodies, duplicate and prototype-shaped
 * keys, nesting, library error texts, the Host header in FHIR links, and the operational
 * endpoints; then 50 attackers sending the worst bodies of bench/src/hostile-bodies.ts while a
 * user's journey runs: every attack is answered with a small 4xx in the documented shape and the
 * journey succeeds. No timing is asserted here: the figures are the `attack` bench scenario's.
 */

const PUBLIC_URL = 'https://tertiary.example:8443/api';
const METRICS_TOKEN = 'hardening-metrics-token-0123456789abcdef';
const PASSWORD = 'hardening-password-1';
const MB = 1024 * 1024;

/** An error answer in the documented shape, small. */
function expectRefusal(answer: HostileAnswer, status: number, code?: string): void {
  expect(answer.status, answer.body.slice(0, 300)).toBe(status);
  expect(answer.bytes).toBeLessThan(2048);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(body).toMatchObject({ statusCode: status });
  expect(typeof body.message).toBe('string');
  expect(body.code).toMatch(/^[A-Z_]+$/);
  if (code !== undefined) expect(body.code).toBe(code);
  expect(body.message).not.toMatch(
    /jwt|algorithm|Throttler|call stack|Unexpected token|\bentity\b|content encoding unsupported|class-transformer/i,
  );
}

const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  ({
    name: path,
    method: 'POST',
    path,
    authenticated: headers.authorization !== undefined,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  }) satisfies HostileRequest;

/** GET with a Host header of the attacker's choosing (fetch does not let one set Host). */
function getWithHost(
  base: string,
  path: string,
  options: Readonly<{ host: string; token?: string }>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      new URL(path, base),
      {
        headers: {
          host: options.host,
          'x-forwarded-host': options.host,
          'x-forwarded-proto': 'http',
          ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    request.on('error', reject);
    request.end();
  });
}

describe('the gateway under attack (HTTP layer)', () => {
  let app: InProcessGateway;
  let api: GatewayApi;
  let adminToken: string;
  let clinician: string;
  let patient: GatewayPatient;

  beforeAll(async () => {
    app = await startGatewayInProcess('tertiary', {
      env: {
        GATEWAY_EVENTS: 'off',
        GATEWAY_LOGIN_RATE_LIMIT: '10000',
        GATEWAY_PUBLIC_URL: PUBLIC_URL,
        GATEWAY_METRICS_TOKEN: METRICS_TOKEN,
      },
    });
    api = new GatewayApi(app.base);
    adminToken = await api.login(app.admin.username, app.admin.password);
    clinician = (
      await createSignedInUser(api, adminToken, {
        username: uniqueName('hard-doctor'),
        password: PASSWORD,
        role: 'clinician',
      })
    ).token;
    patient = await enrolPatient(api, { adminToken });
  }, 300_000);

  afterAll(async () => {
    await app.close();
  });

  describe('request bodies', () => {
    it('refuses a 1 MB array to /auth/login with a small 413, unread', async () => {
      expectRefusal(
        await sendHostile(app.base, post('/auth/login', zeroArray(MB))),
        413,
        'PAYLOAD_TOO_LARGE',
      );
    });

    it('refuses a chunked JSON body (no Content-Length) unread', async () => {
      const answer = await sendHostile(app.base, {
        ...post('/auth/login', zeroArray(4 * MB)),
        chunked: true,
      });
      expectRefusal(answer, 411, 'LENGTH_REQUIRED');
    });

    it('refuses a compressed body with 415 whatever its size', async () => {
      const { gzipSync, deflateSync } = await import('node:zlib');
      for (const [encoding, body] of [
        ['gzip', gzipSync(zeroArray(4 * MB))],
        ['deflate', deflateSync(Buffer.from('{"username":"a","password":"b"}'))],
        ['br', Buffer.from('x')],
      ] as const)
        expectRefusal(
          await sendHostile(app.base, post('/auth/login', body, { 'content-encoding': encoding })),
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        );
    });

    it('takes the large batch limit only with a valid bearer token', async () => {
      const body = `{"items":[${Array.from({ length: 2000 }, () => '{"recordId":"x","patientId":"pid-abcdefghijklmnop","category":"imaging"}').join(',')}]}`;
      expect(body.length).toBeGreaterThan(64 * 1024);
      expectRefusal(
        await sendHostile(app.base, post('/records/batches', body)),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      expectRefusal(
        await sendHostile(
          app.base,
          post('/records/batches', body, { authorization: 'Bearer a.b.c' }),
        ),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      // Read, parsed and validated: the items are invalid (recordId of one character is fine,
      // but no sha256), a 400 with a bounded message rather than a 413.
      const read = await sendHostile(
        app.base,
        post('/records/batches', body, { authorization: `Bearer ${clinician}` }),
        { token: clinician },
      );
      expect(read.status, read.body.slice(0, 300)).not.toBe(413);
      expect(read.status).toBeLessThan(500);
    });

    it('refuses duplicate keys and prototype-shaped keys with their codes', async () => {
      const cases: [string, string][] = [
        ['{"username":"a","username":"admin","password":"x"}', 'DUPLICATE_KEY'],
        ['{"username":"a","password":"x","x":{"b":1,"b":2}}', 'DUPLICATE_KEY'],
        [
          '{"username":"a","password":"x","constructor":{"prototype":{"admin":true}}}',
          'FORBIDDEN_KEY',
        ],
        ['{"username":"a","password":"x","__proto__":{"admin":true}}', 'FORBIDDEN_KEY'],
        ['{"username":"a","password":"x","a":[{"prototype":1}]}', 'FORBIDDEN_KEY'],
      ];
      for (const [body, code] of cases)
        expectRefusal(await sendHostile(app.base, post('/auth/login', body)), 400, code);
      expectRefusal(
        await sendHostile(
          app.base,
          post('/consents', '{"action":{"statement":"{}","signature":"x","statement":"{}"}}', {
            authorization: `Bearer ${patient.token}`,
          }),
          { token: patient.token },
        ),
        400,
        'DUPLICATE_KEY',
      );
    });

    it('refuses deep nesting and non-object bodies cheaply, in our words', async () => {
      expectRefusal(
        await sendHostile(app.base, post('/auth/login', `{"username":${'['.repeat(3000)}`)),
        400,
        'INVALID_ARGUMENT',
      );
      expectRefusal(
        await sendHostile(
          app.base,
          post('/access-requests', `{"patientId":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`, {
            authorization: `Bearer ${clinician}`,
          }),
          { token: clinician },
        ),
        400,
        'INVALID_ARGUMENT',
      );
      expectRefusal(
        await sendHostile(app.base, post('/auth/login', zeroArray(2048))),
        400,
        'INVALID_ARGUMENT',
      );
    });

    it('refuses thousands of keys unparsed, and bounds the error of many problems', async () => {
      const [manyKeys] = hostileRequests().filter((each) => each.name.includes('unknown keys'));
      if (manyKeys === undefined) throw new Error('the corpus lost its many-keys body');
      expectRefusal(await sendHostile(app.base, manyKeys), 400, 'INVALID_ARGUMENT');
      const keys = Array.from({ length: 90 }, (_, i) => `"unknown${String(i)}":0`).join(',');
      const answer = await sendHostile(
        app.base,
        post('/auth/login', `{"username":"a","password":"b",${keys}}`),
      );
      expectRefusal(answer, 400, 'INVALID_ARGUMENT');
      expect(answer.body).toMatch(/and 80 more problems/);
    });
  });

  describe('error texts', () => {
    it('answers our own texts for bad tokens', async () => {
      const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
      const payload = Buffer.from('{"sub":"admin","role":"admin"}').toString('base64url');
      for (const token of [
        `${header}.${payload}.`,
        `${header}.${payload}`,
        'not-a-token',
        `${clinician.slice(0, -4)}AAAA`,
        `${Buffer.from('{"alg":"HS512"}').toString('base64url')}.${payload}.c2ln`,
      ]) {
        const answer = await api.get('/identities/me', token);
        expect(answer.status, token).toBe(401);
        expect(answer.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
        expect(answer.text).not.toMatch(/jwt|algorithm|signature|malformed|Unexpected/i);
      }
    });

    it('answers an unknown route in our words', async () => {
      const answer = await api.get('/no/such/route');
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'not found' });
    });
  });

  describe('links and operational endpoints', () => {
    it('builds FHIR links from GATEWAY_PUBLIC_URL, never from Host', async () => {
      const terms = {
        grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
        purposes: ['treatment'],
        categories: ['outpatient'],
      } as const;
      await patient.grant(terms);
      await patient.grant(terms);
      const search = await getWithHost(
        app.base,
        `/fhir/Consent?patient=${patient.patientId}&_count=1`,
        { host: 'evil.example', token: patient.token },
      );
      expect(search.status, search.body.slice(0, 300)).toBe(200);
      const bundle = JSON.parse(search.body) as {
        link?: { relation: string; url: string }[];
        entry?: { fullUrl?: string }[];
      };
      const urls = [
        ...(bundle.link ?? []).map((link) => link.url),
        ...(bundle.entry ?? []).map((entry) => entry.fullUrl ?? ''),
      ];
      expect(bundle.link?.map((link) => link.relation)).toContain('next');
      expect(urls.length).toBeGreaterThan(2);
      for (const url of urls) expect(url.startsWith(`${PUBLIC_URL}/fhir/`), url).toBe(true);
      expect(search.body).not.toMatch(/evil\.example/);
      const metadata = await getWithHost(app.base, '/fhir/metadata', { host: 'evil.example' });
      expect(JSON.parse(metadata.body)).toMatchObject({
        implementation: { url: `${PUBLIC_URL}/fhir` },
      });
    });

    it('serves /metrics with its token only', async () => {
      expect((await api.get('/metrics')).status).toBe(401);
      expect((await api.get('/metrics', clinician)).status).toBe(403);
      const scraped = await api.request('GET', '/metrics', {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(scraped.status).toBe(200);
      expect(scraped.text).toMatch(/gateway_http_requests_total/);
    });

    it('answers readiness without any address', async () => {
      const ready = await api.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(Object.keys(ready.body).sort()).toEqual(['ledgerMs', 'status']);
      expect(ready.text).not.toMatch(/\d+\.\d+\.\d+\.\d+|MSP/);
    });
  });

  it('answers 50 attackers with small 4xx while the journey succeeds', async () => {
    const hostile = hostileRequests();
    const answers: string[] = [];
    const failures: string[] = [];
    const attackers = mapLimit(
      Array.from({ length: 50 * 2 }, (_, i) => hostile[i % hostile.length]!),
      50,
      async (request) => {
        const answer = await sendHostile(app.base, request, {
          token: clinician,
          localAddress: '127.0.0.2',
        });
        answers.push(`${request.name}: ${String(answer.status)}`);
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(answer.body) as Record<string, unknown>;
        } catch {
          body = {};
        }
        // Under /fhir the same error is a FHIR OperationOutcome.
        const shaped = request.path.startsWith('/fhir/')
          ? body.resourceType === 'OperationOutcome'
          : body.statusCode === answer.status && typeof body.code === 'string';
        if (answer.status < 400 || answer.status >= 500 || answer.bytes > 2048 || !shaped)
          failures.push(`${request.name}: ${String(answer.status)} ${answer.body.slice(0, 200)}`);
      },
    );
    const journeys = (async () => {
      for (let i = 0; i < 3; i += 1) {
        const token = await api.login(app.admin.username, app.admin.password);
        const me = await api.get('/identities/me', token);
        expect(me.status).toBe(200);
        const granted = await patient.grant({
          grantee: { org: 'TertiaryHospitalMSP', role: 'clinician' },
          purposes: ['treatment'],
          categories: ['outpatient'],
        });
        expect(granted.consentId).toMatch(/^con-/);
        const decision = await api.post('/access-requests', {
          token: clinician,
          body: {
            patientId: patient.patientId,
            purpose: 'treatment',
            categories: ['outpatient'],
          },
        });
        expect(decision.status, decision.text).toBe(201);
        expect(decision.body).toMatchObject({ decision: 'permit' });
        const audit = await api.get(
          `/audit/access-events?patientId=${patient.patientId}&pageSize=10`,
          patient.token,
        );
        expect(audit.status, audit.text).toBe(200);
        expect((await api.get('/health/live')).status).toBe(200);
      }
    })();
    await Promise.all([attackers, journeys]);
    expect(failures).toEqual([]);
    expect(answers).toHaveLength(100);
  }, 600_000);
});

import 'reflect-metadata';
import {
  Catch,
  HttpException,
  SetMetadata,
  ValidationPipe,
  type ArgumentsHost,
  type ExceptionFilter,
  type INestApplication,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import type * as fhir4 from './fhir-r4.types.js';
import { toFhirConsent } from './consent.mapper.js';
import { FhirController } from './fhir.controller.js';
import type { FhirLedgerPort } from './fhir-ledger.port.js';
import { FhirModule } from './fhir.module.js';
import { validateResource } from './fhir-schema.validator.js';
import { EXTENSION, NAMING_SYSTEM, PROJECT_SYSTEM, logicalReference } from './fhir-terminology.js';
import type {
  AccessEventView as AccessEvent,
  AnchorView as RecordAnchor,
  ConsentView as Consent,
} from './ledger-views.js';
import {
  FHIR_JSON_CONTENT_TYPE,
  fhirIssueOptions,
  isFhirRequest,
  toOperationOutcome,
} from './operation-outcome.mapper.js';

const NOW = '2026-11-22T03:27:06.155Z';
const PID = 'pid-abcdefghijklmnop';
const USER = { sub: 'patient-1', role: 'patient' };

const consent: Consent = {
  consentId: 'con-0123456789abcdef01234567',
  patientId: PID,
  provision: 'permit',
  grantee: { org: 'TertiaryHospitalMSP' },
  purposes: ['treatment'],
  categories: ['outpatient'],
  validFrom: '2026-11-22T00:00:00.000Z',
  exceptions: [],
  status: 'active',
  version: 1,
  createdAt: NOW,
  updatedAt: NOW,
  txId: 'a'.repeat(64),
};

const event: AccessEvent = {
  eventId: 'evt-0123456789abcdef01234567',
  patientId: PID,
  accessor: { org: 'TertiaryHospitalMSP', role: 'clinician', idHash: 'b'.repeat(64) },
  purpose: 'treatment',
  categories: ['outpatient'],
  recordIds: [],
  decision: 'deny',
  reason: 'NO_MATCHING_CONSENT',
  consentIds: [],
  breakGlass: false,
  timestamp: NOW,
  txId: 'c'.repeat(64),
};

const anchor = (version: number): RecordAnchor => ({
  recordId: 'rec-1',
  version,
  patientId: PID,
  category: 'outpatient',
  sha256: String(version).repeat(64),
  owner: 'TertiaryHospitalMSP',
  timestamp: NOW,
  txId: 'd'.repeat(64),
});

type FakePort = { [K in keyof FhirLedgerPort]: Mock<FhirLedgerPort[K]> };

const port: FakePort = {
  grantConsent: vi.fn<FhirLedgerPort['grantConsent']>(),
  changeConsent: vi.fn<FhirLedgerPort['changeConsent']>(),
  getConsent: vi.fn<FhirLedgerPort['getConsent']>(),
  queryConsents: vi.fn<FhirLedgerPort['queryConsents']>(),
  getConsentHistory: vi.fn<FhirLedgerPort['getConsentHistory']>(),
  queryAccessEvents: vi.fn<FhirLedgerPort['queryAccessEvents']>(),
  getAccessEvent: vi.fn<FhirLedgerPort['getAccessEvent']>(),
  getRecord: vi.fn<FhirLedgerPort['getRecord']>(),
};

const LEDGER_STATUS: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FORBIDDEN: 403,
  CONSENT_NOT_FOUND: 404,
  EVENT_NOT_FOUND: 404,
  CONFLICT: 409,
  RULE_VIOLATION: 422,
};

/**
 * Stands in for the application's global filter: it owns code -> HTTP status, and under /fhir
 * hands status, code and message to toOperationOutcome.
 */
@Catch()
class GlobalFilterStandIn implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const url = http.getRequest<{ originalUrl: string }>().originalUrl;
    const response = http.getResponse<{
      status(code: number): { type(value: string): { json(body: unknown): void } };
    }>();
    let status = 500;
    let code = 'INTERNAL';
    let message = 'internal error';
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const own = (exception as { code?: unknown }).code;
      code = typeof own === 'string' ? own : `HTTP_${String(status)}`;
      message = exception.message;
    } else if (exception instanceof Error) {
      const match = /^([A-Z_]+): (.*)$/.exec(exception.message);
      if (match?.[1] !== undefined) {
        code = match[1];
        status = LEDGER_STATUS[code] ?? 500;
        message = match[2] ?? '';
      }
    }
    if (!isFhirRequest(url)) throw new Error('only /fhir is tested here');
    response
      .status(status)
      .type(FHIR_JSON_CONTENT_TYPE)
      .json(toOperationOutcome(status, code, message, fhirIssueOptions(exception)));
  }
}

let app: INestApplication;
let server: Parameters<typeof request>[0];

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [FhirModule.forRoot({ port: { useValue: port }, clock: () => new Date(NOW) })],
  }).compile();
  app = moduleRef.createNestApplication();
  // Stands in for the application's auth guard.
  app.use(
    (
      req: { headers: Record<string, unknown>; user?: unknown },
      _res: unknown,
      next: () => void,
    ) => {
      if (req.headers['x-test-user'] === 'patient') req.user = USER;
      next();
    },
  );
  app.useGlobalFilters(new GlobalFilterStandIn());
  // As strict as the application's global pipe: FHIR bodies must pass through it untouched.
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
    }),
  );
  await app.init();
  server = app.getHttpServer() as Parameters<typeof request>[0];
});

afterAll(async () => {
  await app.close();
});

beforeEach(() => {
  for (const mock of Object.values(port)) mock.mockReset();
});

function expectFhirJson(response: request.Response): void {
  expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
  expect(validateResource(response.body).errors).toEqual([]);
}

function issue(response: request.Response): fhir4.OperationOutcomeIssue | undefined {
  const outcome = response.body as fhir4.OperationOutcome;
  expect(outcome.resourceType).toBe('OperationOutcome');
  return outcome.issue[0];
}

/** The statement the patient signed (its checks are the port's: the FHIR layer carries it). */
const SIGNED = { statement: '{"action":"consent:GrantConsent"}', signature: 's'.repeat(86) };

const postedConsent: fhir4.Consent = {
  resourceType: 'Consent',
  extension: [
    {
      url: EXTENSION.signedAction,
      extension: [
        { url: 'statement', valueString: SIGNED.statement },
        { url: 'signature', valueString: SIGNED.signature },
      ],
    },
  ],
  status: 'active',
  scope: {
    coding: [
      { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' },
    ],
  },
  category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
  patient: { reference: `Patient/${PID}` },
  provision: {
    type: 'permit',
    actor: [
      {
        role: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' },
          ],
        },
        reference: { reference: 'Organization/TertiaryHospitalMSP' },
      },
    ],
    purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }],
    class: [{ system: PROJECT_SYSTEM.dataCategory, code: 'outpatient' }],
  },
};

describe('GET /fhir/metadata', () => {
  it('serves the CapabilityStatement without authentication', async () => {
    const response = await request(server).get('/fhir/metadata').expect(200);
    expectFhirJson(response);
    const statement = response.body as fhir4.CapabilityStatement;
    expect(statement.fhirVersion).toBe('4.0.1');
    expect(statement.implementation?.url).toBe('http://localhost/fhir');
  });
});

describe('POST /fhir/Consent', () => {
  it('records the consent and answers 201 with the FHIR Consent', async () => {
    port.grantConsent.mockResolvedValue(consent);
    const response = await request(server)
      .post('/fhir/Consent')
      .set('x-test-user', 'patient')
      .set('content-type', 'application/fhir+json')
      .send(JSON.stringify(postedConsent))
      .expect(201);
    expectFhirJson(response);
    expect(response.body).toEqual(toFhirConsent(consent, { now: NOW }));
    expect(response.headers.location).toMatch(/\/fhir\/Consent\/con-0123456789abcdef01234567$/);
    expect(response.headers.etag).toBe('W/"1"');
    expect(port.grantConsent).toHaveBeenCalledWith(USER, {
      terms: {
        provision: 'permit',
        grantee: { org: 'TertiaryHospitalMSP' },
        purposes: ['treatment'],
        categories: ['outpatient'],
      },
      patientId: PID,
      action: SIGNED,
    });
  });

  it("passes a guardian's signature on, the guardian as performer (RelatedPerson)", async () => {
    port.grantConsent.mockResolvedValue({
      ...consent,
      signedBy: { kind: 'guardian', id: 'rp-aaaaaaaaaaaaaaaa' },
    });
    const response = await request(server)
      .post('/fhir/Consent')
      .set('x-test-user', 'patient')
      .send({ ...postedConsent, performer: [{ reference: 'RelatedPerson/rp-aaaaaaaaaaaaaaaa' }] })
      .expect(201);
    expect(port.grantConsent).toHaveBeenCalledWith(
      USER,
      expect.objectContaining({ performer: { kind: 'guardian', id: 'rp-aaaaaaaaaaaaaaaa' } }),
    );
    expect((response.body as fhir4.Consent).performer).toEqual([
      logicalReference('RelatedPerson', 'rp-aaaaaaaaaaaaaaaa'),
    ]);
  });

  it("needs the patient's signed statement (400 required)", async () => {
    const { extension: _signed, ...unsigned } = postedConsent;
    const response = await request(server)
      .post('/fhir/Consent')
      .set('x-test-user', 'patient')
      .send(unsigned)
      .expect(400);
    expect(issue(response)).toMatchObject({ code: 'required', expression: ['Consent.extension'] });
    expect(port.grantConsent).not.toHaveBeenCalled();
  });

  it('accepts application/json too', async () => {
    port.grantConsent.mockResolvedValue(consent);
    await request(server)
      .post('/fhir/Consent')
      .set('x-test-user', 'patient')
      .send(postedConsent)
      .expect(201);
    expect(port.grantConsent).toHaveBeenCalledOnce();
  });

  it('refuses a resource that fails the schema (400 structure, naming the element)', async () => {
    const response = await request(server)
      .post('/fhir/Consent')
      .set('x-test-user', 'patient')
      .set('content-type', 'application/fhir+json')
      .send(JSON.stringify({ ...postedConsent, status: 'bogus' }))
      .expect(400);
    expectFhirJson(response);
    expect(issue(response)).toMatchObject({
      severity: 'error',
      code: 'structure',
      expression: ['Consent.status'],
      details: { coding: [{ system: PROJECT_SYSTEM.errorCode, code: 'INVALID_ARGUMENT' }] },
    });
    expect(port.grantConsent).not.toHaveBeenCalled();
  });

  it('refuses what the ledger cannot represent (400 not-supported)', async () => {
    const response = await request(server)
      .post('/fhir/Consent')
      .set('x-test-user', 'patient')
      .send({ ...postedConsent, policy: [{ uri: 'https://example.org/policy' }] })
      .expect(400);
    expect(issue(response)).toMatchObject({
      code: 'not-supported',
      expression: ['Consent.policy'],
    });
  });

  it('refuses another resource type and malformed JSON', async () => {
    const wrongType = await request(server)
      .post('/fhir/Consent')
      .set('x-test-user', 'patient')
      .send({ resourceType: 'Patient' })
      .expect(400);
    expect(issue(wrongType)?.expression).toEqual(['resourceType']);
    const malformed = await request(server)
      .post('/fhir/Consent')
      .set('x-test-user', 'patient')
      .set('content-type', 'application/fhir+json')
      .send('{"resourceType": ')
      .expect(400);
    expectFhirJson(malformed);
    expect(issue(malformed)).toMatchObject({ code: 'structure', expression: ['body'] });
  });

  it('refuses an oversized body (413 too-long)', async () => {
    const response = await request(server)
      .post('/fhir/Consent')
      .set('x-test-user', 'patient')
      .set('content-type', 'application/fhir+json')
      .send(
        JSON.stringify({
          ...postedConsent,
          text: { status: 'generated', div: 'x'.repeat(1_100_000) },
        }),
      )
      .expect(413);
    expect(issue(response)?.code).toBe('too-long');
  });

  it('needs an authenticated caller (401 login)', async () => {
    const response = await request(server).post('/fhir/Consent').send(postedConsent).expect(401);
    expectFhirJson(response);
    expect(issue(response)?.code).toBe('login');
    expect(port.grantConsent).not.toHaveBeenCalled();
  });

  it('renders ledger refusals as OperationOutcome (403 forbidden)', async () => {
    port.grantConsent.mockRejectedValue(new Error('FORBIDDEN: not your pseudonym'));
    const response = await request(server)
      .post('/fhir/Consent')
      .set('x-test-user', 'patient')
      .send(postedConsent)
      .expect(403);
    expectFhirJson(response);
    expect(issue(response)).toEqual({
      severity: 'error',
      code: 'forbidden',
      details: {
        coding: [{ system: PROJECT_SYSTEM.errorCode, code: 'FORBIDDEN' }],
        text: 'not your pseudonym',
      },
    });
  });
});

/** Consents granted one minute apart, the last one newest. */
const consentsAt = (count: number): Consent[] =>
  Array.from({ length: count }, (_, index) => ({
    ...consent,
    consentId: `con-${String(index).padStart(24, '0')}`,
    createdAt: new Date(Date.parse(NOW) + index * 60_000).toISOString(),
  }));

function linksOf(bundle: fhir4.Bundle): Record<string, string> {
  return Object.fromEntries((bundle.link ?? []).map((link) => [link.relation, link.url]));
}

describe('GET /fhir/Consent', () => {
  it('reads every ledger page, answers newest first with the total, self and next links', async () => {
    const all = consentsAt(12);
    port.queryConsents
      .mockResolvedValueOnce({ items: all.slice(0, 7), bookmark: 'bm/2' })
      .mockResolvedValueOnce({ items: all.slice(7), bookmark: '' });
    const response = await request(server)
      .get(`/fhir/Consent?patient=Patient/${PID}&status=active&_count=10`)
      .set('x-test-user', 'patient')
      .expect(200);
    expectFhirJson(response);
    expect(port.queryConsents.mock.calls).toEqual([
      [USER, { patientId: PID, status: 'active', pageSize: 100 }],
      [USER, { patientId: PID, status: 'active', pageSize: 100, bookmark: 'bm/2' }],
    ]);
    const bundle = response.body as fhir4.Bundle<fhir4.Consent>;
    expect(bundle.type).toBe('searchset');
    expect(bundle.total).toBe(12);
    expect(bundle.entry?.map((entry) => entry.resource?.id)).toEqual(
      all
        .slice(2)
        .reverse()
        .map((each) => each.consentId),
    );
    expect(bundle.entry?.[0]?.fullUrl).toMatch(/\/fhir\/Consent\/con-0+11$/);
    const links = linksOf(bundle);
    expect(links.self).toMatch(
      /\/fhir\/Consent\?patient=Patient%2Fpid-abcdefghijklmnop&status=active&_count=10$/,
    );
    expect(links.next).toMatch(/&_count=10&_cursor=[A-Za-z0-9_-]+$/);

    port.queryConsents.mockReset().mockResolvedValue({ items: all, bookmark: '' });
    const next = await request(server)
      .get(new URL(links.next ?? '').pathname + new URL(links.next ?? '').search)
      .set('x-test-user', 'patient')
      .expect(200);
    const last = next.body as fhir4.Bundle<fhir4.Consent>;
    expect(last.entry?.map((entry) => entry.resource?.id)).toEqual([
      all[1]?.consentId,
      all[0]?.consentId,
    ]);
    expect(last.total).toBe(12);
    expect(linksOf(last).self).toBe(links.next);
    expect(linksOf(last).next).toBeUndefined();
  });

  it('sorts oldest first with _sort=date, clamps _count in the self link, never links past the end', async () => {
    const all = consentsAt(3);
    port.queryConsents.mockResolvedValue({
      items: [all[2], all[0], all[1]] as Consent[],
      bookmark: '',
    });
    const response = await request(server)
      .get('/fhir/Consent?_sort=date&_count=1000')
      .set('x-test-user', 'patient')
      .expect(200);
    const bundle = response.body as fhir4.Bundle<fhir4.Consent>;
    expect(bundle.entry?.map((entry) => entry.resource?.id)).toEqual(
      all.map((each) => each.consentId),
    );
    expect(linksOf(bundle).self).toMatch(/\?_sort=date&_count=100$/);
    expect(linksOf(bundle).next).toBeUndefined();

    port.queryConsents.mockResolvedValue({ items: [], bookmark: '' });
    const empty = await request(server)
      .get('/fhir/Consent?_count=1')
      .set('x-test-user', 'patient')
      .expect(200);
    expect(empty.body).toMatchObject({ total: 0 });
    expect(linksOf(empty.body as fhir4.Bundle).next).toBeUndefined();
    expect((empty.body as fhir4.Bundle).entry).toBeUndefined();
  });

  it('answers _summary=count and _total=none, and refuses a cursor it did not make', async () => {
    port.queryConsents.mockResolvedValue({ items: consentsAt(3), bookmark: '' });
    const count = await request(server)
      .get('/fhir/Consent?_summary=count')
      .set('x-test-user', 'patient')
      .expect(200);
    expectFhirJson(count);
    expect(count.body).toMatchObject({ type: 'searchset', total: 3 });
    expect((count.body as fhir4.Bundle).entry).toBeUndefined();
    const none = await request(server)
      .get('/fhir/Consent?_total=none&_count=1')
      .set('x-test-user', 'patient')
      .expect(200);
    expect((none.body as fhir4.Bundle).total).toBeUndefined();
    expect((none.body as fhir4.Bundle).entry).toHaveLength(1);
    const forged = await request(server)
      .get('/fhir/Consent?_cursor=bm%2F2')
      .set('x-test-user', 'patient')
      .expect(400);
    expect(issue(forged)).toMatchObject({ code: 'value', expression: ['_cursor'] });
  });

  it('keeps only the _elements asked for and the mandatory ones, tagged SUBSETTED', async () => {
    port.queryConsents.mockResolvedValue({ items: [consent], bookmark: '' });
    const response = await request(server)
      .get('/fhir/Consent?_elements=status,patient')
      .set('x-test-user', 'patient')
      .expect(200);
    const resource = (response.body as fhir4.Bundle<fhir4.Consent>).entry?.[0]?.resource;
    expect(Object.keys(resource ?? {}).sort()).toEqual(
      ['id', 'meta', 'patient', 'resourceType', 'status', 'scope', 'category'].sort(),
    );
    expect(resource?.meta?.tag).toEqual([expect.objectContaining({ code: 'SUBSETTED' })]);
    expectFhirJson(response);
  });

  it('ignores unknown parameters under Prefer: handling=lenient, and says so', async () => {
    port.queryConsents.mockResolvedValue({ items: [consent], bookmark: '' });
    const response = await request(server)
      .get('/fhir/Consent?subject=x&status=active')
      .set('x-test-user', 'patient')
      .set('prefer', 'handling=lenient')
      .expect(200);
    expectFhirJson(response);
    const bundle = response.body as fhir4.Bundle;
    expect(linksOf(bundle).self).toMatch(/\/fhir\/Consent\?status=active&_count=25$/);
    expect(bundle.total).toBe(1);
    expect(bundle.entry?.at(-1)).toMatchObject({
      search: { mode: 'outcome' },
      resource: {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'warning', code: 'not-supported', expression: ['subject'] }],
      },
    });
  });

  it('searches by POST [type]/_search with form parameters joined to the URL', async () => {
    port.queryConsents.mockResolvedValue({ items: [consent], bookmark: '' });
    const response = await request(server)
      .post('/fhir/Consent/_search?status=active')
      .set('x-test-user', 'patient')
      .type('form')
      .send({ patient: PID, _count: '5' })
      .expect(200);
    expectFhirJson(response);
    expect(port.queryConsents).toHaveBeenCalledWith(USER, {
      patientId: PID,
      status: 'active',
      pageSize: 100,
    });
    expect(linksOf(response.body as fhir4.Bundle).self).toMatch(
      /\/fhir\/Consent\?status=active&patient=pid-abcdefghijklmnop&_count=5$/,
    );
  });

  it('keeps only inactive (revoked or expired) consents for status=inactive', async () => {
    const revoked: Consent = {
      ...consent,
      consentId: 'con-revoked',
      status: 'revoked',
      version: 2,
    };
    const expired: Consent = { ...consent, consentId: 'con-expired', validUntil: NOW };
    port.queryConsents.mockResolvedValue({ items: [consent, revoked, expired], bookmark: '' });
    const response = await request(server)
      .get('/fhir/Consent?status=inactive')
      .set('x-test-user', 'patient')
      .expect(200);
    const bundle = response.body as fhir4.Bundle<fhir4.Consent>;
    expect(bundle.entry?.map((entry) => entry.resource?.id)).toEqual([
      'con-revoked',
      'con-expired',
    ]);
  });

  it('answers an empty bundle for statuses the ledger never holds, without asking it', async () => {
    const response = await request(server)
      .get('/fhir/Consent?status=draft')
      .set('x-test-user', 'patient')
      .expect(200);
    expectFhirJson(response);
    expect(port.queryConsents).not.toHaveBeenCalled();
  });

  it('refuses unknown parameters (400 not-supported)', async () => {
    const response = await request(server)
      .get(`/fhir/Consent?subject=Patient/${PID}`)
      .set('x-test-user', 'patient')
      .expect(400);
    expect(issue(response)).toMatchObject({ code: 'not-supported', expression: ['subject'] });
  });
});

describe('GET /fhir/Consent/:id', () => {
  it('reads a consent, with its version as ETag', async () => {
    port.getConsent.mockResolvedValue(consent);
    const response = await request(server)
      .get(`/fhir/Consent/${consent.consentId}`)
      .set('x-test-user', 'patient')
      .expect(200);
    expectFhirJson(response);
    expect((response.body as fhir4.Consent).id).toBe(consent.consentId);
    expect(response.headers.etag).toBe('W/"1"');
    expect(port.getConsent).toHaveBeenCalledWith(USER, consent.consentId);
  });

  it('answers 404 not-found for an unknown consent', async () => {
    port.getConsent.mockRejectedValue(new Error('CONSENT_NOT_FOUND: con-x'));
    const response = await request(server)
      .get('/fhir/Consent/con-x')
      .set('x-test-user', 'patient')
      .expect(404);
    expectFhirJson(response);
    expect(issue(response)).toMatchObject({
      code: 'not-found',
      details: { coding: [{ code: 'CONSENT_NOT_FOUND' }], text: 'con-x' },
    });
  });

  it('refuses an id that is not a FHIR id', async () => {
    await request(server).get('/fhir/Consent/a_b').set('x-test-user', 'patient').expect(400);
    expect(port.getConsent).not.toHaveBeenCalled();
  });

  it('trims a read by _elements and refuses other parameters', async () => {
    port.getConsent.mockResolvedValue(consent);
    const response = await request(server)
      .get(`/fhir/Consent/${consent.consentId}?_elements=status`)
      .set('x-test-user', 'patient')
      .expect(200);
    expect(Object.keys(response.body as object).sort()).toEqual(
      ['category', 'id', 'meta', 'resourceType', 'scope', 'status'].sort(),
    );
    expectFhirJson(response);
    const refused = await request(server)
      .get(`/fhir/Consent/${consent.consentId}?status=active`)
      .set('x-test-user', 'patient')
      .expect(400);
    expect(issue(refused)).toMatchObject({ code: 'not-supported', expression: ['status'] });
  });
});

describe('PUT /fhir/Consent/:id', () => {
  const put = (body: unknown, ifMatch?: string): request.Test => {
    const test = request(server)
      .put(`/fhir/Consent/${consent.consentId}`)
      .set('x-test-user', 'patient')
      .set('content-type', 'application/fhir+json');
    return (ifMatch === undefined ? test : test.set('if-match', ifMatch)).send(
      JSON.stringify(body),
    );
  };
  const updated = { ...postedConsent, id: consent.consentId };

  it('updates the terms (status active) with the signed statement, answering the new version', async () => {
    port.changeConsent.mockResolvedValue({ ...consent, version: 2 });
    const response = await put(updated).expect(200);
    expectFhirJson(response);
    expect(response.headers.etag).toBe('W/"2"');
    expect(response.headers['content-location']).toMatch(
      /\/fhir\/Consent\/con-0123456789abcdef01234567\/_history\/2$/,
    );
    expect(port.changeConsent).toHaveBeenCalledWith(USER, {
      consentId: consent.consentId,
      kind: 'update',
      terms: {
        provision: 'permit',
        grantee: { org: 'TertiaryHospitalMSP' },
        purposes: ['treatment'],
        categories: ['outpatient'],
      },
      patientId: PID,
      action: SIGNED,
    });
    expect(port.getConsent).not.toHaveBeenCalled();
  });

  it('revokes (status inactive), checking If-Match against the current version first', async () => {
    port.getConsent.mockResolvedValue(consent);
    port.changeConsent.mockResolvedValue({ ...consent, status: 'revoked', version: 2 });
    const response = await put({ ...updated, status: 'inactive' }, 'W/"1"').expect(200);
    expect(response.body).toMatchObject({ status: 'inactive', meta: { versionId: '2' } });
    expect(port.changeConsent).toHaveBeenCalledWith(USER, {
      consentId: consent.consentId,
      kind: 'revoke',
      patientId: PID,
      action: SIGNED,
    });
  });

  it('answers 412 for a stale If-Match, before anything is submitted', async () => {
    port.getConsent.mockResolvedValue({ ...consent, version: 3 });
    const response = await put(updated, 'W/"2"').expect(412);
    expectFhirJson(response);
    expect(issue(response)).toMatchObject({
      code: 'conflict',
      details: { coding: [{ code: 'PRECONDITION_FAILED' }] },
    });
    expect(port.changeConsent).not.toHaveBeenCalled();
    await put(updated, 'version 2').expect(400);
  });

  it('refuses a body without the id of the URL, another status, or no signed statement', async () => {
    const noId = await put(postedConsent).expect(400);
    expect(issue(noId)?.expression).toEqual(['Consent.id']);
    const draft = await put({ ...updated, status: 'proposed' }).expect(400);
    expect(issue(draft)).toMatchObject({ code: 'business-rule', expression: ['Consent.status'] });
    const { extension: _signed, ...unsigned } = updated;
    await put(unsigned).expect(400);
    expect(port.changeConsent).not.toHaveBeenCalled();
  });

  it('renders the ledger refusal of a stale statement (409 conflict)', async () => {
    port.changeConsent.mockRejectedValue(
      new Error('CONFLICT: version 1 is not the current version'),
    );
    const response = await put(updated).expect(409);
    expect(issue(response)?.code).toBe('conflict');
  });
});

describe('GET /fhir/Consent/:id/_history and vread', () => {
  const revoked: Consent = {
    ...consent,
    status: 'revoked',
    version: 2,
    updatedAt: '2026-11-23T00:00:00.000Z',
    revokedAt: '2026-11-23T00:00:00.000Z',
  };
  const versions = [
    { version: 1, change: 'granted' as const, time: NOW, consent },
    { version: 2, change: 'revoked' as const, time: revoked.updatedAt, consent: revoked },
  ];

  it('answers every version newest first as a history Bundle', async () => {
    port.getConsentHistory.mockResolvedValue(versions);
    const response = await request(server)
      .get(`/fhir/Consent/${consent.consentId}/_history`)
      .set('x-test-user', 'patient')
      .expect(200);
    expectFhirJson(response);
    const bundle = response.body as fhir4.Bundle<fhir4.Consent>;
    expect(bundle).toMatchObject({ type: 'history', total: 2 });
    expect(bundle.entry?.map((entry) => entry.resource?.meta?.versionId)).toEqual(['2', '1']);
    expect(bundle.entry?.map((entry) => entry.request?.method)).toEqual(['PUT', 'POST']);
    expect(bundle.entry?.[0]?.response).toEqual({
      status: '200',
      etag: 'W/"2"',
      lastModified: revoked.updatedAt,
    });
    expect(port.getConsentHistory).toHaveBeenCalledWith(USER, consent.consentId);
  });

  it('reads one version (vread), 404 for a version that does not exist', async () => {
    port.getConsentHistory.mockResolvedValue(versions);
    const response = await request(server)
      .get(`/fhir/Consent/${consent.consentId}/_history/1`)
      .set('x-test-user', 'patient')
      .expect(200);
    expectFhirJson(response);
    expect(response.body).toMatchObject({ status: 'active', meta: { versionId: '1' } });
    expect(response.headers.etag).toBe('W/"1"');
    const missing = await request(server)
      .get(`/fhir/Consent/${consent.consentId}/_history/3`)
      .set('x-test-user', 'patient')
      .expect(404);
    expectFhirJson(missing);
    expect(issue(missing)).toMatchObject({
      code: 'not-found',
      details: { coding: [{ code: 'VERSION_NOT_FOUND' }] },
    });
    await request(server)
      .get(`/fhir/Consent/${consent.consentId}/_history/x`)
      .set('x-test-user', 'patient')
      .expect(400);
  });
});

describe('GET /fhir/AuditEvent/:id', () => {
  it('reads an access event (every search fullUrl resolves)', async () => {
    port.getAccessEvent.mockResolvedValue(event);
    const response = await request(server)
      .get(`/fhir/AuditEvent/${event.eventId}`)
      .set('x-test-user', 'patient')
      .expect(200);
    expectFhirJson(response);
    expect(response.body).toMatchObject({ resourceType: 'AuditEvent', id: event.eventId });
    expect(port.getAccessEvent).toHaveBeenCalledWith(USER, event.eventId);
  });

  it('answers 404 for an unknown event', async () => {
    port.getAccessEvent.mockRejectedValue(new Error('EVENT_NOT_FOUND: no such event'));
    const response = await request(server)
      .get('/fhir/AuditEvent/evt-x')
      .set('x-test-user', 'patient')
      .expect(404);
    expect(issue(response)?.code).toBe('not-found');
  });
});

describe('unsupported types, interactions and formats', () => {
  it.each([
    ['get', '/fhir/Patient/pid-abcdefghijklmnop', 404, 'not-supported'],
    ['get', '/fhir/Patient', 404, 'not-supported'],
    ['delete', '/fhir/Consent/con-1', 405, 'not-supported'],
    ['put', '/fhir/AuditEvent/evt-1', 405, 'not-supported'],
    ['patch', '/fhir/Consent/con-1', 405, 'not-supported'],
    ['get', '/fhir/Provenance/p-1', 405, 'not-supported'],
    ['get', '/fhir/Consent/_history', 405, 'not-supported'],
    ['get', '/fhir/AuditEvent/evt-1/_history', 405, 'not-supported'],
    ['get', '/fhir/_history', 405, 'not-supported'],
    ['post', '/fhir', 405, 'not-supported'],
    ['get', '/fhir/Consent/a/b/c/d', 405, 'not-supported'],
  ] as const)('%s %s answers %i %s as OperationOutcome', async (method, path, status, code) => {
    const response = await request(server)[method](path).expect(status);
    expectFhirJson(response);
    expect(issue(response)?.code).toBe(code);
    if (status === 405) expect(response.headers.allow).toBeDefined();
  });

  it('names the methods allowed in a 405', async () => {
    const response = await request(server).delete('/fhir/Consent/con-1').expect(405);
    expect(response.headers.allow).toBe('GET, PUT');
    expect(issue(response)?.details?.coding?.[0]?.code).toBe('METHOD_NOT_ALLOWED');
  });

  it.each([
    '/fhir/metadata?_format=xml',
    '/fhir/metadata?_format=application/fhir%2Bxml',
    '/fhir/Consent?_format=xml',
    '/fhir/Consent/con-1?_format=text/xml',
    '/fhir/Patient?_format=xml',
  ])('refuses %s with 406 not-supported', async (path) => {
    const response = await request(server).get(path).set('x-test-user', 'patient').expect(406);
    expectFhirJson(response);
    expect(issue(response)).toMatchObject({ code: 'not-supported', expression: ['_format'] });
  });

  it('accepts _format=json and a JSON Accept everywhere, refuses an XML-only Accept', async () => {
    await request(server).get('/fhir/metadata?_format=json').expect(200);
    await request(server).get('/fhir/metadata?_format=application/fhir%2Bjson').expect(200);
    await request(server).get('/fhir/metadata').set('accept', 'application/fhir+json').expect(200);
    await request(server).get('/fhir/metadata').set('accept', 'text/html, */*;q=0.8').expect(200);
    port.queryConsents.mockResolvedValue({ items: [], bookmark: '' });
    await request(server)
      .get('/fhir/Consent?_format=json')
      .set('x-test-user', 'patient')
      .expect(200);
    const xml = await request(server)
      .get('/fhir/metadata')
      .set('accept', 'application/fhir+xml')
      .expect(406);
    expectFhirJson(xml);
  });

  it('refuses an XML body with 415 not-supported', async () => {
    const response = await request(server)
      .post('/fhir/Consent')
      .set('x-test-user', 'patient')
      .set('content-type', 'application/fhir+xml')
      .send('<Consent xmlns="http://hl7.org/fhir"/>')
      .expect(415);
    expectFhirJson(response);
    expect(issue(response)?.code).toBe('not-supported');
    expect(port.grantConsent).not.toHaveBeenCalled();
  });
});

describe('GET /fhir/AuditEvent', () => {
  it('searches by patient, date range and outcome', async () => {
    port.queryAccessEvents.mockResolvedValue({ items: [event], bookmark: '' });
    const response = await request(server)
      .get(`/fhir/AuditEvent?patient=${PID}&date=ge2026-11-01&date=lt2026-12-01&outcome=4`)
      .set('x-test-user', 'patient')
      .expect(200);
    expectFhirJson(response);
    expect(port.queryAccessEvents).toHaveBeenCalledWith(USER, {
      patientId: PID,
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      decision: 'deny',
      pageSize: 100,
    });
    const bundle = response.body as fhir4.Bundle<fhir4.AuditEvent>;
    expect(bundle.entry?.[0]?.resource).toMatchObject({ id: event.eventId, outcome: '4' });
  });

  it('accepts minute-precision dates and filters agent, source and entity', async () => {
    port.queryAccessEvents.mockResolvedValue({ items: [event], bookmark: '' });
    const response = await request(server)
      .get(
        '/fhir/AuditEvent?date=ge2026-11-22T03:27Z&agent=Organization/TertiaryHospitalMSP&source=Device/consent-ledger&entity=Patient/' +
          PID,
      )
      .set('x-test-user', 'patient')
      .expect(200);
    expect(port.queryAccessEvents).toHaveBeenCalledWith(USER, {
      from: '2026-11-22T03:27:00.000Z',
      accessorOrg: 'TertiaryHospitalMSP',
      pageSize: 100,
    });
    expect((response.body as fhir4.Bundle).total).toBe(1);
    const none = await request(server)
      .get('/fhir/AuditEvent?entity=Consent/con-x')
      .set('x-test-user', 'patient')
      .expect(200);
    expect(none.body).toMatchObject({ total: 0 });
  });

  it('refuses a search over more matches than it sorts (400 too-costly)', async () => {
    const many = Array.from({ length: 100 }, () => event);
    port.queryAccessEvents.mockImplementation((_caller, filter) =>
      Promise.resolve({
        items: many,
        bookmark: String(Number(filter.bookmark ?? '0') + 1),
        // The ledger stopped counting: the search cannot be paged by the ledger.
        ...(filter.withTotal === true ? { total: { count: 10_000, exact: false } } : {}),
      }),
    );
    const response = await request(server)
      .get('/fhir/AuditEvent')
      .set('x-test-user', 'patient')
      .expect(400);
    expect(issue(response)?.code).toBe('too-costly');
    // One counted page, then 101 pages read to sort them all.
    expect(port.queryAccessEvents).toHaveBeenCalledTimes(102);
  });

  it('pages a newest-first search the ledger states whole by the ledger itself', async () => {
    const nth = (n: number): AccessEvent => ({
      ...event,
      eventId: `evt-${String(n).padStart(24, '0')}`,
      timestamp: `2026-11-22T0${String(n)}:00:00.000Z`,
    });
    const total = { count: 3, exact: true };
    port.queryAccessEvents
      .mockResolvedValueOnce({ items: [nth(3)], bookmark: 'b1', total })
      .mockResolvedValueOnce({ items: [nth(2)], bookmark: 'b2' })
      .mockResolvedValueOnce({ items: [nth(1)], bookmark: '', total });
    const first = await request(server)
      .get(`/fhir/AuditEvent?patient=${PID}&_count=2`)
      .set('x-test-user', 'patient')
      .expect(200);
    const page = first.body as fhir4.Bundle<fhir4.AuditEvent>;
    expect(page.total).toBe(3);
    expect(page.entry?.map((entry) => entry.resource?.id)).toEqual([
      nth(3).eventId,
      nth(2).eventId,
    ]);
    // A short ledger page is topped up from its bookmark; the total is counted once a page.
    expect(port.queryAccessEvents.mock.calls.map(([, filter]) => filter)).toEqual([
      { patientId: PID, order: 'desc', withTotal: true, pageSize: 2 },
      { patientId: PID, order: 'desc', withTotal: false, pageSize: 1, bookmark: 'b1' },
    ]);
    const next = new URL(linksOf(page).next ?? '');
    const second = await request(server)
      .get(`/fhir/AuditEvent${next.search}`)
      .set('x-test-user', 'patient')
      .expect(200);
    const last = second.body as fhir4.Bundle<fhir4.AuditEvent>;
    expect(last.entry?.map((entry) => entry.resource?.id)).toEqual([nth(1).eventId]);
    expect(last.total).toBe(3);
    expect(linksOf(last).next).toBeUndefined();
    expect(port.queryAccessEvents.mock.calls[2]?.[1]).toEqual({
      patientId: PID,
      order: 'desc',
      withTotal: true,
      pageSize: 2,
      bookmark: 'b2',
    });
    // The count alone; and a ledger cursor belongs to a search the ledger pages.
    port.queryAccessEvents.mockResolvedValueOnce({ items: [nth(3)], bookmark: 'b1', total });
    const count = await request(server)
      .get(`/fhir/AuditEvent?patient=${PID}&_summary=count`)
      .set('x-test-user', 'patient')
      .expect(200);
    expect(count.body).toMatchObject({ total: 3 });
    expect((count.body as fhir4.Bundle).entry).toBeUndefined();
    const cursor = next.searchParams.get('_cursor') ?? '';
    const refused = await request(server)
      .get(`/fhir/AuditEvent?patient=${PID}&_sort=date&_cursor=${cursor}`)
      .set('x-test-user', 'patient')
      .expect(400);
    expect(issue(refused)).toMatchObject({ code: 'value', expression: ['_cursor'] });
  });

  it('refuses a bad date (400 value)', async () => {
    const response = await request(server)
      .get('/fhir/AuditEvent?date=ge2026-13-01')
      .set('x-test-user', 'patient')
      .expect(400);
    expect(issue(response)).toMatchObject({ code: 'value', expression: ['date'] });
  });
});

describe('GET /fhir/Provenance', () => {
  it('lists the anchored versions of a record, oldest first with _sort=date', async () => {
    const later = { ...anchor(2), timestamp: '2026-11-23T00:00:00.000Z' };
    port.getRecord.mockResolvedValue({ head: later, versions: [later, anchor(1)] });
    const response = await request(server)
      .get('/fhir/Provenance?target=DocumentReference/rec-1&_sort=date')
      .set('x-test-user', 'patient')
      .expect(200);
    expectFhirJson(response);
    expect(port.getRecord).toHaveBeenCalledWith(USER, { recordId: 'rec-1' });
    const bundle = response.body as fhir4.Bundle<fhir4.Provenance>;
    expect(bundle.entry?.map((entry) => entry.resource?.target[0]?.identifier)).toEqual([
      { system: NAMING_SYSTEM.recordId, value: 'rec-1' },
      { system: NAMING_SYSTEM.recordId, value: 'rec-1' },
    ]);
    expect(
      bundle.entry?.map(
        (entry) => entry.resource?.extension?.find((ext) => ext.valuePositiveInt)?.valuePositiveInt,
      ),
    ).toEqual([1, 2]);
  });

  it("names another organization's record of the ID by its owner (agent=Organization/<MSP>)", async () => {
    port.getRecord.mockResolvedValue({ head: anchor(1), versions: [anchor(1)] });
    await request(server)
      .get('/fhir/Provenance?target=rec-1&agent=Organization/CommunityHospitalMSP')
      .set('x-test-user', 'patient')
      .expect(200);
    expect(port.getRecord).toHaveBeenCalledWith(USER, {
      recordId: 'rec-1',
      owner: 'CommunityHospitalMSP',
    });
    const refused = await request(server)
      .get('/fhir/Provenance?target=rec-1&agent=Organization/not%20an%20msp')
      .set('x-test-user', 'patient')
      .expect(400);
    expect(issue(refused)).toMatchObject({ code: 'value', expression: ['agent'] });
  });

  it('answers an empty bundle for an unknown record', async () => {
    port.getRecord.mockResolvedValue(undefined);
    const response = await request(server)
      .get('/fhir/Provenance?target=nope')
      .set('x-test-user', 'patient')
      .expect(200);
    expectFhirJson(response);
    expect((response.body as fhir4.Bundle).entry).toBeUndefined();
  });

  it('needs a target (400 required)', async () => {
    const response = await request(server)
      .get('/fhir/Provenance')
      .set('x-test-user', 'patient')
      .expect(400);
    expect(issue(response)?.code).toBe('required');
  });
});

describe('FhirModule.forRoot', () => {
  it('uses a configured base URL for links, and marks metadata public', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        FhirModule.forRoot({
          port: { useValue: port },
          baseUrl: 'https://gov.example/fhir/',
          clock: () => new Date(NOW),
          publicDecorator: SetMetadata('test:public', true),
        }),
      ],
    }).compile();
    expect(Reflect.getMetadata('test:public', FhirController.prototype.metadata)).toBe(true);
    expect(Reflect.getMetadata('test:public', FhirController.prototype.unsupported)).toBe(true);
    expect(
      Reflect.getMetadata('test:public', FhirController.prototype.readConsent),
    ).toBeUndefined();
    const other = moduleRef.createNestApplication();
    await other.init();
    try {
      const response = await request(other.getHttpServer() as Parameters<typeof request>[0])
        .get('/fhir/metadata')
        .expect(200);
      expect((response.body as fhir4.CapabilityStatement).implementation?.url).toBe(
        'https://gov.example/fhir',
      );
    } finally {
      await other.close();
    }
  });
});

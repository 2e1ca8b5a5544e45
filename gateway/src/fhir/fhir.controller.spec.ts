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
import { EXTENSION, NAMING_SYSTEM, PROJECT_SYSTEM } from './fhir-terminology.js';
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
  getConsent: vi.fn<FhirLedgerPort['getConsent']>(),
  queryConsents: vi.fn<FhirLedgerPort['queryConsents']>(),
  queryAccessEvents: vi.fn<FhirLedgerPort['queryAccessEvents']>(),
  getRecord: vi.fn<FhirLedgerPort['getRecord']>(),
};

const LEDGER_STATUS: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FORBIDDEN: 403,
  CONSENT_NOT_FOUND: 404,
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
      { reference: 'RelatedPerson/rp-aaaaaaaaaaaaaaaa' },
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

describe('GET /fhir/Consent', () => {
  it('searches by patient and status, with self and next links', async () => {
    port.queryConsents.mockResolvedValue({ items: [consent], bookmark: 'bm/2' });
    const response = await request(server)
      .get(`/fhir/Consent?patient=Patient/${PID}&status=active&_count=10`)
      .set('x-test-user', 'patient')
      .expect(200);
    expectFhirJson(response);
    expect(port.queryConsents).toHaveBeenCalledWith(USER, {
      patientId: PID,
      status: 'active',
      pageSize: 10,
    });
    const bundle = response.body as fhir4.Bundle<fhir4.Consent>;
    expect(bundle.type).toBe('searchset');
    expect(bundle.entry?.map((entry) => entry.resource?.id)).toEqual([consent.consentId]);
    expect(bundle.entry?.[0]?.fullUrl).toMatch(/\/fhir\/Consent\/con-0123456789abcdef01234567$/);
    const links = Object.fromEntries((bundle.link ?? []).map((link) => [link.relation, link.url]));
    expect(links.self).toMatch(
      /\/fhir\/Consent\?patient=Patient%2Fpid-abcdefghijklmnop&status=active&_count=10$/,
    );
    expect(links.next).toMatch(/&_count=10&_cursor=bm%2F2$/);
  });

  it('passes the cursor on and ends without a next link', async () => {
    port.queryConsents.mockResolvedValue({ items: [], bookmark: '' });
    const response = await request(server)
      .get('/fhir/Consent?_cursor=bm%2F2')
      .set('x-test-user', 'patient')
      .expect(200);
    expectFhirJson(response);
    expect(port.queryConsents).toHaveBeenCalledWith(USER, { pageSize: 25, bookmark: 'bm/2' });
    const bundle = response.body as fhir4.Bundle;
    expect(bundle.link?.map((link) => link.relation)).toEqual(['self']);
    expect(bundle.entry).toBeUndefined();
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
      pageSize: 25,
    });
    const bundle = response.body as fhir4.Bundle<fhir4.AuditEvent>;
    expect(bundle.entry?.[0]?.resource).toMatchObject({ id: event.eventId, outcome: '4' });
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
  it('lists the anchored versions of a record, oldest first', async () => {
    port.getRecord.mockResolvedValue({ head: anchor(2), versions: [anchor(2), anchor(1)] });
    const response = await request(server)
      .get('/fhir/Provenance?target=DocumentReference/rec-1')
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

import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import type { Page, TransactionName } from '@consent-ledger/ledger-api';
import type * as fhir4 from './fhir-r4.types.js';
import { toAuditEvent } from './audit-event.mapper.js';
import { searchUrl, toSearchBundle } from './bundle.mapper.js';
import { toCapabilityStatement } from './capability-statement.mapper.js';
import {
  consentPatientId,
  consentPerformer,
  fromFhirConsent,
  signedActionOf,
  toFhirConsent,
} from './consent.mapper.js';
import { FhirArgumentError } from './fhir.errors.js';
import { FHIR_LEDGER_PORT, type FhirLedgerPort } from './fhir-ledger.port.js';
import { FHIR_SETTINGS, type FhirSettings } from './fhir-module.options.js';
import { validateResource } from './fhir-schema.validator.js';
import {
  parseAuditEventSearch,
  parseConsentSearch,
  parseProvenanceSearch,
  queryPairs,
  type FhirQuery,
} from './fhir-search.params.js';
import { FHIR_JSON_CONTENT_TYPE } from './operation-outcome.mapper.js';
import { toProvenance } from './provenance.mapper.js';

/** The parts of an (Express) request the FHIR API reads (never its Host). */
export interface FhirHttpRequest {
  readonly query: FhirQuery;
  readonly user?: unknown;
}

/** The base of links when the module is given none (`FhirModuleOptions.baseUrl`). */
export const DEFAULT_FHIR_BASE = 'http://localhost/fhir';

/** The parts of an (Express) response the FHIR API writes. */
export interface FhirHttpResponse {
  setHeader(name: string, value: string): unknown;
}

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * The ledger transaction each handler calls through the port: the application's route
 * authorization (`FhirModuleOptions.authorize`) checks the caller against it before the handler
 * reads the body. `metadata` calls none.
 */
export const FHIR_ROUTE_TRANSACTIONS = {
  createConsent: 'consent:GrantConsent',
  searchConsents: 'consent:QueryConsents',
  readConsent: 'consent:GetConsent',
  searchAuditEvents: 'audit:QueryAccessEvents',
  searchProvenance: 'records:GetRecord',
} as const satisfies Readonly<Record<string, TransactionName>>;

/** A transaction a FHIR handler calls. */
export type FhirTransaction =
  (typeof FHIR_ROUTE_TRANSACTIONS)[keyof typeof FHIR_ROUTE_TRANSACTIONS];

/**
 * The FHIR R4 API under /fhir. Authentication is the application's (global guard); every handler
 * but `metadata` needs `request.user` and passes it to the ledger port unchanged. Errors are left
 * to the global exception filter, which renders OperationOutcome under /fhir.
 */
@Controller('fhir')
export class FhirController {
  constructor(
    @Inject(FHIR_LEDGER_PORT) private readonly ledger: FhirLedgerPort,
    @Inject(FHIR_SETTINGS) private readonly settings: FhirSettings,
  ) {}

  /** `GET /fhir/metadata`: the CapabilityStatement (public). */
  @Get('metadata')
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  metadata(): fhir4.CapabilityStatement {
    return toCapabilityStatement(this.base());
  }

  /**
   * `POST /fhir/Consent`: records a new consent of the calling patient, signed by the patient (or a
   * guardian) in the resource's signed-action extension.
   */
  @Post('Consent')
  @HttpCode(201)
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  async createConsent(
    @Req() request: FhirHttpRequest,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: FhirHttpResponse,
  ): Promise<fhir4.Consent> {
    const caller = callerOf(request);
    const resource = consentBody(body);
    const terms = fromFhirConsent(resource);
    const performer = consentPerformer(resource);
    const consent = await this.ledger.grantConsent(caller, {
      terms,
      patientId: consentPatientId(resource),
      ...(performer === undefined ? {} : { performer }),
      action: signedActionOf(resource),
    });
    response.setHeader('Location', `${this.base()}/Consent/${consent.consentId}`);
    response.setHeader('ETag', `W/"${String(consent.version)}"`);
    response.setHeader('Last-Modified', new Date(consent.updatedAt).toUTCString());
    return toFhirConsent(consent, { now: this.now() });
  }

  /** `GET /fhir/Consent?patient=&status=`. */
  @Get('Consent')
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  async searchConsents(@Req() request: FhirHttpRequest): Promise<fhir4.Bundle<fhir4.Consent>> {
    const caller = callerOf(request);
    const search = parseConsentSearch(request.query);
    if (search.empty) return this.bundle(request, 'Consent', []);
    const page = await this.ledger.queryConsents(caller, search.filter);
    const now = this.now();
    const resources = page.items
      .map((consent) => toFhirConsent(consent, { now }))
      .filter((resource) => search.statuses?.has(resource.status) ?? true);
    return this.bundle(request, 'Consent', resources, page);
  }

  /** `GET /fhir/Consent/:id`. */
  @Get('Consent/:id')
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  async readConsent(
    @Req() request: FhirHttpRequest,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: FhirHttpResponse,
  ): Promise<fhir4.Consent> {
    const caller = callerOf(request);
    if (!FHIR_ID.test(id)) throw FhirArgumentError.at('id', 'is not a FHIR id', 'value');
    const consent = await this.ledger.getConsent(caller, id);
    response.setHeader('ETag', `W/"${String(consent.version)}"`);
    response.setHeader('Last-Modified', new Date(consent.updatedAt).toUTCString());
    return toFhirConsent(consent, { now: this.now() });
  }

  /** `GET /fhir/AuditEvent?patient=&date=&outcome=`. */
  @Get('AuditEvent')
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  async searchAuditEvents(
    @Req() request: FhirHttpRequest,
  ): Promise<fhir4.Bundle<fhir4.AuditEvent>> {
    const caller = callerOf(request);
    const search = parseAuditEventSearch(request.query);
    if (search.empty) return this.bundle(request, 'AuditEvent', []);
    const page = await this.ledger.queryAccessEvents(caller, search.filter);
    return this.bundle(request, 'AuditEvent', page.items.map(toAuditEvent), page);
  }

  /**
   * `GET /fhir/Provenance?target=` (`&agent=Organization/<MSP>`: another organization's record of
   * the ID): one Provenance per anchored version, oldest first.
   */
  @Get('Provenance')
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  async searchProvenance(@Req() request: FhirHttpRequest): Promise<fhir4.Bundle<fhir4.Provenance>> {
    const caller = callerOf(request);
    const record = await this.ledger.getRecord(caller, parseProvenanceSearch(request.query));
    const versions = [...(record?.versions ?? [])].sort((a, b) => a.version - b.version);
    return this.bundle(request, 'Provenance', versions.map(toProvenance));
  }

  private bundle<T extends fhir4.Resource>(
    request: FhirHttpRequest,
    resourceType: string,
    resources: readonly T[],
    page?: Page<unknown>,
  ): fhir4.Bundle<T> {
    const base = this.base();
    const params = queryPairs(request.query);
    const bookmark = page?.bookmark ?? '';
    return toSearchBundle(resources, {
      base,
      selfLink: searchUrl(base, resourceType, params, cursorOf(params)),
      ...(bookmark === '' ? {} : { nextLink: searchUrl(base, resourceType, params, bookmark) }),
    });
  }

  /** The configured public base: never the request's Host, which the client chooses. */
  private base(): string {
    return (this.settings.baseUrl ?? DEFAULT_FHIR_BASE).replace(/\/+$/, '');
  }

  private now(): string {
    return this.settings.clock().toISOString();
  }
}

/** The authenticated caller; refuses (401) when no guard authenticated the request. */
function callerOf(request: FhirHttpRequest): unknown {
  if (request.user === undefined || request.user === null)
    throw new UnauthorizedException('authentication required');
  return request.user;
}

function cursorOf(params: readonly (readonly [string, string])[]): string | undefined {
  return params.find(([name]) => name === '_cursor')?.[1];
}

/** The request body as a schema-valid FHIR Consent. */
function consentBody(body: unknown): fhir4.Consent {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw FhirArgumentError.at(
      'body',
      'must be a FHIR Consent resource (JSON object)',
      'structure',
    );
  const type = (body as { resourceType?: unknown }).resourceType;
  if (type !== 'Consent')
    throw FhirArgumentError.at('resourceType', "must be 'Consent'", 'invalid');
  const result = validateResource(body);
  if (!result.valid) throw FhirArgumentError.fromValidation('Consent', result.errors);
  return body as fhir4.Consent;
}

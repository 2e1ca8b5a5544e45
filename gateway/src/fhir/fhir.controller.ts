import {
  All,
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import type { Page, ResultTotal, TransactionName } from '@consent-ledger/ledger-api';
import type * as fhir4 from './fhir-r4.types.js';
import { toAuditEvent } from './audit-event.mapper.js';
import {
  decodeLedgerCursor,
  subsetted,
  toLedgerSearchPage,
  toSearchPage,
  type LedgerCursor,
} from './bundle.mapper.js';
import { SERVED_INTERACTIONS, toCapabilityStatement } from './capability-statement.mapper.js';
import {
  consentPatientId,
  consentPerformer,
  fromFhirConsent,
  signedActionOf,
  toFhirConsent,
} from './consent.mapper.js';
import { FhirArgumentError, FhirHttpError } from './fhir.errors.js';
import { FHIR_LEDGER_PORT, type FhirLedgerPort } from './fhir-ledger.port.js';
import { FHIR_SETTINGS, type FhirSettings } from './fhir-module.options.js';
import { validateResource } from './fhir-schema.validator.js';
import {
  MAX_SEARCH_MATCHES,
  parseAuditEventSearch,
  parseConsentSearch,
  parseProvenanceSearch,
  resultControls,
  searchHandling,
  type FhirQuery,
  type FhirSearch,
} from './fhir-search.params.js';
import { FHIR_JSON_CONTENT_TYPE } from './operation-outcome.mapper.js';
import { toProvenance } from './provenance.mapper.js';
import type { AccessEventView } from './ledger-views.js';

/** The parts of an (Express) request the FHIR API reads (never its Host). */
export interface FhirHttpRequest {
  readonly query: FhirQuery;
  readonly user?: unknown;
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** The base of links when the module is given none (`FhirModuleOptions.baseUrl`). */
export const DEFAULT_FHIR_BASE = 'http://localhost/fhir';

/** The parts of an (Express) response the FHIR API writes. */
export interface FhirHttpResponse {
  setHeader(name: string, value: string): unknown;
}

const LEDGER_PAGE_SIZE = 100;

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * The ledger transaction each handler calls through the port: the application's route
 * authorization (`FhirModuleOptions.authorize`) checks the caller against it before the handler
 * reads the body. `metadata` and `unsupported` call none.
 */
export const FHIR_ROUTE_TRANSACTIONS = {
  createConsent: 'consent:GrantConsent',
  updateConsent: 'consent:UpdateConsent',
  searchConsents: 'consent:QueryConsents',
  searchConsentsByPost: 'consent:QueryConsents',
  readConsent: 'consent:GetConsent',
  consentHistory: 'consent:GetConsentHistory',
  vreadConsent: 'consent:GetConsentHistory',
  searchAuditEvents: 'audit:QueryAccessEvents',
  searchAuditEventsByPost: 'audit:QueryAccessEvents',
  readAuditEvent: 'audit:GetAccessEvent',
  searchProvenance: 'records:GetRecord',
  searchProvenanceByPost: 'records:GetRecord',
} as const satisfies Readonly<Record<string, TransactionName>>;

/** A transaction a FHIR handler calls. */
export type FhirTransaction =
  (typeof FHIR_ROUTE_TRANSACTIONS)[keyof typeof FHIR_ROUTE_TRANSACTIONS];

/** The handlers open without a token: the CapabilityStatement and the refusals (404/405). */
export const FHIR_PUBLIC_HANDLERS = ['metadata', 'unsupported'] as const;

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

  /** `POST /fhir/Consent/_search` (form-encoded parameters, with those of the URL). */
  @Post('Consent/_search')
  @HttpCode(200)
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  searchConsentsByPost(
    @Req() request: FhirHttpRequest,
    @Body() body: unknown,
  ): Promise<fhir4.Bundle> {
    return this.searchConsents(withForm(request, body));
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
    versionHeaders(response, consent);
    return toFhirConsent(consent, { now: this.now() });
  }

  /** `GET /fhir/Consent?patient=&status=&date=&actor=&purpose=&_id=`. */
  @Get('Consent')
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  async searchConsents(@Req() request: FhirHttpRequest): Promise<fhir4.Bundle> {
    const caller = callerOf(request);
    const search = parseConsentSearch(request.query, handlingOf(request));
    const now = this.now();
    const matches = search.empty
      ? []
      : (
          await readAll((bookmark) =>
            this.ledger.queryConsents(caller, { ...search.filter, ...page(bookmark) }),
          )
        ).map((consent) => toFhirConsent(consent, { now }));
    return this.page('Consent', search, matches, (resource) => resource.dateTime);
  }

  /** `GET /fhir/Consent/:id/_history`: every version, newest first (a history Bundle). */
  @Get('Consent/:id/_history')
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  async consentHistory(
    @Req() request: FhirHttpRequest,
    @Param('id') id: string,
  ): Promise<fhir4.Bundle<fhir4.Consent>> {
    const caller = callerOf(request);
    checkId(id);
    const versions = await this.ledger.getConsentHistory(caller, id);
    const now = this.now();
    const base = this.base();
    return {
      resourceType: 'Bundle',
      type: 'history',
      total: versions.length,
      link: [{ relation: 'self', url: `${base}/Consent/${id}/_history` }],
      entry: [...versions].reverse().map((version) => ({
        fullUrl: `${base}/Consent/${id}`,
        resource: toFhirConsent(version.consent, { now }),
        request:
          version.version === 1
            ? { method: 'POST', url: 'Consent' }
            : { method: 'PUT', url: `Consent/${id}` },
        response: {
          status: version.version === 1 ? '201' : '200',
          etag: `W/"${String(version.version)}"`,
          lastModified: version.time,
        },
      })),
    };
  }

  /** `GET /fhir/Consent/:id/_history/:vid`: one version (vread). */
  @Get('Consent/:id/_history/:vid')
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  async vreadConsent(
    @Req() request: FhirHttpRequest,
    @Param('id') id: string,
    @Param('vid') vid: string,
    @Res({ passthrough: true }) response: FhirHttpResponse,
  ): Promise<fhir4.Consent> {
    const caller = callerOf(request);
    checkId(id);
    if (!/^[1-9]\d{0,8}$/.test(vid))
      throw FhirArgumentError.at('vid', 'is not a version of this server (1, 2, ...)', 'value');
    const versions = await this.ledger.getConsentHistory(caller, id);
    const version = versions.find((each) => each.version === Number(vid));
    if (version === undefined)
      throw new FhirHttpError({
        status: 404,
        code: 'VERSION_NOT_FOUND',
        message: `Consent/${id} has no version ${vid}`,
        issueType: 'not-found',
      });
    versionHeaders(response, version.consent);
    return this.elementsOf(request, toFhirConsent(version.consent, { now: this.now() }));
  }

  /** `GET /fhir/Consent/:id`. */
  @Get('Consent/:id')
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  async readConsent(
    @Req() request: FhirHttpRequest,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: FhirHttpResponse,
  ): Promise<fhir4.Consent> {
    if (id === '_history') refuse(request, response, ['Consent', '_history']);
    const caller = callerOf(request);
    checkId(id);
    const consent = await this.ledger.getConsent(caller, id);
    versionHeaders(response, consent);
    return this.elementsOf(request, toFhirConsent(consent, { now: this.now() }));
  }

  /**
   * `PUT /fhir/Consent/:id`: status `active` updates the terms (consent:UpdateConsent), `inactive`
   * revokes (consent:RevokeConsent); the resource carries the statement the patient signed for it
   * in its signed-action extension. `If-Match: W/"<version>"` must name the current version (412
   * otherwise); without it, the version the signed statement names guards the change (409 when it
   * is not the current one).
   */
  @Put('Consent/:id')
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  async updateConsent(
    @Req() request: FhirHttpRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: FhirHttpResponse,
  ): Promise<fhir4.Consent> {
    const caller = callerOf(request);
    checkId(id);
    const resource = consentBody(body);
    if (resource.id !== id)
      throw FhirArgumentError.at('Consent.id', `must be the id of the URL (${id})`, 'invalid');
    const ifMatch = header(request, 'if-match');
    if (ifMatch !== undefined) {
      const wanted = /^(?:W\/)?"(\d+)"$/.exec(ifMatch.trim())?.[1];
      if (wanted === undefined)
        throw FhirArgumentError.at('If-Match', 'must be W/"<version>"', 'value');
      const current = await this.ledger.getConsent(caller, id);
      if (current.version !== Number(wanted))
        throw FhirHttpError.versionMismatch(current.version, ifMatch);
    }
    const performer = consentPerformer(resource);
    const common = {
      consentId: id,
      patientId: consentPatientId(resource),
      ...(performer === undefined ? {} : { performer }),
      action: signedActionOf(resource),
    };
    if (resource.status !== 'active' && resource.status !== 'inactive')
      throw FhirArgumentError.at(
        'Consent.status',
        'must be active (update the terms) or inactive (revoke)',
        'business-rule',
      );
    const consent = await this.ledger.changeConsent(
      caller,
      resource.status === 'active'
        ? { ...common, kind: 'update', terms: fromFhirConsent(resource) }
        : { ...common, kind: 'revoke' },
    );
    versionHeaders(response, consent);
    response.setHeader(
      'Content-Location',
      `${this.base()}/Consent/${id}/_history/${String(consent.version)}`,
    );
    return toFhirConsent(consent, { now: this.now() });
  }

  /** `POST /fhir/AuditEvent/_search`. */
  @Post('AuditEvent/_search')
  @HttpCode(200)
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  searchAuditEventsByPost(
    @Req() request: FhirHttpRequest,
    @Body() body: unknown,
  ): Promise<fhir4.Bundle> {
    return this.searchAuditEvents(withForm(request, body));
  }

  /** `GET /fhir/AuditEvent?patient=&date=&outcome=&agent=&source=&entity=&_id=`. */
  @Get('AuditEvent')
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  async searchAuditEvents(@Req() request: FhirHttpRequest): Promise<fhir4.Bundle> {
    const caller = callerOf(request);
    const search = parseAuditEventSearch(request.query, handlingOf(request));
    const ledgerCursor =
      search.controls.cursor === undefined ? undefined : decodeLedgerCursor(search.controls.cursor);
    // A sorting cursor (a search paged before, or another kind of search) keeps its own path.
    const native =
      !search.empty &&
      search.ledgerOnly === true &&
      search.controls.descending &&
      (search.controls.cursor === undefined || ledgerCursor !== undefined);
    if (ledgerCursor !== undefined && !native)
      throw FhirArgumentError.at('_cursor', 'is not a cursor of this search', 'value');
    if (native) {
      const paged = await this.auditEventsAsLedgerPages(caller, search, ledgerCursor);
      if (paged !== undefined) return paged;
    }
    const matches = search.empty
      ? []
      : (
          await readAll((bookmark) =>
            this.ledger.queryAccessEvents(caller, { ...search.filter, ...page(bookmark) }),
          )
        ).map(toAuditEvent);
    return this.page('AuditEvent', search, matches, (resource) => resource.recorded);
  }

  /**
   * A newest-first AuditEvent search whose every filter is the ledger's, paged by the ledger
   * itself: one page reads `_count` events and the ledger's count of the matches (its own
   * newest-first order, the cursor its bookmark), instead of every match. Undefined (read them
   * all, as other searches) when the ledger could not count them exactly.
   */
  private async auditEventsAsLedgerPages(
    caller: unknown,
    search: ReturnType<typeof parseAuditEventSearch>,
    cursor: LedgerCursor | undefined,
  ): Promise<fhir4.Bundle | undefined> {
    const { controls } = search;
    const wanted = controls.summaryCount ? 0 : controls.count;
    const events: AccessEventView[] = [];
    let bookmark = cursor?.bookmark ?? '';
    let total: ResultTotal | undefined;
    do {
      const page = await this.ledger.queryAccessEvents(caller, {
        ...search.filter,
        order: 'desc',
        withTotal: total === undefined,
        pageSize: Math.max(1, wanted - events.length),
        ...(bookmark === '' ? {} : { bookmark }),
      });
      total ??= page.total;
      if (total?.exact !== true) return undefined;
      events.push(...page.items);
      bookmark = page.bookmark;
    } while (events.length < wanted && bookmark !== '');
    const shown = events.slice(0, wanted).map(toAuditEvent);
    const offset = (cursor?.offset ?? 0) + shown.length;
    return toLedgerSearchPage(shown, {
      base: this.base(),
      resourceType: 'AuditEvent',
      controls,
      used: search.used,
      ignored: search.ignored,
      dateOf: (resource) => resource.recorded,
      total: total.count,
      ...(wanted > 0 && bookmark !== '' && offset < total.count
        ? { next: { offset, bookmark } }
        : {}),
    });
  }

  /** `GET /fhir/AuditEvent/:id`. */
  @Get('AuditEvent/:id')
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  async readAuditEvent(
    @Req() request: FhirHttpRequest,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: FhirHttpResponse,
  ): Promise<fhir4.AuditEvent> {
    if (id === '_history') refuse(request, response, ['AuditEvent', '_history']);
    const caller = callerOf(request);
    checkId(id);
    return this.elementsOf(request, toAuditEvent(await this.ledger.getAccessEvent(caller, id)));
  }

  /** `POST /fhir/Provenance/_search`. */
  @Post('Provenance/_search')
  @HttpCode(200)
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  searchProvenanceByPost(
    @Req() request: FhirHttpRequest,
    @Body() body: unknown,
  ): Promise<fhir4.Bundle> {
    return this.searchProvenance(withForm(request, body));
  }

  /**
   * `GET /fhir/Provenance?target=` (`&agent=Organization/<MSP>`: another organization's record of
   * the ID): one Provenance per anchored version.
   */
  @Get('Provenance')
  @Header('Content-Type', FHIR_JSON_CONTENT_TYPE)
  async searchProvenance(@Req() request: FhirHttpRequest): Promise<fhir4.Bundle> {
    const caller = callerOf(request);
    const search = parseProvenanceSearch(request.query, handlingOf(request));
    const record = await this.ledger.getRecord(caller, search.filter);
    const matches = (record?.versions ?? []).map(toProvenance);
    return this.page('Provenance', search, matches, (resource) => resource.recorded);
  }

  /**
   * Every other request under /fhir (public): 404 for a resource type this server does not serve,
   * 405 (with Allow) for an interaction it does not offer, both as OperationOutcome.
   */
  @All(['', '*path'])
  unsupported(
    @Req() request: FhirHttpRequest,
    @Res({ passthrough: true }) response: FhirHttpResponse,
  ): never {
    const all = (request.path ?? '').split('/').filter((segment) => segment !== '');
    refuse(request, response, all.slice(all.indexOf('fhir') + 1));
  }

  private page<T extends fhir4.Resource>(
    resourceType: string,
    search: FhirSearch<unknown, T>,
    matches: readonly T[],
    dateOf: (resource: T) => string | undefined,
  ): fhir4.Bundle {
    return toSearchPage(matches.filter(search.keep), {
      base: this.base(),
      resourceType,
      controls: search.controls,
      used: search.used,
      ignored: search.ignored,
      dateOf,
    });
  }

  /** A read trimmed by `_elements` (the only parameter a read takes besides `_format`). */
  private elementsOf<T extends fhir4.Resource>(request: FhirHttpRequest, resource: T): T {
    const { _elements: elements, _format: format, ...others } = request.query;
    const [unknown] = Object.keys(others);
    if (unknown !== undefined && handlingOf(request) === 'strict')
      throw FhirArgumentError.at(
        unknown,
        'is not a parameter of a read (_elements, _format)',
        'not-supported',
      );
    if (format !== undefined && typeof format !== 'string')
      throw FhirArgumentError.at('_format', 'may be given only once', 'not-supported');
    const controls = resultControls(elements === undefined ? {} : { _elements: elements });
    return controls.elements === undefined ? resource : subsetted(resource, controls.elements);
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

function checkId(id: string): void {
  if (!FHIR_ID.test(id)) throw FhirArgumentError.at('id', 'is not a FHIR id', 'value');
}

function handlingOf(request: FhirHttpRequest): 'strict' | 'lenient' {
  return searchHandling(header(request, 'prefer'));
}

/** A request header (repeated ones joined by commas). */
function header(request: FhirHttpRequest, name: string): string | undefined {
  const value = request.headers?.[name];
  return typeof value === 'string' ? value : value?.join(',');
}

/** A version's ETag (`W/"<version>"`) and Last-Modified. */
function versionHeaders(
  response: FhirHttpResponse,
  consent: { readonly version: number; readonly updatedAt: string },
): void {
  response.setHeader('ETag', `W/"${String(consent.version)}"`);
  response.setHeader('Last-Modified', new Date(consent.updatedAt).toUTCString());
}

/** The paging of one ledger read (100 a page, from the bookmark). */
function page(bookmark: string | undefined): { pageSize: number; bookmark?: string } {
  return bookmark === undefined
    ? { pageSize: LEDGER_PAGE_SIZE }
    : { pageSize: LEDGER_PAGE_SIZE, bookmark };
}

/** Every item of a paged ledger query, at most {@link MAX_SEARCH_MATCHES} (else too-costly). */
async function readAll<T>(read: (bookmark?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let bookmark: string | undefined;
  for (;;) {
    const next = await read(bookmark);
    items.push(...next.items);
    if (items.length > MAX_SEARCH_MATCHES) throw FhirHttpError.tooCostly(MAX_SEARCH_MATCHES);
    if (next.bookmark === '' || next.bookmark === bookmark) return items;
    bookmark = next.bookmark;
  }
}

/** A `_search` request: the form's parameters joined to the URL's (R4 search.html). */
function withForm(request: FhirHttpRequest, body: unknown): FhirHttpRequest {
  if (body === undefined || body === null) return request;
  if (typeof body !== 'object' || Array.isArray(body))
    throw FhirArgumentError.at('body', 'must be form-encoded search parameters', 'structure');
  const query: Record<string, unknown> = { ...request.query };
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const before = query[name];
    const list = (each: unknown): unknown[] => (Array.isArray(each) ? each : [each]);
    query[name] = before === undefined ? value : [...list(before), ...list(value)];
  }
  return { ...request, query };
}

/**
 * The methods the server answers on a path under /fhir (segments after `fhir`), or undefined when
 * the path names no resource type it serves.
 */
export function allowedMethods(segments: readonly string[]): readonly string[] | undefined {
  const [type, ...rest] = segments;
  if (type === undefined) return [];
  if (type === 'metadata') return rest.length === 0 ? ['GET'] : [];
  const served = SERVED_INTERACTIONS[type as keyof typeof SERVED_INTERACTIONS] as
    readonly string[] | undefined;
  if (served === undefined) return type.startsWith('_') || type.startsWith('$') ? [] : undefined;
  const has = (interaction: string): boolean => served.includes(interaction);
  const methods: string[] = [];
  if (rest.length === 0) {
    if (has('search-type')) methods.push('GET');
    if (has('create')) methods.push('POST');
  } else if (rest.length === 1 && rest[0] === '_search') {
    if (has('search-type')) methods.push('POST');
  } else if (rest.length === 1 && rest[0] !== '_history') {
    if (has('read')) methods.push('GET');
    if (has('update')) methods.push('PUT');
  } else if (rest.length === 2 && rest[1] === '_history') {
    if (has('history-instance')) methods.push('GET');
  } else if (rest.length === 3 && rest[1] === '_history') {
    if (has('vread')) methods.push('GET');
  }
  return methods;
}

/**
 * Throws the 404 (type not served) or 405 (interaction not offered, with its Allow header) of a
 * request the routes do not serve.
 */
function refuse(
  request: FhirHttpRequest,
  response: FhirHttpResponse,
  segments: readonly string[],
): never {
  const allowed = allowedMethods(segments);
  const [type = ''] = segments;
  if (allowed === undefined)
    throw FhirHttpError.unknownType(type, ['metadata', ...Object.keys(SERVED_INTERACTIONS)]);
  response.setHeader('Allow', allowed.join(', '));
  throw FhirHttpError.notAllowed(
    `${request.method ?? 'GET'} /fhir${segments.length === 0 ? '' : `/${segments.join('/')}`}`,
    allowed,
  );
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

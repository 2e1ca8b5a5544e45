import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_SYSTEM } from '@consent-ledger/gateway';
import {
  ENDPOINTS,
  FOREIGN_PRINCIPALS,
  PRINCIPALS,
  endpointKey,
  expectedForEndpoint,
  principalLabel,
  type EndpointRow,
  type MatrixPrincipal,
} from '../support/authorization-matrix.ts';
import { mapLimit } from '../support/concurrency.ts';
import { startGatewayInProcess, type InProcessGateway } from '../support/gateway-app.ts';
import { GatewayApi, bootstrapAdmin, uniqueName, type ApiResponse } from '../support/gateways.ts';

/**
 * The authorization matrix (test/support/authorization-matrix.ts) against the REST API: every
 * organization's gateway runs in this process from the current source with its real CA and peer;
 * each organization's admin creates a user of every role through POST /identities, and every user
 * calls every endpoint. Refused: 403 with code FORBIDDEN; allowed: neither 403 nor a 5xx; no
 * token: 401 on every endpoint but the open ones. Fixtures (consents, referrals, records, access
 * events) are made through the same API first.
 */

const CONCURRENCY = 8;
const PASSWORD = 'authz-matrix-password';
const ORG_NAMES = ['gov', 'tertiary', 'community', 'enterprise', 'research'];
const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');
const fresh = (prefix: string): string => `authz-${prefix}-${randomBytes(6).toString('hex')}`;

/**
 * Every route of every controller of a running gateway (the controllers its modules register),
 * read from Nest's decorator metadata.
 */
function controllerRoutes(app: INestApplication): string[] {
  const controllers = new Set<unknown>();
  for (const module of app.get(ModulesContainer).values())
    for (const wrapper of module.controllers.values()) controllers.add(wrapper.metatype);
  const routes: string[] = [];
  for (const exported of controllers) {
    if (typeof exported !== 'function') continue;
    const base = Reflect.getMetadata(PATH_METADATA, exported) as string | undefined;
    if (base === undefined) continue;
    const prototype = (exported as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (method === undefined || paths === undefined) continue;
      for (const each of Array.isArray(paths) ? paths : [paths]) {
        const joined = [base, each]
          .flatMap((part) => part.split('/'))
          .filter((part) => part !== '')
          .join('/');
        routes.push(`${RequestMethod[method]} /${joined}`);
      }
    }
  }
  return routes.sort();
}

/** One HTTP request of the matrix run. */
interface Request {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly fhir?: boolean;
}

/** One call of the matrix run. */
interface Case {
  readonly row: EndpointRow;
  /** Undefined: without a token. */
  readonly principal: MatrixPrincipal | undefined;
  readonly data: 'own' | 'other';
  readonly expect: 'allowed' | 'forbidden' | 'unauthenticated' | 'open';
  readonly request: Request;
  /** Writes that would spoil other cases' data (revoke, close) run after everything else. */
  readonly last: boolean;
}

interface Result {
  readonly case: Case;
  readonly status: number;
  readonly code: string;
}

describe('authorization matrix: every role of every organization x every REST endpoint', () => {
  const gateways = new Map<string, InProcessGateway>();
  const apis = new Map<string, GatewayApi>();
  const tokens = new Map<string, string>();
  const usernames = new Map<string, string>();
  const patientIds = new Map<string, string>();
  const cases: Case[] = [];
  const results: Result[] = [];
  let started = 0;

  const api = (org: string): GatewayApi => {
    const found = apis.get(org);
    if (found === undefined) throw new Error(`no gateway ${org}`);
    return found;
  };
  const token = (label: string): string => {
    const found = tokens.get(label);
    if (found === undefined) throw new Error(`no token for ${label}`);
    return found;
  };
  /** A fixture write: must succeed. */
  const write = async (
    label: string,
    method: string,
    route: string,
    body: unknown,
  ): Promise<Record<string, unknown>> => {
    const org = label.split('/')[0] ?? '';
    const response = await api(org).request(method, route, { token: token(label), body });
    if (response.status >= 300)
      throw new Error(`${label} ${method} ${route}: ${String(response.status)} ${response.text}`);
    return response.body;
  };
  const field = (value: Record<string, unknown>, name: string): string => {
    const found = value[name];
    if (typeof found !== 'string') throw new Error(`no ${name} in ${JSON.stringify(value)}`);
    return found;
  };

  beforeAll(async () => {
    started = Date.now();
    for (const org of ORG_NAMES) {
      const gateway = await startGatewayInProcess(org, { env: { GATEWAY_EVENTS: 'off' } });
      gateways.set(org, gateway);
      apis.set(org, new GatewayApi(gateway.base));
    }
    // Each organization's admin creates one user of every role of its organization.
    await Promise.all(
      ORG_NAMES.map(async (org) => {
        const admin = await api(org).login(bootstrapAdmin.username, bootstrapAdmin.password);
        for (const principal of PRINCIPALS.filter((each) => each.org === org)) {
          const label = principalLabel(principal);
          const username = uniqueName(`az-${principal.role}`);
          const created = await api(org).createUser(admin, {
            username,
            password: PASSWORD,
            role: principal.role,
          });
          if (typeof created.patientId === 'string') patientIds.set(label, created.patientId);
          usernames.set(label, username);
          tokens.set(label, await api(org).login(username, PASSWORD));
        }
      }),
    );
    const pid = (label: string): string => patientIds.get(label) ?? '';
    const [pt, pc, pe] = ['tertiary/patient', 'community/patient', 'enterprise/patient'].map(
      pid,
    ) as [string, string, string];
    const msps = [...new Set(PRINCIPALS.map((each) => each.mspId))];
    const validUntil = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const consentTo = (org: string): Record<string, unknown> => ({
      grantee: { org },
      purposes: ['insurance', 'public-health', 'referral', 'research', 'treatment'],
      categories: ['laboratory', 'outpatient', 'wearable'],
    });
    const record = (patientId: string): Record<string, string> => ({
      recordId: fresh('rec'),
      patientId,
      category: 'outpatient',
      sha256: sha256(patientId),
    });
    const access = (patientId: string): Record<string, unknown> => ({
      patientId,
      purpose: 'treatment',
      categories: ['outpatient'],
    });
    const referral = (patientId: string): Record<string, unknown> => ({
      patientId,
      toOrg: 'CommunityHospitalMSP',
      categories: ['outpatient'],
      validUntil,
    });
    const records = { [pt]: record(pt), [pc]: record(pc), [pe]: record(pe) };

    // Fixtures, through the API.
    const grantedTo: Record<string, string> = {};
    for (const msp of msps)
      grantedTo[msp] = field(
        await write('tertiary/patient', 'POST', '/consents', consentTo(msp)),
        'consentId',
      );
    const ownConsent: Record<string, string> = {
      [pt]: grantedTo.TertiaryHospitalMSP ?? '',
      [pc]: field(
        await write('community/patient', 'POST', '/consents', consentTo('ResearchMSP')),
        'consentId',
      ),
      [pe]: field(
        await write('enterprise/patient', 'POST', '/consents', consentTo('EnterpriseMSP')),
        'consentId',
      ),
    };
    const referralOf: Record<string, string> = {};
    for (const patient of [pt, pc, pe])
      referralOf[patient] = field(
        await write('tertiary/clinician', 'POST', '/referrals', referral(patient)),
        'referralId',
      );
    await write('tertiary/clinician', 'POST', '/records', records[pt]);
    await write('community/clinician', 'POST', '/records', records[pc]);
    await write('tertiary/clinician', 'POST', '/records', records[pe]);
    const accessors: [string, string][] = [
      ['GovMSP', 'gov/analyst'],
      ['TertiaryHospitalMSP', 'tertiary/clinician'],
      ['CommunityHospitalMSP', 'community/clinician'],
      ['EnterpriseMSP', 'enterprise/analyst'],
      ['ResearchMSP', 'research/researcher'],
    ];
    const about: Record<string, string> = {
      TertiaryHospitalMSP: pt,
      CommunityHospitalMSP: pc,
      EnterpriseMSP: pe,
    };
    const eventOf: Record<string, string> = {};
    for (const [msp, label] of accessors)
      eventOf[msp] = field(
        await write(label, 'POST', '/access-requests', access(about[msp] ?? pt)),
        'eventId',
      );
    const eventAbout: Record<string, string> = {
      [pt]: eventOf.TertiaryHospitalMSP ?? '',
      [pc]: eventOf.CommunityHospitalMSP ?? '',
      [pe]: eventOf.EnterpriseMSP ?? '',
    };
    const breakGlass = field(
      await write('tertiary/clinician', 'POST', '/access-requests/emergency', {
        patientId: pt,
        categories: ['outpatient'],
        reasonCode: 'LIFE_THREATENING',
        justification: 'authorization matrix',
      }),
      'eventId',
    );
    const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const today = `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`;
    const fhirConsent = (patientId: string): unknown => ({
      resourceType: 'Consent',
      status: 'active',
      scope: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' },
        ],
      },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      patient: { reference: `Patient/${patientId}` },
      provision: {
        type: 'permit',
        actor: [
          {
            role: {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                  code: 'IRCP',
                },
              ],
            },
            reference: { reference: 'Organization/TertiaryHospitalMSP' },
          },
        ],
        purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }],
        class: [{ system: PROJECT_SYSTEM.dataCategory, code: 'outpatient' }],
      },
    });

    /** The request of a principal (undefined: no token) on its own data or another's. */
    const requestFor = (
      row: EndpointRow,
      p: MatrixPrincipal | undefined,
      data: 'own' | 'other',
    ): Request | undefined => {
      const label = p === undefined ? '' : principalLabel(p);
      const patient = p?.role === 'patient';
      const me = patient ? pid(label) : pt;
      const otherPatient = me === pt ? pc : pt;
      const subject = data === 'own' ? me : otherPatient;
      const mspId = p?.mspId ?? 'TertiaryHospitalMSP';
      const regulator = p?.role === 'regulator';
      const otherMsp =
        mspId === 'TertiaryHospitalMSP' ? 'CommunityHospitalMSP' : 'TertiaryHospitalMSP';
      const consentId = patient
        ? (ownConsent[subject] ?? '')
        : (grantedTo[data === 'own' || regulator ? mspId : otherMsp] ?? '');
      const eventId = patient
        ? (eventAbout[subject] ?? '')
        : (eventOf[data === 'own' || regulator ? mspId : otherMsp] ?? '');
      const scoped = (orgField: string): string => {
        if (patient) return `patientId=${subject}`;
        if (regulator || p === undefined) return '';
        return `${orgField}=${data === 'own' ? mspId : otherMsp}`;
      };
      const wearable = p?.orgType === 'enterprise';
      const newRecord = (category: string): Record<string, string> => ({
        recordId: fresh('new'),
        patientId: pt,
        category,
        sha256: sha256(randomBytes(8).toString('hex')),
      });
      const rec = records[subject];
      const get = (route: string): Request => ({ method: 'GET', path: route });
      const post = (route: string, body: unknown): Request => ({
        method: 'POST',
        path: route,
        body,
      });
      switch (endpointKey(row)) {
        case 'POST /auth/login':
          return post('/auth/login', {
            username: usernames.get(label) ?? bootstrapAdmin.username,
            password: p === undefined ? bootstrapAdmin.password : PASSWORD,
          });
        case 'POST /identities':
          return post('/identities', {
            username: uniqueName('az-new'),
            password: PASSWORD,
            // Another's: a role the organization's type does not issue.
            role:
              data === 'own'
                ? 'analyst'
                : FOREIGN_PRINCIPALS.find((each) => each.org === p?.org && each.role !== '')?.role,
          });
        case 'GET /identities/me':
          return get('/identities/me');
        case 'POST /consents':
          return post('/consents', consentTo('TertiaryHospitalMSP'));
        case 'GET /consents':
          return get(`/consents?${scoped('grantee')}`);
        case 'GET /consents/:consentId':
          return get(`/consents/${consentId}`);
        case 'GET /consents/:consentId/history':
          return get(`/consents/${consentId}/history`);
        case 'PUT /consents/:consentId':
          return {
            method: 'PUT',
            path: `/consents/${consentId}`,
            body: consentTo('TertiaryHospitalMSP'),
          };
        case 'POST /consents/:consentId/revoke':
          return post(`/consents/${consentId}/revoke`, undefined);
        case 'POST /access-requests':
          return post('/access-requests', access(pt));
        case 'POST /access-requests/emergency':
          return post('/access-requests/emergency', {
            patientId: pt,
            categories: ['outpatient'],
            reasonCode: 'URGENT_TREATMENT',
            justification: 'authorization matrix',
          });
        case 'GET /access-decisions':
          return get(`/access-decisions?patientId=${pt}&purpose=treatment&categories=outpatient`);
        case 'POST /referrals':
          return post('/referrals', {
            ...referral(pt),
            toOrg:
              mspId === 'CommunityHospitalMSP' ? 'TertiaryHospitalMSP' : 'CommunityHospitalMSP',
          });
        case 'GET /referrals/:referralId':
          if (data === 'other' && !patient) return undefined;
          return get(`/referrals/${referralOf[subject] ?? ''}`);
        case 'POST /referrals/:referralId/close':
          // Both hospitals of this network are on every referral: no "other" referral exists.
          return data === 'own'
            ? post(`/referrals/${referralOf[pt] ?? ''}/close`, undefined)
            : undefined;
        case 'POST /cohorts':
          return post('/cohorts', { studyId: fresh('study'), categories: ['outpatient'] });
        case 'POST /records':
          if (data === 'own')
            return post('/records', newRecord(wearable ? 'wearable' : 'outpatient'));
          if (wearable) return post('/records', newRecord('outpatient'));
          return post('/records', {
            ...(mspId === 'CommunityHospitalMSP' ? records[pt] : records[pc]),
            sha256: sha256(fresh('v2')),
          });
        case 'POST /records/batches':
          return post('/records/batches', {
            items: [newRecord(wearable && data === 'own' ? 'wearable' : 'outpatient')],
          });
        case 'POST /records/verify':
          return post('/records/verify', { recordId: rec?.recordId, sha256: rec?.sha256 });
        case 'GET /records/:recordId':
          return get(`/records/${rec?.recordId ?? ''}`);
        case 'GET /records/:recordId/proof':
          return get(`/records/${rec?.recordId ?? ''}/proof`);
        case 'GET /audit/access-events':
          return get(`/audit/access-events?${scoped('accessorOrg')}`);
        case 'GET /audit/access-events/export':
          return get(`/audit/access-events/export?format=csv&${scoped('accessorOrg')}`);
        case 'GET /audit/access-events/:eventId':
          return get(`/audit/access-events/${eventId}`);
        case 'GET /audit/access-events/:eventId/proof':
          return get(`/audit/access-events/${eventId}/proof`);
        case 'GET /audit/emergency-reviews':
          return get('/audit/emergency-reviews');
        case 'POST /audit/emergency-reviews/:eventId':
          return post(`/audit/emergency-reviews/${breakGlass}`, { outcome: 'justified' });
        case 'GET /audit/statistics':
          return get(`/audit/statistics?from=${day}T00:00:00.000Z&to=${today}&level=province`);
        case 'GET /events':
          return get('/events');
        case 'GET /health/live':
        case 'GET /health/ready':
        case 'GET /metrics':
        case 'GET /fhir/metadata':
          return get(row.path);
        case 'POST /fhir/Consent':
          return { method: 'POST', path: '/fhir/Consent', body: fhirConsent(subject), fhir: true };
        case 'GET /fhir/Consent':
          return { method: 'GET', path: `/fhir/Consent?patient=Patient/${subject}`, fhir: true };
        case 'GET /fhir/Consent/:id':
          return { method: 'GET', path: `/fhir/Consent/${consentId}`, fhir: true };
        case 'GET /fhir/AuditEvent':
          return { method: 'GET', path: `/fhir/AuditEvent?patient=Patient/${subject}`, fhir: true };
        case 'GET /fhir/Provenance':
          return {
            method: 'GET',
            path: `/fhir/Provenance?target=${rec?.recordId ?? ''}`,
            fhir: true,
          };
        default:
          throw new Error(`no request for ${endpointKey(row)}`);
      }
    };

    const LAST = new Set(['POST /consents/:consentId/revoke', 'POST /referrals/:referralId/close']);
    for (const row of ENDPOINTS) {
      const last = LAST.has(endpointKey(row));
      for (const principal of PRINCIPALS) {
        const expected = expectedForEndpoint(row, principal);
        const own = requestFor(row, principal, 'own');
        if (own === undefined) throw new Error(`no request for ${endpointKey(row)}`);
        cases.push({
          row,
          principal,
          data: 'own',
          expect: expected === 'deny' ? 'forbidden' : 'allowed',
          request: own,
          last,
        });
        const other = expected === 'own' ? requestFor(row, principal, 'other') : undefined;
        if (other !== undefined)
          cases.push({ row, principal, data: 'other', expect: 'forbidden', request: other, last });
      }
      const anonymous = requestFor(row, undefined, 'own');
      if (anonymous === undefined) throw new Error(`no request for ${endpointKey(row)}`);
      cases.push({
        row,
        principal: undefined,
        data: 'own',
        expect: row.public === true ? 'open' : 'unauthenticated',
        request: anonymous,
        last: false,
      });
    }

    const run = async (each: Case): Promise<Result> => {
      const org = each.principal?.org ?? 'tertiary';
      const headers: Record<string, string> = {};
      if (each.principal !== undefined)
        headers.authorization = `Bearer ${token(principalLabel(each.principal))}`;
      if (each.request.path === '/events') {
        // A server-sent event stream: the status is all that matters; stop reading at once.
        const controller = new AbortController();
        const response = await fetch(`${api(org).base}/events`, {
          headers: { ...headers, accept: 'text/event-stream' },
          signal: controller.signal,
        });
        const body = response.ok ? '' : await response.text();
        controller.abort();
        return { case: each, status: response.status, code: codeOf(body, false) };
      }
      const response: ApiResponse<unknown> = await api(org).request(
        each.request.method,
        each.request.path,
        {
          ...(each.principal === undefined ? {} : { token: token(principalLabel(each.principal)) }),
          ...(each.request.body === undefined
            ? {}
            : each.request.fhir === true
              ? {
                  raw: JSON.stringify(each.request.body),
                  headers: { 'content-type': 'application/fhir+json' },
                }
              : { body: each.request.body }),
        },
      );
      return {
        case: each,
        status: response.status,
        code: codeOf(response.text, each.request.fhir === true),
      };
    };
    const first = cases.filter((each) => !each.last);
    results.push(...(await mapLimit(first, CONCURRENCY, run)));
    results.push(
      ...(await mapLimit(
        cases.filter((each) => each.last),
        CONCURRENCY,
        run,
      )),
    );
  }, 900_000);

  afterAll(async () => {
    await Promise.all([...gateways.values()].map((gateway) => gateway.close()));
  });

  it('lists every route of every gateway controller, and nothing else', () => {
    expect(ENDPOINTS.map(endpointKey).sort()).toEqual(controllerRoutes(gateways.get('gov')!.app));
  });

  it('answers 403 FORBIDDEN to every denied call, to no allowed one, and 401 without a token', () => {
    const wrong = results
      .filter((result) => {
        const { status, code } = result;
        switch (result.case.expect) {
          case 'forbidden':
            return status !== 403 || code !== 'FORBIDDEN';
          case 'allowed':
            return status === 403 || status >= 500;
          case 'unauthenticated':
            return status !== 401;
          case 'open':
            return status === 401 || status === 403 || status >= 500;
        }
      })
      .map(
        (result) =>
          `${endpointKey(result.case.row)} as ${result.case.principal === undefined ? 'nobody' : principalLabel(result.case.principal)} (${result.case.data} data, ${result.case.request.method} ${result.case.request.path}): expected ${result.case.expect}, got ${String(result.status)} ${result.code}`,
      );
    expect(wrong).toEqual([]);
    expect(results).toHaveLength(cases.length);
    const count = (expect: Case['expect']): number =>
      results.filter((result) => result.case.expect === expect).length;
    const statuses = new Map<number, number>();
    for (const result of results.filter((each) => each.case.expect === 'allowed'))
      statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
    console.log(
      `[authorization] ${String(results.length)} REST calls (${String(ENDPOINTS.length)} endpoints x ${String(PRINCIPALS.length)} principals + no token, ` +
        `${String(results.filter((r) => r.case.data === 'other').length)} with another's data): ${String(count('allowed'))} allowed ` +
        `(statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}), ${String(count('forbidden'))} 403, ` +
        `${String(count('unauthenticated'))} 401, ${String(count('open'))} open without a token, in ${String(Date.now() - started)} ms`,
    );
  });

  it('lets allowed calls with valid input succeed (2xx)', () => {
    const allowed = results.filter((result) => result.case.expect === 'allowed');
    const close = 'POST /referrals/:referralId/close';
    const failed = allowed
      .filter((result) => endpointKey(result.case.row) !== close && result.status >= 300)
      .map(
        (result) =>
          `${endpointKey(result.case.row)} as ${result.case.principal === undefined ? 'nobody' : principalLabel(result.case.principal)}: ${String(result.status)} ${result.code}`,
      );
    expect(failed).toEqual([]);
    // Both hospitals' clinicians close the same referral: the first closes it, the second is told
    // it is closed already.
    const closes = allowed
      .filter((result) => endpointKey(result.case.row) === close)
      .map((result) => result.status)
      .sort();
    expect(closes).toEqual([200, 409]);
  });
});

/** The error code of an answer: `code` of a JSON error, or FORBIDDEN for a FHIR 'forbidden' issue. */
function codeOf(text: string, fhir: boolean): string {
  try {
    const body = JSON.parse(text) as { code?: unknown; issue?: { code?: unknown }[] };
    if (fhir || body.issue !== undefined) {
      const issue = body.issue?.[0]?.code;
      if (issue === 'forbidden') return 'FORBIDDEN';
      return typeof issue === 'string' ? issue : '';
    }
    return typeof body.code === 'string' ? body.code : '';
  } catch {
    return '';
  }
}

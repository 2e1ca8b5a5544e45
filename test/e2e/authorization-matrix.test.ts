import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAnswer, proposeGuardian, registerPatient } from '@consent-ledger/demo';
import {
  generatePatientKey,
  requestedConsent,
  type ConsentInput,
  type ConsentRequest,
  type ConsentRequestTerms,
  type EnrolmentAnswer,
  type GuardianEnrolmentAnswer,
  type PatientActionName,
  type PatientActions,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import {
  ENDPOINTS,
  FOREIGN_PRINCIPALS,
  HOME_ORGS,
  PRINCIPALS,
  endpointKey,
  expectedForEndpoint,
  principalLabel,
  type EndpointRow,
  type MatrixPrincipal,
} from '../support/authorization-matrix.ts';
import { mapLimit } from '../support/concurrency.ts';
import { startGatewayInProcess, type InProcessGateway } from '../support/gateway-app.ts';
import {
  GatewayApi,
  bootstrapAdmin,
  enrolPatient,
  uniqueName,
  type ApiResponse,
  type GatewayPatient,
} from '../support/gateways.ts';
import { fhirConsent, fhirConsentTerms } from '../support/fhir-consent.ts';
import { signAs } from '../support/identities.ts';

/**
 * The authorization matrix (test/support/authorization-matrix.ts) against the REST API: every
 * organization's gateway runs in this process from the current source with its real CA and peer;
 * each organization's admin creates a staff member of every staff role through POST /identities,
 * each home organization registers a patient who activates a key made here (their session is the
 * `patient` column), and every user calls every endpoint. Refused: 403 with code FORBIDDEN;
 * allowed: neither 403 nor a 5xx; no token: 401 on every endpoint but the open ones. Fixtures
 * (consents, referrals, records, access events, patients waiting for activation, recovery or a
 * guardian's approval) are made through the same API first. A patient's writes are statements
 * signed with the patient's key, made when the request is sent.
 */

const CONCURRENCY = 8;
const PASSWORD = 'authz-matrix-password';
const ORG_NAMES = ['gov', 'tertiary', 'community', 'enterprise', 'research'];
const TERTIARY = 'TertiaryHospitalMSP';
const COMMUNITY = 'CommunityHospitalMSP';
const DAY_MS = 86_400_000;
const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');
const fresh = (prefix: string): string => `authz-${prefix}-${randomBytes(6).toString('hex')}`;
const iso = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();
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
  /** The gateway to send it to, when not the caller's own (a patient's home gateway). */
  readonly org?: string;
  /** A token of a fresh session of the caller, instead of its matrix token (logout ends it). */
  readonly token?: string;
}

/** A request, made when it is sent (a patient's statements are signed then, and expire). */
type Make = () => Promise<Request>;

/** One call of the matrix run. */
interface Case {
  readonly row: EndpointRow;
  /** Undefined: without a token. */
  readonly principal: MatrixPrincipal | undefined;
  readonly data: 'own' | 'other';
  readonly expect: 'allowed' | 'forbidden' | 'unauthenticated' | 'open';
  readonly make: Make;
  /** Writes that would spoil other cases' data run after everything else, in phase order. */
  readonly phase: 0 | 1 | 2 | 3 | 4;
}

interface Result {
  readonly case: Case;
  readonly request: Request;
  readonly status: number;
  readonly code: string;
}

/** A permit covering what the fixtures' accesses, cohorts and anchors ask for. */
function termsTo(org: string): ConsentInput {
  return {
    grantee: { org },
    purposes: ['insurance', 'public-health', 'referral', 'research', 'treatment'],
    categories: ['laboratory', 'outpatient', 'wearable'],
  };
}

const FHIR_TERMS = fhirConsentTerms(TERTIARY);

/** The MSP ID of a principal's label (`tertiary/clinician`). */
function mspOfLabel(label: string): string {
  const found = PRINCIPALS.find((each) => principalLabel(each) === label);
  if (found === undefined) throw new Error(`no principal ${label}`);
  return found.mspId;
}

describe('authorization matrix: every role of every organization x every REST endpoint', () => {
  const gateways = new Map<string, InProcessGateway>();
  const apis = new Map<string, GatewayApi>();
  const tokens = new Map<string, string>();
  const usernames = new Map<string, string>();
  const patients = new Map<string, GatewayPatient>();
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
  const patientOf = (home: string): GatewayPatient => {
    const found = patients.get(home);
    if (found === undefined) throw new Error(`no patient of ${home}`);
    return found;
  };
  /** A fixture write: must succeed. */
  const write = async <T = Record<string, unknown>>(
    label: string,
    method: string,
    route: string,
    body?: unknown,
  ): Promise<T> => {
    const org = label.split('/')[0] ?? '';
    return expectAnswer<T>(api(org), {
      method,
      path: route,
      options: body === undefined ? { token: token(label) } : { token: token(label), body },
    });
  };

  beforeAll(async () => {
    started = Date.now();
    for (const org of ORG_NAMES) {
      const gateway = await startGatewayInProcess(org, {
        env: { GATEWAY_EVENTS: 'off', GATEWAY_LOGIN_RATE_LIMIT: '10000' },
      });
      gateways.set(org, gateway);
      apis.set(org, new GatewayApi(gateway.base));
    }
    // Each organization's admin creates one staff member of every staff role of its
    // organization; each home organization registers a patient, who activates a key of their own.
    const adminTokens = new Map<string, string>();
    await Promise.all(
      ORG_NAMES.map(async (org) => {
        const admin = await api(org).loginAdmin(org);
        adminTokens.set(org, admin);
        for (const principal of PRINCIPALS.filter((each) => each.org === org)) {
          const label = principalLabel(principal);
          if (principal.role === 'patient') {
            const patient = await enrolPatient(api(org), { adminToken: admin });
            patients.set(org, patient);
            usernames.set(label, patient.username);
            tokens.set(label, patient.token);
            continue;
          }
          const username = uniqueName(`az-${principal.role}`);
          await api(org).createUser(admin, { username, password: PASSWORD, role: principal.role });
          usernames.set(label, username);
          tokens.set(label, await api(org).login(username, PASSWORD));
        }
      }),
    );
    const adminToken = (org: string): string => adminTokens.get(org) ?? '';
    const [pt, pc, pe] = HOME_ORGS.map((home) => patientOf(home).patientId) as [
      string,
      string,
      string,
    ];
    const msps = [...new Set(PRINCIPALS.map((each) => each.mspId))];
    const validUntil = iso(30 * DAY_MS);
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
    const records = { [pt]: record(pt), [pc]: record(pc), [pe]: record(pe) };
    /** Who anchored each record (below): record IDs are scoped by their owner, reads name it. */
    const ownerOf: Record<string, string> = { [pt]: TERTIARY, [pc]: COMMUNITY, [pe]: TERTIARY };

    // Fixtures, through the API: consents (signed by the patients), referrals, records, access
    // events of every accessor organization, a break-glass access.
    const grantedTo: Record<string, string> = {};
    for (const msp of msps)
      grantedTo[msp] = (await patientOf('tertiary').grant(termsTo(msp))).consentId;
    const ownConsent: Record<string, string> = {
      [pt]: grantedTo[TERTIARY] ?? '',
      [pc]: (await patientOf('community').grant(termsTo('ResearchMSP'))).consentId,
      [pe]: (await patientOf('enterprise').grant(termsTo('EnterpriseMSP'))).consentId,
    };
    // The grantee organization of each patient's own consent (an update keeps it).
    const grantees: Record<string, string> = {
      [pt]: TERTIARY,
      [pc]: 'ResearchMSP',
      [pe]: 'EnterpriseMSP',
    };
    const referralOf: Record<string, string> = {};
    for (const patientId of [pt, pc])
      referralOf[patientId] = (
        await write<{ referralId: string }>('tertiary/clinician', 'POST', '/referrals', {
          patientId,
          toOrg: COMMUNITY,
          categories: ['outpatient'],
          validUntil,
        })
      ).referralId;
    await write('tertiary/clinician', 'POST', '/records', records[pt]);
    await write('community/clinician', 'POST', '/records', records[pc]);
    await write('tertiary/clinician', 'POST', '/records', records[pe]);
    const accessors: [string, string, string][] = [
      ['GovMSP', 'gov/analyst', pt],
      [TERTIARY, 'tertiary/clinician', pt],
      [COMMUNITY, 'community/clinician', pc],
      ['EnterpriseMSP', 'enterprise/analyst', pe],
      ['ResearchMSP', 'research/researcher', pc],
    ];
    const eventOf: Record<string, string> = {};
    for (const [msp, label, patientId] of accessors)
      eventOf[msp] = (
        await write<{ eventId: string }>(label, 'POST', '/access-requests', access(patientId))
      ).eventId;
    const eventAbout: Record<string, string> = {
      [pt]: eventOf[TERTIARY] ?? '',
      [pc]: eventOf[COMMUNITY] ?? '',
      [pe]: eventOf.EnterpriseMSP ?? '',
    };
    const breakGlass = (
      await write<{ eventId: string }>('tertiary/clinician', 'POST', '/access-requests/emergency', {
        patientId: pt,
        categories: ['outpatient'],
        reasonCode: 'LIFE_THREATENING',
        justification: 'authorization matrix',
      })
    ).eventId;

    // Patients the home admins act on, one per home organization; a recovery and a guardian for
    // the regulator to approve, a guardian to end.
    const managed: Record<string, string> = {};
    for (const home of HOME_ORGS)
      managed[home] = (await enrolPatient(api(home), { adminToken: adminToken(home) })).patientId;
    const tertiaryApi = api('tertiary');
    const proposal = {
      relationship: 'guardian',
      validFrom: iso(-60_000),
      validUntil: iso(30 * DAY_MS),
    } as const;
    const recovering = (await enrolPatient(tertiaryApi, { adminToken: adminToken('tertiary') }))
      .patientId;
    await write('tertiary/admin', 'POST', `/patients/${recovering}/recovery`);
    const proposedFor = (await registerPatient(tertiaryApi, adminToken('tertiary'))).patientId;
    const proposed = await proposeGuardian(tertiaryApi, {
      adminToken: adminToken('tertiary'),
      patientId: proposedFor,
      proposal,
    });
    const endingFor = (await registerPatient(tertiaryApi, adminToken('tertiary'))).patientId;
    const ending = await proposeGuardian(tertiaryApi, {
      adminToken: adminToken('tertiary'),
      patientId: endingFor,
      proposal,
    });
    await write(
      'gov/regulator',
      'POST',
      `/patients/${endingFor}/guardians/${ending.guardianId}/approve`,
    );

    // A first sign-in for every caller (and one without a token): a pending patient each, and an
    // approved guardian each, at the tertiary hospital's gateway.
    const callers = [...PRINCIPALS.map(principalLabel), ''];
    const pending = new Map<string, EnrolmentAnswer>();
    const guardians = new Map<string, GuardianEnrolmentAnswer>();
    await mapLimit(callers, CONCURRENCY, async (label) => {
      pending.set(label, await registerPatient(tertiaryApi, adminToken('tertiary')));
      const guarded = await registerPatient(tertiaryApi, adminToken('tertiary'));
      const guardian = await proposeGuardian(tertiaryApi, {
        adminToken: adminToken('tertiary'),
        patientId: guarded.patientId,
        proposal,
      });
      await write(
        'gov/regulator',
        'POST',
        `/patients/${guarded.patientId}/guardians/${guardian.guardianId}/approve`,
      );
      guardians.set(label, guardian);
    });
    // Consent requests: two to each home's patient (one to approve, one to decline), by a member of
    // the home; one by an accessor of every organization (the one its members read); one by every
    // accessor to a patient of their own (the one it withdraws). Each organization stays within the
    // default limits per patient (the POST cases ask the enterprise's patient).
    const askedBy = (msp: string): ConsentRequestTerms => ({
      grantee: { org: msp },
      purposes: ['treatment'],
      categories: ['outpatient'],
      validUntil: iso(60 * DAY_MS),
    });
    const ask = async (label: string, patientId: string): Promise<ConsentRequest> =>
      (
        await write<{ request: ConsentRequest }>(label, 'POST', '/consent-requests', {
          patientId,
          terms: askedBy(mspOfLabel(label)),
          reason: 'CARE_CONTINUITY',
        })
      ).request;
    const answered: Record<string, { approve: ConsentRequest; decline: ConsentRequest }> = {};
    for (const [label, patientId] of [
      ['tertiary/clinician', pt],
      ['community/clinician', pc],
      ['enterprise/analyst', pe],
    ] as const)
      answered[patientId] = {
        approve: await ask(label, patientId),
        decline: await ask(label, patientId),
      };
    const requestBy: Record<string, string> = {
      [TERTIARY]: answered[pt]?.approve.requestId ?? '',
      [COMMUNITY]: answered[pc]?.approve.requestId ?? '',
      EnterpriseMSP: answered[pe]?.approve.requestId ?? '',
      GovMSP: (await ask('gov/analyst', pe)).requestId,
      ResearchMSP: (await ask('research/researcher', pe)).requestId,
    };
    // A declined request of every organization (the receipt's GET answers only those): asked by
    // one of its accessors, declined by the patient of a home.
    const declinedBy: Record<string, string> = {};
    for (const [msp, label, home] of [
      [TERTIARY, 'tertiary/clinician', 'tertiary'],
      [COMMUNITY, 'community/clinician', 'community'],
      ['EnterpriseMSP', 'enterprise/analyst', 'enterprise'],
      ['GovMSP', 'gov/analyst', 'enterprise'],
      ['ResearchMSP', 'research/researcher', 'enterprise'],
    ] as const) {
      const patient = patientOf(home);
      const { requestId } = await ask(label, patient.patientId);
      await write(`${home}/patient`, 'POST', `/consent-requests/${requestId}/decline`, {
        action: await patient.device.sign('request:DeclineRequest', { requestId }),
      });
      declinedBy[msp] = requestId;
    }
    const declinedFor: Record<string, string> = {
      [pt]: declinedBy[TERTIARY] ?? '',
      [pc]: declinedBy[COMMUNITY] ?? '',
      [pe]: declinedBy.EnterpriseMSP ?? '',
    };
    const withdrawable = (await registerPatient(tertiaryApi, adminToken('tertiary'))).patientId;
    const withdrawOf = new Map<string, string>();
    for (const principal of PRINCIPALS.filter((each) =>
      ['analyst', 'clinician', 'researcher'].includes(each.role),
    ))
      withdrawOf.set(
        principalLabel(principal),
        (await ask(principalLabel(principal), withdrawable)).requestId,
      );
    const day = new Date(Date.now() - 2 * DAY_MS).toISOString().slice(0, 10);
    const today = `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`;
    /** Device keys a patient added (phase 0), removed again in phase 1. */
    const addedKeys = new Map<string, string>();

    /** The request of a principal (undefined: no token) on its own data or another's. */
    const requestFor = (
      row: EndpointRow,
      p: MatrixPrincipal | undefined,
      data: 'own' | 'other',
    ): Make | undefined => {
      const label = p === undefined ? '' : principalLabel(p);
      const own = data === 'own';
      const isPatient = p?.role === 'patient';
      const home = p !== undefined && HOME_ORGS.includes(p.org) ? p.org : 'tertiary';
      const otherHome = home === 'tertiary' ? 'community' : 'tertiary';
      const me = isPatient ? patientOf(home) : patientOf('tertiary');
      const other = patientOf(me.patientId === pt ? 'community' : 'tertiary');
      const subject = own ? me : other;
      const mspId = p?.mspId ?? TERTIARY;
      const regulator = p?.role === 'regulator';
      const admin = p?.role === 'admin';
      const otherMsp = mspId === TERTIARY ? COMMUNITY : TERTIARY;
      // A consent or event a staff member reads as its own (its organization's), or may not read.
      const staffConsent =
        own || regulator ? (grantedTo[mspId] ?? '') : (grantedTo[otherMsp] ?? '');
      const foreignConsent =
        admin && !own && mspId === TERTIARY ? (ownConsent[pc] ?? '') : staffConsent;
      const consentId = isPatient ? (ownConsent[subject.patientId] ?? '') : foreignConsent;
      const staffEvent = eventOf[own || regulator ? mspId : otherMsp] ?? '';
      const eventId = isPatient
        ? (eventAbout[subject.patientId] ?? '')
        : admin && !own && mspId === TERTIARY
          ? (eventOf[COMMUNITY] ?? '')
          : staffEvent;
      const scoped = (orgField: string): string => {
        if (isPatient) return `patientId=${subject.patientId}`;
        if (regulator || p === undefined) return '';
        return `${orgField}=${own ? mspId : otherMsp}`;
      };
      const wearable = p?.orgType === 'enterprise';
      const newRecord = (category: string): Record<string, string> => ({
        recordId: fresh('new'),
        patientId: pt,
        category,
        sha256: sha256(randomBytes(8).toString('hex')),
      });
      const rec = records[subject.patientId];
      const recOwner = ownerOf[subject.patientId] ?? '';
      const ready =
        (request: Request): Make =>
        () =>
          Promise.resolve(request);
      const get = (route: string): Make => ready({ method: 'GET', path: route });
      const post = (route: string, body?: unknown): Make =>
        ready({ method: 'POST', path: route, ...(body === undefined ? {} : { body }) });
      /** A statement signed with the caller's key: for its own patient, or naming another. */
      const statement = <A extends PatientActionName>(
        action: A,
        payload: PatientActions[A],
      ): Promise<SignedAction<A>> =>
        own
          ? me.device.sign(action, payload)
          : signAs(me.device.key, { patientId: other.patientId, action, payload });
      const versionOf = async (consent: string): Promise<number> =>
        (
          await expectAnswer<{ version: number }>(api(home), {
            method: 'GET',
            path: `/consents/${consent}`,
            options: { token: token(label) },
          })
        ).version;
      const credentials = {
        username: usernames.get(label) ?? bootstrapAdmin('tertiary').username,
        password:
          p === undefined
            ? bootstrapAdmin('tertiary').password
            : isPatient
              ? patientOf(home).password
              : PASSWORD,
      };
      /** A new session of the caller (the bootstrap admin's without a caller), at its gateway. */
      const freshSession = async (): Promise<{ accessToken: string; refreshToken: string }> =>
        expectAnswer<{ accessToken: string; refreshToken: string }>(api(p?.org ?? 'tertiary'), {
          method: 'POST',
          path: '/auth/login',
          options: { body: credentials },
        });
      /** The user an admin acts on: a new staff member of its organization (others are refused first). */
      const userAction = (action: string): Make =>
        admin
          ? async () => {
              const username = uniqueName('az-target');
              await api(p.org).createUser(adminToken(p.org), {
                username,
                password: PASSWORD,
                role: 'admin',
              });
              return { method: 'POST', path: `/identities/${username}/${action}` };
            }
          : post(`/identities/${bootstrapAdmin(p?.org ?? 'tertiary').username}/${action}`);
      switch (endpointKey(row)) {
        // No gateway of the matrix trusts an identity provider: these answer 404 (never 401 or
        // 403); test/e2e/gateway-oidc.test.ts signs in through a real provider.
        case 'GET /auth/providers':
          return get('/auth/providers');
        case 'GET /auth/oidc/login':
          return get('/auth/oidc/login');
        case 'GET /auth/oidc/callback':
          return get('/auth/oidc/callback?code=matrix&state=matrix');
        case 'POST /auth/oidc/session':
          return post('/auth/oidc/session', { handoff: 'A'.repeat(43) });
        case 'POST /auth/login':
          return post('/auth/login', credentials);
        case 'POST /auth/refresh':
          return async () => ({
            method: 'POST',
            path: '/auth/refresh',
            body: { refreshToken: (await freshSession()).refreshToken },
          });
        case 'POST /auth/logout':
        case 'POST /auth/logout-everywhere':
          return p === undefined
            ? post(row.path)
            : async () => ({
                method: 'POST',
                path: row.path,
                token: (await freshSession()).accessToken,
              });
        case 'GET /identities':
          return get('/identities');
        case 'POST /identities/:username/disable':
          return userAction('disable');
        case 'POST /identities/:username/enable':
          return userAction('enable');
        case 'POST /identities/:username/end-sessions':
          return userAction('end-sessions');
        case 'POST /identities':
          return post('/identities', {
            username: uniqueName('az-new'),
            password: PASSWORD,
            // Another's: a role the organization's type does not issue.
            role: own
              ? 'analyst'
              : FOREIGN_PRINCIPALS.find((each) => each.org === p?.org && each.role !== '')?.role,
          });
        case 'GET /identities/me':
          return get('/identities/me');
        case 'GET /ledger':
          return get('/ledger');
        case 'POST /patients':
          return post('/patients', {});
        case 'POST /patients/activate': {
          const enrolment = pending.get(label);
          if (enrolment === undefined) throw new Error(`no pending patient for ${label}`);
          return async () => {
            const key = await generatePatientKey();
            const action = await signAs(key, {
              patientId: enrolment.patientId,
              action: 'patient:ActivatePatient',
              payload: { publicKey: key.publicKey, enrolmentCode: enrolment.enrolmentCode },
            });
            return {
              method: 'POST',
              path: '/patients/activate',
              org: 'tertiary',
              body: { username: uniqueName('az-act'), password: PASSWORD, action },
            };
          };
        }
        case 'POST /guardians/activate': {
          const enrolment = guardians.get(label);
          if (enrolment === undefined) throw new Error(`no guardian for ${label}`);
          return async () => {
            const key = await generatePatientKey();
            const { patientId, guardianId, enrolmentCode } = enrolment;
            const action = await signAs(key, {
              patientId,
              guardianId,
              action: 'patient:ActivateGuardian',
              payload: { publicKey: key.publicKey, enrolmentCode, guardianId },
            });
            return {
              method: 'POST',
              path: '/guardians/activate',
              org: 'tertiary',
              body: { username: uniqueName('az-gd'), password: PASSWORD, action },
            };
          };
        }
        case 'GET /patients/me':
          return get('/patients/me');
        case 'GET /inbox':
          return get('/inbox');
        case 'GET /inbox/unread':
          return get('/inbox/unread');
        case 'POST /inbox/:itemId/read':
          return post('/inbox/1/read');
        case 'POST /inbox/read-all':
          return post('/inbox/read-all', {});
        case 'POST /patients/me/devices':
          return async () => {
            const key = await generatePatientKey();
            if (own) addedKeys.set(label, key.keyId);
            return {
              method: 'POST',
              path: '/patients/me/devices',
              body: { action: await statement('patient:AddDevice', { publicKey: key.publicKey }) },
            };
          };
        case 'POST /patients/me/devices/remove':
          return async () => ({
            method: 'POST',
            path: '/patients/me/devices/remove',
            body: {
              action: await statement('patient:RemoveDevice', {
                keyId: addedKeys.get(label) ?? me.device.key.keyId,
              }),
            },
          });
        case 'GET /patients/:patientId':
          return get(`/patients/${managed[own ? home : otherHome] ?? ''}`);
        case 'POST /patients/:patientId/recovery':
          return post(`/patients/${managed[own ? home : otherHome] ?? ''}/recovery`);
        case 'POST /patients/:patientId/recovery/approve':
          return post(`/patients/${recovering}/recovery/approve`);
        case 'POST /patients/:patientId/guardians':
          return post(`/patients/${managed[own ? home : otherHome] ?? ''}/guardians`, proposal);
        case 'POST /patients/:patientId/guardians/:guardianId/approve':
          return post(`/patients/${proposedFor}/guardians/${proposed.guardianId}/approve`);
        case 'POST /patients/:patientId/guardians/:guardianId/end':
          return post(`/patients/${endingFor}/guardians/${ending.guardianId}/end`);
        case 'POST /consents':
          return async () => ({
            method: 'POST',
            path: '/consents',
            body: { action: await statement('consent:GrantConsent', termsTo(TERTIARY)) },
          });
        case 'GET /consents':
          return get(`/consents?${scoped('grantee')}`);
        case 'GET /consents/:consentId':
          return get(`/consents/${consentId}`);
        case 'GET /consents/:consentId/history':
          return get(`/consents/${consentId}/history`);
        case 'GET /consents/:consentId/proof':
          return get(`/consents/${consentId}/proof`);
        case 'GET /consents/:consentId/receipt':
          return get(`/consents/${consentId}/receipt`);
        case 'POST /notices':
          return post('/notices', {
            noticeId: `matrix-${uniqueName('n').slice(2)}`,
            version: 1,
            texts: { 'zh-CN': '矩阵测试告知书', en: 'Matrix notice' },
          });
        case 'GET /notices':
          return get('/notices?org=TertiaryHospitalMSP');
        case 'GET /notices/:org/:noticeId/:version':
          return get('/notices/TertiaryHospitalMSP/consent-sharing/1');
        case 'GET /notices/:org/:noticeId/use':
          return get('/notices/TertiaryHospitalMSP/consent-sharing/use');
        case 'PUT /consents/:consentId':
          return async () => ({
            method: 'PUT',
            path: `/consents/${consentId}`,
            body: {
              action: await statement('consent:UpdateConsent', {
                ...termsTo(own ? (grantees[subject.patientId] ?? TERTIARY) : TERTIARY),
                consentId,
                expectedVersion: own && isPatient ? await versionOf(consentId) : 1,
              }),
            },
          });
        case 'POST /consents/:consentId/revoke':
          return async () => ({
            method: 'POST',
            path: `/consents/${consentId}/revoke`,
            body: {
              action: await statement('consent:RevokeConsent', {
                consentId,
                expectedVersion: own && isPatient ? await versionOf(consentId) : 1,
              }),
            },
          });
        case 'POST /consents/:consentId/erase':
          return async () => ({
            method: 'POST',
            path: `/consents/${consentId}/erase`,
            body: { action: await statement('consent:EraseConsent', { consentId }) },
          });
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
            patientId: pt,
            toOrg: mspId === COMMUNITY ? TERTIARY : COMMUNITY,
            categories: ['outpatient'],
            validUntil,
          });
        case 'GET /referrals/:referralId':
          if (!own && !isPatient) return undefined;
          return get(
            `/referrals/${referralOf[isPatient ? subject.patientId : pt] ?? referralOf[pt] ?? ''}`,
          );
        case 'POST /referrals/:referralId/close':
          // Both hospitals of this network are on every referral: no "other" referral exists.
          return own ? post(`/referrals/${referralOf[pt] ?? ''}/close`) : undefined;
        case 'POST /consent-requests':
          return post('/consent-requests', {
            patientId: pe,
            terms: askedBy(mspId),
            reason: 'FOLLOW_UP',
          });
        case 'GET /consent-requests':
          return get(`/consent-requests?${scoped('requesterOrg')}`);
        case 'GET /consent-requests/limits':
          return get('/consent-requests/limits');
        case 'PUT /consent-requests/limits':
          // The defaults again: the other cases and suites keep the limits they expect.
          return ready({
            method: 'PUT',
            path: '/consent-requests/limits',
            body: { maxOpen: 3, maxPerWindow: 5 },
          });
        case 'GET /consent-requests/:requestId': {
          const requestId = isPatient
            ? (answered[subject.patientId]?.approve.requestId ?? '')
            : (requestBy[own || regulator ? mspId : otherMsp] ?? '');
          return get(`/consent-requests/${requestId}`);
        }
        case 'GET /consent-requests/:requestId/receipt': {
          const requestId = isPatient
            ? (declinedFor[subject.patientId] ?? '')
            : (declinedBy[own || regulator ? mspId : otherMsp] ?? '');
          return get(`/consent-requests/${requestId}/receipt`);
        }
        case 'POST /consent-requests/:requestId/approve': {
          const asked = answered[subject.patientId]?.approve;
          if (asked === undefined) throw new Error(`no request to ${subject.patientId}`);
          return async () => ({
            method: 'POST',
            path: `/consent-requests/${asked.requestId}/approve`,
            body: {
              action: await statement('request:ApproveRequest', {
                requestId: asked.requestId,
                consent: requestedConsent(asked.terms),
              }),
            },
          });
        }
        case 'POST /consent-requests/:requestId/decline': {
          const asked = answered[subject.patientId]?.decline;
          if (asked === undefined) throw new Error(`no request to ${subject.patientId}`);
          return async () => ({
            method: 'POST',
            path: `/consent-requests/${asked.requestId}/decline`,
            body: {
              action: await statement('request:DeclineRequest', {
                requestId: asked.requestId,
                reason: 'NOT_NEEDED',
              }),
            },
          });
        }
        case 'POST /consent-requests/:requestId/withdraw': {
          const mine = withdrawOf.get(label);
          const foreign = [...withdrawOf.entries()].find(
            ([each]) => mspOfLabel(each) !== mspId,
          )?.[1];
          // Principals that make no requests (admins, patients) are refused by role: any will do.
          return post(`/consent-requests/${(own ? (mine ?? foreign) : foreign) ?? ''}/withdraw`);
        }
        case 'POST /cohorts':
          return post('/cohorts', { studyId: fresh('study'), categories: ['outpatient'] });
        case 'GET /research/thresholds':
          return get('/research/thresholds');
        case 'PUT /research/thresholds/:region':
          // A region no organization of the network is in: changes no other case's outcome.
          return ready({
            method: 'PUT',
            path: '/research/thresholds/110000',
            body: { minCohortSize: 0, ethicsApprovalRequired: false },
          });
        case 'GET /research/refusals':
          return get('/research/refusals?pageSize=1');
        case 'POST /records':
          if (wearable) return post('/records', newRecord(own ? 'wearable' : 'outpatient'));
          // The community hospital's clinician anchors the tertiary hospital's record ID: a record
          // of its own (record IDs are scoped by their owner; it used to be refused, squatting).
          // One caller only: two would race for the same new record (MVCC).
          return post(
            '/records',
            mspId === COMMUNITY && p?.role === 'clinician'
              ? { ...records[pt], sha256: sha256(fresh('squat')) }
              : newRecord('outpatient'),
          );
        case 'POST /records/batches':
          return post('/records/batches', {
            items: [newRecord(wearable && own ? 'wearable' : 'outpatient')],
          });
        case 'POST /records/verify':
          return post('/records/verify', {
            recordId: rec?.recordId,
            sha256: rec?.sha256,
            owner: recOwner,
          });
        case 'GET /records/by-hash/:sha256':
          return get(`/records/by-hash/${rec?.sha256 ?? ''}`);
        case 'GET /records/:recordId':
          return get(`/records/${rec?.recordId ?? ''}?owner=${recOwner}`);
        case 'GET /records/:recordId/proof':
          return get(`/records/${rec?.recordId ?? ''}/proof?owner=${recOwner}`);
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
          return post(`/audit/emergency-reviews/${breakGlass}`, {
            outcome: 'justified',
            comment: 'authorization matrix',
          });
        case 'GET /audit/emergency-reviews/:eventId':
          return get(`/audit/emergency-reviews/${breakGlass}`);
        case 'GET /audit/statistics':
          return get(`/audit/statistics?from=${day}T00:00:00.000Z&to=${today}&level=province`);
        case 'GET /open/statistics':
          // Published by the government's gateway, whoever asks.
          return ready({
            method: 'GET',
            path: `/open/statistics?from=${day}&to=${day}`,
            org: 'gov',
          });
        case 'GET /events':
          return get('/events');
        case 'GET /health/live':
        case 'GET /health/ready':
        case 'GET /metrics':
        case 'GET /fhir/metadata':
          return get(row.path);
        case 'POST /fhir/Consent':
          return async () => ({
            method: 'POST',
            path: '/fhir/Consent',
            body: fhirConsent({
              patientId: subject.patientId,
              action: await statement('consent:GrantConsent', FHIR_TERMS),
              grantee: TERTIARY,
            }),
            fhir: true,
          });
        case 'GET /fhir/Consent':
          return ready({
            method: 'GET',
            path: `/fhir/Consent?patient=Patient/${subject.patientId}`,
            fhir: true,
          });
        case 'POST /fhir/Consent/_search':
          return ready({
            method: 'POST',
            path: '/fhir/Consent/_search',
            body: { patient: `Patient/${subject.patientId}` },
            fhir: true,
          });
        case 'GET /fhir/Consent/:id':
          return ready({ method: 'GET', path: `/fhir/Consent/${consentId}`, fhir: true });
        case 'PUT /fhir/Consent/:id': {
          // An update keeps the consent's grantee organization (the ledger's rule).
          const org = own ? (grantees[subject.patientId] ?? TERTIARY) : TERTIARY;
          return async () => ({
            method: 'PUT',
            path: `/fhir/Consent/${consentId}`,
            body: fhirConsent({
              patientId: subject.patientId,
              action: await statement('consent:UpdateConsent', {
                ...FHIR_TERMS,
                grantee: { org },
                consentId,
                expectedVersion: own && isPatient ? await versionOf(consentId) : 1,
              }),
              grantee: org,
              id: consentId,
            }),
            fhir: true,
          });
        }
        case 'GET /fhir/Consent/:id/_history':
          return ready({ method: 'GET', path: `/fhir/Consent/${consentId}/_history`, fhir: true });
        case 'GET /fhir/Consent/:id/_history/:vid':
          return ready({
            method: 'GET',
            path: `/fhir/Consent/${consentId}/_history/1`,
            fhir: true,
          });
        case 'POST /fhir/AuditEvent/_search':
          return ready({
            method: 'POST',
            path: '/fhir/AuditEvent/_search',
            body: { patient: `Patient/${subject.patientId}` },
            fhir: true,
          });
        case 'GET /fhir/AuditEvent/:id':
          return ready({ method: 'GET', path: `/fhir/AuditEvent/${eventId}`, fhir: true });
        case 'POST /fhir/Provenance/_search':
          return ready({
            method: 'POST',
            path: '/fhir/Provenance/_search',
            body: { target: rec?.recordId ?? '', agent: `Organization/${recOwner}` },
            fhir: true,
          });
        case 'ALL /fhir':
          return ready({ method: 'GET', path: '/fhir', fhir: true });
        case 'ALL /fhir/*path':
          return ready({ method: 'GET', path: '/fhir/Patient', fhir: true });
        case 'GET /fhir/AuditEvent':
          return ready({
            method: 'GET',
            path: `/fhir/AuditEvent?patient=Patient/${subject.patientId}`,
            fhir: true,
          });
        case 'GET /fhir/Provenance':
          return ready({
            method: 'GET',
            path: `/fhir/Provenance?target=${rec?.recordId ?? ''}&agent=Organization/${recOwner}`,
            fhir: true,
          });
        default:
          throw new Error(`no request for ${endpointKey(row)}`);
      }
    };
    const PHASE: Readonly<Record<string, 1 | 2 | 3 | 4>> = {
      // After the REST update of the same consent (phase 0), before its revocation.
      'PUT /fhir/Consent/:id': 1,
      'POST /consents/:consentId/revoke': 2,
      'POST /referrals/:referralId/close': 1,
      // The comment of the review made in phase 0.
      'GET /audit/emergency-reviews/:eventId': 1,
      'POST /patients/me/devices/remove': 1,
      'POST /patients/:patientId/recovery': 1,
      'POST /consents/:consentId/erase': 3,
      // Ends every session of the caller, the matrix's own token included: last of all.
      'POST /auth/logout-everywhere': 4,
    };
    for (const row of ENDPOINTS) {
      const phase = PHASE[endpointKey(row)] ?? 0;
      for (const principal of PRINCIPALS) {
        const expected = expectedForEndpoint(row, principal);
        const own = requestFor(row, principal, 'own');
        if (own === undefined) throw new Error(`no request for ${endpointKey(row)}`);
        cases.push({
          row,
          principal,
          data: 'own',
          expect: expected === 'deny' ? 'forbidden' : 'allowed',
          make: own,
          phase,
        });
        const other = expected === 'own' ? requestFor(row, principal, 'other') : undefined;
        if (other !== undefined)
          cases.push({ row, principal, data: 'other', expect: 'forbidden', make: other, phase });
      }
      const anonymous = requestFor(row, undefined, 'own');
      if (anonymous === undefined) throw new Error(`no request for ${endpointKey(row)}`);
      cases.push({
        row,
        principal: undefined,
        data: 'own',
        expect: row.public === true ? 'open' : 'unauthenticated',
        make: anonymous,
        phase: 0,
      });
    }

    const run = async (each: Case): Promise<Result> => {
      const request = await each.make();
      const org = request.org ?? each.principal?.org ?? 'tertiary';
      const headers: Record<string, string> = {};
      const bearer =
        each.principal === undefined
          ? undefined
          : (request.token ?? token(principalLabel(each.principal)));
      if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
      if (request.path === '/events') {
        // A server-sent event stream: the status is all that matters; stop reading at once.
        const controller = new AbortController();
        const response = await fetch(`${api(org).base}/events`, {
          headers: { ...headers, accept: 'text/event-stream' },
          signal: controller.signal,
        });
        const body = response.ok ? '' : await response.text();
        controller.abort();
        return { case: each, request, status: response.status, code: codeOf(body, false) };
      }
      const response: ApiResponse<unknown> = await api(org).request(request.method, request.path, {
        ...(bearer === undefined ? {} : { token: bearer }),
        ...(request.body === undefined
          ? {}
          : request.fhir === true
            ? {
                raw: JSON.stringify(request.body),
                headers: { 'content-type': 'application/fhir+json' },
              }
            : { body: request.body }),
      });
      return {
        case: each,
        request,
        status: response.status,
        code: codeOf(response.text, request.fhir === true),
      };
    };
    for (const phase of [0, 1, 2, 3, 4] as const)
      results.push(
        ...(await mapLimit(
          cases.filter((each) => each.phase === phase),
          CONCURRENCY,
          run,
        )),
      );
  }, 1_500_000);

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
          `${endpointKey(result.case.row)} as ${result.case.principal === undefined ? 'nobody' : principalLabel(result.case.principal)} (${result.case.data} data, ${result.request.method} ${result.request.path}): expected ${result.case.expect}, got ${String(result.status)} ${result.code}`,
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
    // A browser's sign-in through an identity provider, which no gateway of the matrix trusts:
    // 404 to everyone (test/e2e/gateway-oidc.test.ts drives them through a real provider).
    const signIn = new Set([
      'GET /auth/oidc/login',
      'GET /auth/oidc/callback',
      'POST /auth/oidc/session',
    ]);
    // What /fhir does not serve: 404 or 405 OperationOutcome to everyone, token or not.
    const unsupported = new Set(['ALL /fhir', 'ALL /fhir/*path']);
    // The matrix's gateways listen to no blocks (GATEWAY_EVENTS=off): a patient's inbox is empty,
    // and marking an item read is 404 (test/e2e/inbox.test.ts marks real items).
    const markRead = 'POST /inbox/:itemId/read';
    const failed = allowed
      .filter(
        (result) =>
          endpointKey(result.case.row) !== close &&
          endpointKey(result.case.row) !== markRead &&
          !signIn.has(endpointKey(result.case.row)) &&
          !unsupported.has(endpointKey(result.case.row)) &&
          result.status >= 300,
      )
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
    const marks = allowed.filter((result) => endpointKey(result.case.row) === markRead);
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.filter((result) => result.status !== 404 || result.code !== 'NOT_FOUND')).toEqual(
      [],
    );
    const signIns = results.filter((result) => signIn.has(endpointKey(result.case.row)));
    expect(signIns.length).toBe(3 * (PRINCIPALS.length + 1));
    expect(
      signIns.filter((result) => result.status !== 404 || result.code !== 'NOT_FOUND'),
    ).toEqual([]);
    const refusals = results.filter((result) => unsupported.has(endpointKey(result.case.row)));
    expect(refusals.length).toBe(2 * (PRINCIPALS.length + 1));
    expect(
      refusals
        .filter((result) => result.status !== 404 && result.status !== 405)
        .concat(refusals.filter((result) => result.code !== 'not-supported')),
    ).toEqual([]);
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

import {
  activateGuardian,
  activatePatient,
  expectAnswer,
  registerPatient,
  type PatientSession,
} from '@consent-ledger/demo';
import {
  createLedgerBlockTracker,
  createSessionKeeper,
  isTokenExpired,
  type AccessToken,
  type BindingWrite,
  type GuardianRelationship,
  type PatientRegistrationRequest,
} from '@consent-ledger/ledger-api';
import { adminCredentials, gatewayUrl, type AdminCredentials } from '@consent-ledger/network';
import { org, waitForPeersToCatchUp } from './ledger.ts';

/** Base URL of an organization's running gateway (from the topology; GATEWAY_PORT_<ORG> overrides). */
export function gatewayBase(orgName: string): string {
  return gatewayUrl(org(orgName));
}

/**
 * An organization's bootstrap admin, as its gateways (the running one and those started in
 * process) were given it: GATEWAY_ADMIN_PASSWORD, or the password `npm start` generated (0600).
 */
export function bootstrapAdmin(orgName: string): AdminCredentials {
  return adminCredentials(orgName);
}

/** A JSON answer of a gateway. */
export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
  readonly headers: Headers;
}

/** The sessions of every token this process got from a gateway (login, activation, refresh). */
const sessionKeeper = createSessionKeeper();

/** Remembers the session of an answer that carries tokens. */
function keepSession(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const { accessToken, refreshToken } = body as Record<string, unknown>;
  if (typeof accessToken === 'string' && typeof refreshToken === 'string')
    sessionKeeper.remember({ accessToken, refreshToken });
}

/**
 * The highest block a write of this test file was committed in (the gateways' `Ledger-Block`).
 * Every request sends it as `Ledger-Min-Block`, so that a read through one organization's gateway
 * right after a write through another's sees the write: that gateway answers once its own peer has
 * the block (gateway/src/ledger/ledger-position.ts). A person needs longer than a block's journey
 * between two organizations' peers; a test does not.
 */
const blocks = createLedgerBlockTracker();

/** Options of one request. */
export interface ApiRequest {
  readonly token?: string;
  readonly body?: unknown;
  /** A multipart form instead of a JSON body. */
  readonly form?: FormData;
  /** A raw body sent as application/json (to send malformed JSON). */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

/**
 * Methods sent once more when the connection fails before any answer (RFC 9110 §9.2.2 allows it
 * for idempotent methods; Go's HTTP transport and browsers do it for a reused connection). A
 * keep-alive connection the server closes as idle while a request is put on it fails so: with a
 * gateway started in this process both ends share one event loop, so a test that keeps the loop
 * busy past the server's keep-alive timeout sends its next requests on connections whose close is
 * only then processed. Writes are not sent again: the test states what each write may do.
 */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether fetch failed because the connection was reset or closed under the request. */
function isConnectionReset(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const { code } = cause as Error & { code?: unknown };
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return true;
  }
  return false;
}

/** A small HTTP client of one organization's gateway (fetch, JSON). */
export class GatewayApi {
  readonly base: string;
  /** The organization whose gateway this is, when known (for {@link GatewayApi.loginAdmin}). */
  readonly org: string | undefined;

  constructor(base: string, org?: string) {
    this.base = base;
    this.org = org;
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: ApiRequest = {},
  ): Promise<ApiResponse<T>> {
    const first = await this.#send<T>(method, path, options);
    const handle = options.token;
    // A session's access token lives minutes; a test may run longer: refresh it and try again.
    if (
      handle !== undefined &&
      isTokenExpired(first.status, first.body) &&
      (await sessionKeeper.renew(handle, async (refreshToken) => {
        const answer = await this.#send<AccessToken>('POST', '/auth/refresh', {
          body: { refreshToken },
        });
        return answer.status === 200 ? answer.body : undefined;
      }))
    )
      return this.#send<T>(method, path, options);
    return first;
  }

  async #send<T>(method: string, path: string, options: ApiRequest): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    blocks.stamp(headers);
    if (options.token !== undefined)
      headers.authorization = `Bearer ${sessionKeeper.current(options.token)}`;
    let body: string | FormData | undefined;
    if (options.form !== undefined) body = options.form;
    else if (options.raw !== undefined) {
      headers['content-type'] = 'application/json';
      body = options.raw;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const send = () =>
      fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(120_000),
      });
    const response = await send()
      .catch((error: unknown) => {
        if (!IDEMPOTENT_METHODS.has(method) || !isConnectionReset(error)) throw error;
        console.warn(
          `${method} ${this.base}${path}: connection reset before an answer, sent again`,
        );
        return send();
      })
      .catch((error: unknown) => {
        // fetch names no request in its errors (a reset, a refused connection): say which failed.
        throw new Error(`${method} ${this.base}${path} failed`, { cause: error });
      });
    blocks.note(response.headers);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    keepSession(parsed);
    return { status: response.status, body: parsed as T, text, headers: response.headers };
  }

  get<T = Record<string, unknown>>(path: string, token?: string): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, token === undefined ? {} : { token });
  }

  post<T = Record<string, unknown>>(
    path: string,
    options: ApiRequest = {},
  ): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, options);
  }

  /** Logs in; throws unless the gateway answers a token. */
  /** Logs in as the bootstrap admin of this gateway's organization ({@link bootstrapAdmin}). */
  loginAdmin(orgName = this.org): Promise<string> {
    if (orgName === undefined)
      throw new Error(`the organization of ${this.base} is not known: name it, or pass a token`);
    const admin = bootstrapAdmin(orgName);
    return this.login(admin.username, admin.password);
  }

  async login(username: string, password: string): Promise<string> {
    const response = await this.post<{ accessToken?: string }>('/auth/login', {
      body: { username, password },
    });
    if (response.status !== 200 || response.body.accessToken === undefined)
      throw new Error(
        `login ${username} at ${this.base}: ${String(response.status)} ${response.text}`,
      );
    return response.body.accessToken;
  }

  /**
   * Creates a staff member with the admin's token (POST /identities); answers the created
   * identity. Patients are not created this way: see {@link enrolPatient}.
   */
  async createUser(
    adminToken: string,
    user: Readonly<{
      username: string;
      password: string;
      role: string;
      practitionerId?: string;
      institution?: string;
    }>,
  ): Promise<Record<string, unknown>> {
    const response = await this.post('/identities', { token: adminToken, body: user });
    if (response.status !== 201)
      throw new Error(`create ${user.username}: ${String(response.status)} ${response.text}`);
    return response.body;
  }
}

/** A staff member created through a gateway's identity endpoint, logged in. */
export interface SignedInUser {
  readonly username: string;
  readonly token: string;
  /** Always undefined: staff have no pseudonym (kept for callers that read it). */
  readonly patientId: string | undefined;
}

/** Creates a staff member with the admin's token (throws unless created) and logs them in. */
export async function createSignedInUser(
  api: GatewayApi,
  adminToken: string,
  user: Parameters<GatewayApi['createUser']>[1],
): Promise<SignedInUser> {
  const created = await api.createUser(adminToken, user);
  const token = await api.login(user.username, user.password);
  const { patientId } = created;
  return {
    username: user.username,
    token,
    patientId: typeof patientId === 'string' ? patientId : undefined,
  };
}

/** The gateway client of an organization by short name (gov, tertiary, community, enterprise, research). */
export function gateway(orgName: string): GatewayApi {
  return new GatewayApi(gatewayBase(orgName), orgName);
}

/** The password of the patients and guardians {@link enrolPatient} and {@link bindGuardian} make. */
export const PATIENT_PASSWORD = 'patient-pass-phrase-41';

/**
 * A patient made the one way the tests and the demo make patients (the demo's patient kit):
 * registered by an admin of the home organization, activated on a device whose key is made here
 * (WebCrypto, in memory; it never reaches a gateway), signed in at the home gateway, acting only
 * through statements signed with that key.
 */
export interface GatewayPatient extends PatientSession {
  /** The home gateway. */
  readonly api: GatewayApi;
  readonly password: string;
  /** The registration's transaction. */
  readonly registrationTxId: string;
}

/** Options of {@link enrolPatient}. */
export interface EnrolOptions {
  /** A token of an admin of the home organization (the bootstrap admin's by default). */
  readonly adminToken?: string;
  /** The session account's username (unique by default). */
  readonly username?: string;
  /** For a minor: the day of coming of age. */
  readonly adultFrom?: string;
  /** Keep the device key in this file instead of memory. */
  readonly keyFile?: string;
}

/** The home gateway of {@link enrolPatient}: an organization's short name, or a client. */
function apiOf(home: GatewayApi | string): GatewayApi {
  return typeof home === 'string' ? gateway(home) : home;
}

/**
 * Registers a patient at a home gateway (POST /patients) and activates them on a new device
 * (POST /patients/activate); answers the signed-in patient.
 */
export async function enrolPatient(
  home: GatewayApi | string,
  options: Readonly<EnrolOptions> = {},
): Promise<GatewayPatient> {
  const api = apiOf(home);
  const adminToken = options.adminToken ?? (await api.loginAdmin());
  const request: PatientRegistrationRequest =
    options.adultFrom === undefined ? {} : { adultFrom: options.adultFrom };
  const enrolment = await registerPatient(api, adminToken, request);
  // The activation is endorsed by the regulator's peer too, which may not have the registration's
  // block yet when the home's answers (a patient activates minutes later, not milliseconds).
  await waitForPeersToCatchUp();
  const session = await activatePatient({
    client: api,
    enrolment,
    username: options.username ?? uniqueName('pt'),
    password: PATIENT_PASSWORD,
    ...(options.keyFile === undefined ? {} : { keyFile: options.keyFile }),
  });
  return { ...session, api, password: PATIENT_PASSWORD, registrationTxId: enrolment.txId };
}

/** Options of {@link bindGuardian}. */
export interface GuardianOptions {
  /** The patient's home gateway and a token of one of its admins. */
  readonly home: GatewayApi;
  readonly adminToken: string;
  /** The regulator's gateway and a token of a GovMSP regulator. */
  readonly gov: GatewayApi;
  readonly regulatorToken: string;
  readonly patientId: string;
  readonly relationship?: GuardianRelationship;
  /** The guardianship's period (now to one year from now by default). */
  readonly validFrom?: string;
  readonly validUntil?: string;
  readonly username?: string;
}

/** A guardian bound to a patient, signed in at the patient's home gateway. */
export interface GatewayGuardian extends PatientSession {
  readonly guardianId: string;
  readonly api: GatewayApi;
  readonly password: string;
  /** The regulator's approval of the guardianship. */
  readonly approval: BindingWrite;
}

/**
 * Binds a guardian to a patient as the design has it: the home's admin proposes the guardian for a
 * period (POST /patients/:id/guardians), the regulator approves, and the guardian activates their
 * own key on their own device with their one-time code (POST /guardians/activate).
 */
export async function bindGuardian(options: Readonly<GuardianOptions>): Promise<GatewayGuardian> {
  const enrolment = await expectAnswer<{
    patientId: string;
    guardianId: string;
    enrolmentCode: string;
    txId: string;
  }>(options.home, {
    method: 'POST',
    path: `/patients/${options.patientId}/guardians`,
    options: {
      token: options.adminToken,
      body: {
        relationship: options.relationship ?? 'parent',
        validFrom: options.validFrom ?? new Date(Date.now() - 60_000).toISOString(),
        validUntil: options.validUntil ?? new Date(Date.now() + 365 * 86_400_000).toISOString(),
      },
    },
    expected: [201],
  });
  const approval = await expectAnswer<BindingWrite>(options.gov, {
    method: 'POST',
    path: `/patients/${options.patientId}/guardians/${enrolment.guardianId}/approve`,
    options: { token: options.regulatorToken },
    expected: [200],
  });
  const session = await activateGuardian({
    client: options.home,
    enrolment,
    username: options.username ?? uniqueName('gd'),
    password: PATIENT_PASSWORD,
  });
  return {
    ...session,
    guardianId: enrolment.guardianId,
    api: options.home,
    password: PATIENT_PASSWORD,
    approval,
  };
}

/** A name no earlier run used: `prefix` + base-36 time + random. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
}

/**
 * Reads a gateway's server-sent events until `done` says enough or the time runs out; answers
 * the `data` of each event, parsed.
 */
export async function readEvents(
  options: Readonly<{
    base: string;
    token: string;
    lastEventId?: string;
    timeoutMs: number;
    done: (events: readonly Record<string, unknown>[]) => boolean;
  }>,
): Promise<Record<string, unknown>[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, options.timeoutMs);
  const events: Record<string, unknown>[] = [];
  try {
    const response = await fetch(`${options.base}/events`, {
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: 'text/event-stream',
        ...(options.lastEventId === undefined ? {} : { 'last-event-id': options.lastEventId }),
      },
      signal: controller.signal,
    });
    if (response.body === null) return events;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        if (data !== '') events.push(JSON.parse(data) as Record<string, unknown>);
        end = buffer.indexOf('\n\n');
      }
      if (options.done(events)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

import {
  createSessionKeeper,
  generatePatientKey,
  isTokenExpired,
  type AccessToken,
  type ConsentInput,
  type EnrolmentAnswer,
  type LedgerInfo,
  type PatientActivationRequest,
  type SignedActionRequest,
} from '@consent-ledger/ledger-api';
import { HttpStatusError } from './classify.ts';
import type { Operation } from './load.ts';
import { benchPatient, type BenchPatient } from './patients.ts';
import { RUN_TAG, treatmentConsent, treatmentRequest } from './workloads.ts';

/**
 * A minimal client of one organization's REST gateway (the same calls an application and the
 * patient's app make): log in, create staff users with the admin's token, register and activate
 * a patient whose key is made here, post signed statements and access requests.
 */
export interface RestClient {
  readonly base: string;
  login(username: string, password: string): Promise<string>;
  createUser(
    adminToken: string,
    user: Readonly<{ username: string; password: string; role: string }>,
  ): Promise<Record<string, unknown>>;
  /** POST expecting 201 Created; `token` undefined for the open routes. */
  post(path: string, token: string | undefined, body: unknown): Promise<Record<string, unknown>>;
  /** GET expecting 200. */
  get(path: string, token?: string): Promise<Record<string, unknown>>;
}

/** A REST client of the gateway at `base` (e.g. http://127.0.0.1:4002). */
export function restClient(base: string): RestClient {
  const keeper = createSessionKeeper();
  const fetchOnce = async (
    method: 'GET' | 'POST',
    path: string,
    options: Readonly<{ token?: string; body?: unknown }>,
  ): Promise<{ status: number; text: string }> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token === undefined
          ? {}
          : { authorization: `Bearer ${keeper.current(options.token)}` }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(120_000),
    });
    return { status: response.status, text: await response.text() };
  };
  const parsed = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  };
  const send = async (
    method: 'GET' | 'POST',
    path: string,
    options: Readonly<{ token?: string; body?: unknown; expected: number }>,
  ): Promise<Record<string, unknown>> => {
    let answer = await fetchOnce(method, path, options);
    // A benchmark outlives an access token: refresh it and try again (not timed apart).
    if (
      options.token !== undefined &&
      isTokenExpired(answer.status, parsed(answer.text)) &&
      (await keeper.renew(options.token, async (refreshToken) => {
        const refreshed = await fetchOnce('POST', '/auth/refresh', { body: { refreshToken } });
        return refreshed.status === 200 ? (JSON.parse(refreshed.text) as AccessToken) : undefined;
      }))
    )
      answer = await fetchOnce(method, path, options);
    if (answer.status !== options.expected) throw new HttpStatusError(answer.status, answer.text);
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    if (typeof body.accessToken === 'string' && typeof body.refreshToken === 'string')
      keeper.remember({ accessToken: body.accessToken, refreshToken: body.refreshToken });
    return body;
  };
  const post = (path: string, token: string | undefined, body: unknown) =>
    send('POST', path, { ...(token === undefined ? {} : { token }), body, expected: 201 });
  return {
    base,
    login: async (username, password) => {
      const body = await send('POST', '/auth/login', {
        body: { username, password },
        expected: 200,
      });
      if (typeof body.accessToken !== 'string') throw new Error(`login ${username}: no token`);
      return body.accessToken;
    },
    createUser: (adminToken, user) => post('/identities', adminToken, user),
    post,
    get: (path, token) =>
      send('GET', path, { ...(token === undefined ? {} : { token }), expected: 200 }),
  };
}

/** A patient registered and activated through a gateway, and their session token. */
export interface RestPatient {
  readonly patient: BenchPatient;
  readonly token: string;
}

/**
 * Registers a patient at `client`'s organization (its admin, POST /patients), then does what the
 * patient's app does on first sign-in: reads where statements are valid (GET /ledger), makes a key,
 * signs the activation with the enrolment code and posts it (POST /patients/activate).
 */
export async function restPatient(
  client: RestClient,
  options: Readonly<{ adminToken: string; username: string; password: string }>,
): Promise<RestPatient> {
  const enrolment = (await client.post(
    '/patients',
    options.adminToken,
    {},
  )) as unknown as EnrolmentAnswer;
  const ledger = (await client.get('/ledger')) as unknown as LedgerInfo;
  const key = await generatePatientKey({ extractable: false });
  const patient = benchPatient({
    patientId: enrolment.patientId,
    home: ledger.mspId,
    key,
    scope: { channel: ledger.channel, chaincode: ledger.chaincode },
  });
  const activation: PatientActivationRequest = {
    username: options.username,
    password: options.password,
    action: await patient.sign('patient:ActivatePatient', {
      publicKey: key.publicKey,
      enrolmentCode: enrolment.enrolmentCode,
    }),
  };
  const token = (await client.post(
    '/patients/activate',
    undefined,
    activation,
  )) as unknown as AccessToken;
  return { patient, token: token.accessToken };
}

/**
 * REST users for the overhead workloads: patients who grant (one per worker: one patient's
 * concurrent grants to one organization would conflict on the set of its consents), another (with
 * one permit) whose data is requested, and a clinician. The requested patient is apart, so that
 * the requests do not read the consents the grant workload piles up.
 */
export interface RestUsers {
  readonly granting: readonly RestPatient[];
  readonly requestedPatientId: string;
  readonly clinicianToken: string;
}

/**
 * Registers `granting` patients and one more at `patientGateway`, the last granting a treatment permit to
 * `clinicianOrg`'s clinicians (a signed statement posted to POST /consents), and creates a
 * clinician at `clinicianGateway`.
 */
export async function restUsers(
  options: Readonly<{
    granting: number;
    patientGateway: RestClient;
    clinicianGateway: RestClient;
    clinicianOrg: string;
    /** The bootstrap admins of the patients' and the clinicians' gateways. */
    admins: Readonly<Record<'patient' | 'clinician', { username: string; password: string }>>;
  }>,
): Promise<RestUsers> {
  const password = `bench-${RUN_TAG}-pw`;
  const patientAdmin = await options.patientGateway.login(
    options.admins.patient.username,
    options.admins.patient.password,
  );
  const clinicianAdmin = await options.clinicianGateway.login(
    options.admins.clinician.username,
    options.admins.clinician.password,
  );
  const granting: RestPatient[] = [];
  for (let start = 0; start < options.granting; start += 8) {
    const batch = Array.from(
      { length: Math.min(8, options.granting - start) },
      (_, i) => start + i,
    );
    granting.push(
      ...(await Promise.all(
        batch.map((i) =>
          restPatient(options.patientGateway, {
            adminToken: patientAdmin,
            username: `bench-patient-${RUN_TAG}-${String(i)}`,
            password,
          }),
        ),
      )),
    );
  }
  const requested = await restPatient(options.patientGateway, {
    adminToken: patientAdmin,
    username: `bench-requested-${RUN_TAG}`,
    password,
  });
  const clinicianName = `bench-clinician-${RUN_TAG}`;
  await options.clinicianGateway.createUser(clinicianAdmin, {
    username: clinicianName,
    password,
    role: 'clinician',
  });
  const clinicianToken = await options.clinicianGateway.login(clinicianName, password);
  await restSignedGrant(options.patientGateway, requested, treatmentConsent(options.clinicianOrg));
  return { granting, requestedPatientId: requested.patient.patientId, clinicianToken };
}

/** POST /consents: the patient signs the terms on their device and posts the statement. */
async function restSignedGrant(
  client: RestClient,
  patient: RestPatient,
  terms: Readonly<ConsentInput>,
): Promise<void> {
  const body: SignedActionRequest<'consent:GrantConsent'> = {
    action: await patient.patient.sign('consent:GrantConsent', terms),
  };
  await client.post('/consents', patient.token, body);
}

/**
 * POST /consents of a treatment permit to a hospital's clinicians, signed anew each time by the
 * worker's own patient (worker `w` acts for `patients[w % length]`).
 */
export function restGrant(
  client: RestClient,
  options: Readonly<{ patients: readonly RestPatient[]; granteeOrg: string }>,
): Operation {
  const terms = treatmentConsent(options.granteeOrg);
  return async ({ worker }) => {
    const patient = options.patients[worker % options.patients.length];
    if (patient === undefined) throw new RangeError('no patient for the REST grant workload');
    await restSignedGrant(client, patient, terms);
  };
}

/** POST /access-requests by the session of `token`, expecting a permit. */
export function restRequest(
  client: RestClient,
  options: Readonly<{ token: string; patientId: string }>,
): Operation {
  const body = treatmentRequest(options.patientId);
  const { token } = options;
  return async () => {
    const outcome = await client.post('/access-requests', token, body);
    if (outcome.decision !== 'permit') throw new Error(`access ${String(outcome.decision)}`);
  };
}

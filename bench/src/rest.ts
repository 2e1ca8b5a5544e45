import { HttpStatusError } from './classify.ts';
import type { Operation } from './load.ts';
import { RUN_TAG, treatmentConsent, treatmentRequest } from './workloads.ts';

/**
 * A minimal client of one organization's REST gateway (the same calls an application makes): log
 * in, create users with the admin's token, grant a consent, request an access.
 */
export interface RestClient {
  readonly base: string;
  login(username: string, password: string): Promise<string>;
  createUser(
    adminToken: string,
    user: Readonly<{ username: string; password: string; role: string }>,
  ): Promise<Record<string, unknown>>;
  post(path: string, token: string, body: unknown): Promise<Record<string, unknown>>;
}

/** A REST client of the gateway at `base` (e.g. http://127.0.0.1:4002). */
export function restClient(base: string): RestClient {
  const post = async (
    path: string,
    token: string | undefined,
    body: unknown,
    expected: number,
  ): Promise<Record<string, unknown>> => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await response.text();
    if (response.status !== expected) throw new HttpStatusError(response.status, text);
    return JSON.parse(text) as Record<string, unknown>;
  };
  return {
    base,
    login: async (username, password) => {
      const body = await post('/auth/login', undefined, { username, password }, 200);
      if (typeof body.accessToken !== 'string') throw new Error(`login ${username}: no token`);
      return body.accessToken;
    },
    createUser: (adminToken, user) => post('/identities', adminToken, user, 201),
    post: (path, token, body) => post(path, token, body, 201),
  };
}

/**
 * REST users for the overhead workloads: a patient who grants, another (with one permit) whose
 * data is requested, and a clinician. Two patients, so that the requests do not read the
 * consents the grant workload piles up.
 */
export interface RestUsers {
  readonly patientToken: string;
  readonly requestedPatientId: string;
  readonly clinicianToken: string;
}

/**
 * Creates a patient at `patientGateway` who grants a treatment permit to `clinicianOrg`'s
 * clinicians, and a clinician at `clinicianGateway`.
 */
export async function restUsers(
  options: Readonly<{
    patientGateway: RestClient;
    clinicianGateway: RestClient;
    clinicianOrg: string;
    admin: { username: string; password: string };
  }>,
): Promise<RestUsers> {
  const password = `bench-${RUN_TAG}-pw`;
  const patientAdmin = await options.patientGateway.login(
    options.admin.username,
    options.admin.password,
  );
  const clinicianAdmin = await options.clinicianGateway.login(
    options.admin.username,
    options.admin.password,
  );
  const patientName = `bench-patient-${RUN_TAG}`;
  const requestedName = `bench-requested-${RUN_TAG}`;
  const clinicianName = `bench-clinician-${RUN_TAG}`;
  await options.patientGateway.createUser(patientAdmin, {
    username: patientName,
    password,
    role: 'patient',
  });
  const requested = await options.patientGateway.createUser(patientAdmin, {
    username: requestedName,
    password,
    role: 'patient',
  });
  await options.clinicianGateway.createUser(clinicianAdmin, {
    username: clinicianName,
    password,
    role: 'clinician',
  });
  const patientToken = await options.patientGateway.login(patientName, password);
  const requestedToken = await options.patientGateway.login(requestedName, password);
  const clinicianToken = await options.clinicianGateway.login(clinicianName, password);
  await options.patientGateway.post(
    '/consents',
    requestedToken,
    treatmentConsent(options.clinicianOrg),
  );
  return { patientToken, requestedPatientId: String(requested.patientId), clinicianToken };
}

/** POST /consents (a treatment permit to a hospital's clinicians). */
export function restGrant(client: RestClient, token: string, granteeOrg: string): Operation {
  const body = treatmentConsent(granteeOrg);
  return async () => {
    await client.post('/consents', token, body);
  };
}

/** POST /access-requests, expecting a permit. */
export function restRequest(client: RestClient, token: string, patientId: string): Operation {
  const body = treatmentRequest(patientId);
  return async () => {
    const outcome = await client.post('/access-requests', token, body);
    if (outcome.decision !== 'permit') throw new Error(`access ${String(outcome.decision)}`);
  };
}

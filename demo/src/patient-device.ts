import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  exportKeyFile,
  generatePatientKey,
  importKeyFile,
  signAction,
  type AccessToken,
  type Consent,
  type ConsentErasure,
  type ConsentInput,
  type ConsentWrite,
  type EnrolmentAnswer,
  type GuardianEnrolmentAnswer,
  type GuardianProposalRequest,
  type LedgerInfo,
  type PatientActionName,
  type PatientActions,
  type PatientKey,
  type PatientRegistrationRequest,
  type PatientView,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import { GatewayCallError, errorOf, type ApiRequest, type ApiResponse } from './gateway-client.ts';

/**
 * Patients in scripts, one way for the demo and the tests (docs/patient-keys.md): the home
 * organization's admin registers the patient (POST /patients: a pseudonym and a one-time code,
 * handed over in person); the patient's device makes its own key (in memory, or a key file the
 * script keeps, never sent anywhere) and activates it with the code (POST /patients/activate);
 * from then on the patient acts only through statements signed with that key (ledger-api
 * patient-client.ts), carried by the home gateway. Guardians are bound and act the same way.
 */

/** What the kit needs of a gateway client: one JSON request, whatever the status. */
export interface JsonRequester {
  request<T>(method: string, path: string, options?: ApiRequest): Promise<ApiResponse<T>>;
}

/** A JSON request that must answer one of `expected`; throws GatewayCallError otherwise. */
export async function expectAnswer<T>(
  client: JsonRequester,
  request: Readonly<{
    method: string;
    path: string;
    options?: ApiRequest;
    expected?: readonly number[];
  }>,
): Promise<T> {
  const response = await client.request<T>(request.method, request.path, request.options);
  if (!(request.expected ?? [200, 201]).includes(response.status)) {
    throw new GatewayCallError({
      what: `${request.method} ${request.path}`,
      status: response.status,
      ...errorOf(response.body),
    });
  }
  return response.body;
}

/** Who signs on a device: the patient, or a guardian bound to the patient. */
export interface DeviceSigner {
  readonly kind: 'patient' | 'guardian';
  /** The patient's pseudonym, or the guardian's ID (`rp-...`). */
  readonly id: string;
}

/** Options of one signature. */
export interface SignOptions {
  /** The device's clock (now by default). */
  readonly now?: Date;
  /** Validity in milliseconds (5 minutes by default, at most 10). */
  readonly ttlMillis?: number;
  /** A given nonce (a replay test); a fresh one by default. */
  readonly nonce?: string;
}

/** A patient's (or guardian's) device: its key and the statements it signs for one patient. */
export interface PatientDevice {
  /** The patient the device speaks for. */
  readonly patientId: string;
  readonly signer: DeviceSigner;
  readonly key: PatientKey;
  /** The channel and chaincode its statements are for (GET /ledger of the home gateway). */
  readonly ledger: LedgerInfo;
  /** The key file, when the key is kept in one. */
  readonly keyFile?: string;
  /** Signs an action for the patient with the device's key. */
  sign<A extends PatientActionName>(
    action: A,
    payload: PatientActions[A],
    options?: Readonly<SignOptions>,
  ): Promise<SignedAction<A>>;
}

/**
 * A new device key: in memory (non-extractable, as in the browser), or, with `keyFile`, written to
 * that file (PKCS#8 PEM, 0600; refused if the file exists) and read back from it, as a script
 * keeps its key.
 */
export async function newDeviceKey(keyFile?: string): Promise<PatientKey> {
  if (keyFile === undefined) return generatePatientKey();
  const key = await generatePatientKey({ extractable: true });
  await mkdir(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  await writeFile(keyFile, await exportKeyFile(key), { mode: 0o600, flag: 'wx' });
  return importKeyFile(await readFile(keyFile, 'utf8'));
}

/** A device for a patient: a new key, signing for `signer` (the patient by default). */
export async function newDevice(
  options: Readonly<{
    client: JsonRequester;
    patientId: string;
    signer?: DeviceSigner;
    keyFile?: string;
  }>,
): Promise<PatientDevice> {
  const ledger = await expectAnswer<LedgerInfo>(options.client, { method: 'GET', path: '/ledger' });
  const key = await newDeviceKey(options.keyFile);
  const signer = options.signer ?? { kind: 'patient', id: options.patientId };
  return {
    patientId: options.patientId,
    signer,
    key,
    ledger,
    ...(options.keyFile === undefined ? {} : { keyFile: options.keyFile }),
    sign: (action, payload, signOptions = {}) =>
      signAction(key, {
        action,
        channel: ledger.channel,
        chaincode: ledger.chaincode,
        patientId: options.patientId,
        signer,
        payload,
        now: signOptions.now ?? new Date(),
        ...(signOptions.ttlMillis === undefined ? {} : { ttlMillis: signOptions.ttlMillis }),
        ...(signOptions.nonce === undefined ? {} : { nonce: signOptions.nonce }),
      }),
  };
}

/** Registers a patient at the admin's organization (POST /patients): pseudonym and code, once. */
export function registerPatient(
  client: JsonRequester,
  adminToken: string,
  request: Readonly<PatientRegistrationRequest> = {},
): Promise<EnrolmentAnswer> {
  return expectAnswer<EnrolmentAnswer>(client, {
    method: 'POST',
    path: '/patients',
    options: { token: adminToken, body: request },
    expected: [201],
  });
}

/** A patient's (or guardian's) signed-in session at the home gateway, with its device. */
export interface PatientSession {
  readonly patientId: string;
  readonly username: string;
  readonly token: string;
  readonly device: PatientDevice;
  readonly client: JsonRequester;
  /** Grants a consent (POST /consents with the signed consent:GrantConsent). */
  grant(terms: Readonly<ConsentInput>): Promise<ConsentWrite>;
  /** Replaces a consent's terms at its current version (PUT /consents/:id). */
  update(consentId: string, terms: Readonly<ConsentInput>): Promise<ConsentWrite>;
  /** Revokes a consent at its current version (POST /consents/:id/revoke). */
  revoke(consentId: string): Promise<ConsentWrite>;
  /** Erases a revoked or expired consent's details (POST /consents/:id/erase). */
  erase(consentId: string): Promise<ConsentErasure>;
  /** The patient's binding, its history and erasures (GET /patients/me). */
  view(): Promise<PatientView>;
  /** A consent as the session reads it (GET /consents/:id). */
  consent(consentId: string): Promise<Consent>;
}

/** Options of a first sign-in (a patient's or a guardian's). */
export interface ActivationOptions {
  /** The patient's (or guardian's) home gateway. */
  readonly client: JsonRequester;
  /** The session account's username and password (sign-in only). */
  readonly username: string;
  readonly password: string;
  /** Keep the key in this file (a new one); in memory when absent. */
  readonly keyFile?: string;
}

function sessionOf(
  options: Readonly<{ device: PatientDevice; client: JsonRequester; username: string }>,
  answer: AccessToken,
): PatientSession {
  const { device, client } = options;
  const token = answer.accessToken;
  const send = <T>(method: string, route: string, body?: unknown): Promise<T> =>
    expectAnswer<T>(client, {
      method,
      path: route,
      options: body === undefined ? { token } : { token, body },
    });
  const consent = (consentId: string): Promise<Consent> =>
    send<Consent>('GET', `/consents/${consentId}`);
  return {
    patientId: device.patientId,
    username: options.username,
    token,
    device,
    client,
    grant: async (terms) =>
      send<ConsentWrite>('POST', '/consents', {
        action: await device.sign('consent:GrantConsent', terms),
      }),
    update: async (consentId, terms) => {
      const { version } = await consent(consentId);
      return send<ConsentWrite>('PUT', `/consents/${consentId}`, {
        action: await device.sign('consent:UpdateConsent', {
          ...terms,
          consentId,
          expectedVersion: version,
        }),
      });
    },
    revoke: async (consentId) => {
      const { version } = await consent(consentId);
      return send<ConsentWrite>('POST', `/consents/${consentId}/revoke`, {
        action: await device.sign('consent:RevokeConsent', {
          consentId,
          expectedVersion: version,
        }),
      });
    },
    erase: async (consentId) =>
      send<ConsentErasure>('POST', `/consents/${consentId}/erase`, {
        action: await device.sign('consent:EraseConsent', { consentId }),
      }),
    view: () => send<PatientView>('GET', '/patients/me'),
    consent,
  };
}

/**
 * The patient's first sign-in on a new device: makes the key, signs patient:ActivatePatient with
 * the enrolment code handed over in person, and opens the session (POST /patients/activate).
 */
export async function activatePatient(
  options: Readonly<
    ActivationOptions & { enrolment: Pick<EnrolmentAnswer, 'patientId' | 'enrolmentCode'> }
  >,
): Promise<PatientSession> {
  const { client, enrolment } = options;
  const device = await newDevice({
    client,
    patientId: enrolment.patientId,
    ...(options.keyFile === undefined ? {} : { keyFile: options.keyFile }),
  });
  const action = await device.sign('patient:ActivatePatient', {
    publicKey: device.key.publicKey,
    enrolmentCode: enrolment.enrolmentCode,
  });
  const answer = await expectAnswer<AccessToken>(client, {
    method: 'POST',
    path: '/patients/activate',
    options: { body: { username: options.username, password: options.password, action } },
    expected: [201],
  });
  return sessionOf({ device, client, username: options.username }, answer);
}

/** Proposes a guardian for a patient (POST /patients/:id/guardians, the home's admins). */
export function proposeGuardian(
  client: JsonRequester,
  options: Readonly<{ adminToken: string; patientId: string; proposal: GuardianProposalRequest }>,
): Promise<GuardianEnrolmentAnswer> {
  return expectAnswer<GuardianEnrolmentAnswer>(client, {
    method: 'POST',
    path: `/patients/${options.patientId}/guardians`,
    options: { token: options.adminToken, body: options.proposal },
    expected: [201],
  });
}

/**
 * A guardian's first sign-in on their own device, once the regulator approved the guardianship:
 * makes the guardian's key and activates it with the guardian's code (POST /guardians/activate).
 * The session then signs for the patient as the guardian.
 */
export async function activateGuardian(
  options: Readonly<ActivationOptions & { enrolment: GuardianEnrolmentAnswer }>,
): Promise<PatientSession> {
  const { client, enrolment } = options;
  const device = await newDevice({
    client,
    patientId: enrolment.patientId,
    signer: { kind: 'guardian', id: enrolment.guardianId },
    ...(options.keyFile === undefined ? {} : { keyFile: options.keyFile }),
  });
  const action = await device.sign('patient:ActivateGuardian', {
    publicKey: device.key.publicKey,
    enrolmentCode: enrolment.enrolmentCode,
    guardianId: enrolment.guardianId,
  });
  const answer = await expectAnswer<AccessToken>(client, {
    method: 'POST',
    path: '/guardians/activate',
    options: { body: { username: options.username, password: options.password, action } },
    expected: [201],
  });
  return sessionOf({ device, client, username: options.username }, answer);
}

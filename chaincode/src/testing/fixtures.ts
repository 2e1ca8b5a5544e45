import { createHash } from 'node:crypto';
import {
  base64url,
  buildStatement,
  enrolmentCodeHash,
  generatePatientKey,
  signStatement,
  type ActionSigner,
  type LedgerErrorCode,
  type PatientActionName,
  type PatientActions,
  type PatientKey,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import { expect } from 'vitest';
import {
  identity,
  type InvokeResult,
  type TestIdentity,
  type TestNetwork,
  type TransactionResult,
} from './harness';

/** The organizations of the network topology (network/topology.yaml), as the bootstrap registers them. */
export const ORGANIZATIONS = [
  { mspId: 'GovMSP', type: 'government', region: { province: '330000', city: '330100' } },
  {
    mspId: 'TertiaryHospitalMSP',
    type: 'hospital',
    tier: 'tertiary',
    region: { province: '330000', city: '330100', county: '330106' },
  },
  {
    mspId: 'CommunityHospitalMSP',
    type: 'hospital',
    tier: 'community',
    region: { province: '330000', city: '330100', county: '330110' },
  },
  {
    mspId: 'EnterpriseMSP',
    type: 'enterprise',
    region: { province: '330000', city: '330100', county: '330108' },
    institutions: [
      {
        institutionId: 'inst-devices01',
        type: 'device-maker',
        region: { province: '330000', city: '330100' },
      },
      {
        institutionId: 'inst-insurer01',
        type: 'insurer',
        region: { province: '330000', city: '330100', county: '330108' },
      },
      { institutionId: 'inst-insurer02', type: 'insurer', region: { province: '310000' } },
    ],
  },
  {
    mspId: 'ResearchMSP',
    type: 'research',
    region: { province: '330000', city: '330100', county: '330106' },
    institutions: [
      {
        institutionId: 'inst-research01',
        type: 'research-institute',
        region: { province: '330000', city: '330100', county: '330106' },
      },
      {
        institutionId: 'inst-research02',
        type: 'research-institute',
        region: { province: '330000', city: '330200' },
      },
    ],
  },
] as const;

/** The member institutions of the fixtures' organizations, by short name. */
export const INSTITUTION = {
  insurerA: 'inst-insurer01',
  insurerB: 'inst-insurer02',
  deviceMaker: 'inst-devices01',
  instituteA: 'inst-research01',
  instituteB: 'inst-research02',
} as const;

/** MSP IDs by short name. */
export const MSP = {
  gov: 'GovMSP',
  tertiary: 'TertiaryHospitalMSP',
  community: 'CommunityHospitalMSP',
  enterprise: 'EnterpriseMSP',
  research: 'ResearchMSP',
} as const;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A valid patient pseudonym for a small number (`pid-` + 16 base32 characters). */
export function pid(n: number): string {
  let digits = '';
  for (let rest = n, i = 0; i < 16; i += 1, rest = Math.floor(rest / 32)) {
    digits = (BASE32[rest % 32] ?? 'a') + digits;
  }
  return `pid-${digits}`;
}

/** A valid guardian ID for a small number (`rp-` + 16 base32 characters). */
export function rid(n: number): string {
  return `rp-${pid(n).slice(4)}`;
}

/** The usual callers of the tests. */
export const who = {
  govAdmin: identity({ mspId: MSP.gov, role: 'admin' }),
  regulator: identity({ mspId: MSP.gov, role: 'regulator' }),
  govAnalyst: identity({ mspId: MSP.gov, role: 'analyst' }),
  tertiaryClinician: identity({
    mspId: MSP.tertiary,
    role: 'clinician',
    practitionerId: 'prac-tertiary01',
  }),
  tertiaryClinician2: identity({
    mspId: MSP.tertiary,
    role: 'clinician',
    practitionerId: 'prac-tertiary02',
  }),
  tertiaryAdmin: identity({ mspId: MSP.tertiary, role: 'admin' }),
  communityClinician: identity({
    mspId: MSP.community,
    role: 'clinician',
    practitionerId: 'prac-community01',
  }),
  communityAdmin: identity({ mspId: MSP.community, role: 'admin' }),
  enterpriseAdmin: identity({ mspId: MSP.enterprise, role: 'admin' }),
  enterpriseAnalyst: identity({ mspId: MSP.enterprise, role: 'analyst' }),
  researcher: identity({ mspId: MSP.research, role: 'researcher' }),
  researchAdmin: identity({ mspId: MSP.research, role: 'admin' }),
  /** Analysts of two sister insurers and a researcher of an institute (member institutions). */
  insurerAnalystA: identity({
    mspId: MSP.enterprise,
    role: 'analyst',
    attributes: { institution: INSTITUTION.insurerA },
  }),
  insurerAnalystB: identity({
    mspId: MSP.enterprise,
    role: 'analyst',
    attributes: { institution: INSTITUTION.insurerB },
  }),
  instituteResearcherA: identity({
    mspId: MSP.research,
    role: 'researcher',
    attributes: { institution: INSTITUTION.instituteA },
  }),
  instituteResearcherB: identity({
    mspId: MSP.research,
    role: 'researcher',
    attributes: { institution: INSTITUTION.instituteB },
  }),
} as const;

/** The admin of an organization: a home's service identity, which carries its patients' actions. */
export function adminOf(mspId: string): TestIdentity {
  return identity({ mspId, role: 'admin' });
}

/** Registers the five organizations as the GovMSP admin (what network bootstrap does). */
export async function bootstrap(network: TestNetwork): Promise<void> {
  for (const organization of ORGANIZATIONS) {
    const result = await network
      .as(who.govAdmin)
      .submit('registry:RegisterOrganization', [organization]);
    if (!result.ok) throw new Error(`bootstrap failed: ${result.message}`);
  }
}

/** The item of a list at an index; throws when there is none (no non-null assertions). */
export function nth<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`no item ${index} in a list of ${list.length}`);
  return item;
}

/** Asserts a successful invocation and returns its decoded result. */
export function ok<N extends string>(result: InvokeResult<N>): TransactionResult<N> {
  expect(result.message, `${result.transaction} should succeed`).toBe('');
  expect(result.ok).toBe(true);
  return result.json();
}

/** An expected refusal: its code, and optionally what its message says. */
export type Refusal =
  LedgerErrorCode | { readonly code: LedgerErrorCode; readonly message: string | RegExp };

/** Asserts a refusal with a code (and a message fragment when given), nothing written. */
export function refused(result: InvokeResult, expected: Refusal): void {
  const { code, message } =
    typeof expected === 'string' ? { code: expected, message: undefined } : expected;
  expect(result.ok, `${result.transaction} should fail with ${code}`).toBe(false);
  expect(result.code, result.message).toBe(code);
  expect(result.message.startsWith(`${code}: `)).toBe(true);
  if (message !== undefined) expect(result.message).toMatch(message);
  expect(result.outcome).toBe('NOT_COMMITTED');
}

/** A consent input with defaults: a permit to the tertiary hospital for treatment, outpatient. */
export function consentInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    provision: 'permit',
    grantee: { org: MSP.tertiary },
    purposes: ['treatment'],
    categories: ['outpatient'],
    ...overrides,
  };
}

// ---- Patients: keys made on their device, statements signed with them ----------------------------

const keys = new Map<string, Promise<PatientKey>>();

/** A P-256 key per label, made once per test run with ledger-api's patient client (WebCrypto). */
export function keyOf(label: string): Promise<PatientKey> {
  let key = keys.get(label);
  if (key === undefined) {
    key = generatePatientKey();
    keys.set(label, key);
  }
  return key;
}

/** 16 bytes derived from a text, base64url (deterministic salts and nonces of the tests). */
export function derived(text: string): string {
  return base64url(createHash('sha256').update(text).digest().subarray(0, 16));
}

/** A one-time enrolment code for a label: 16 characters of base32, grouped. */
export function enrolmentCode(label: string): string {
  const digest = createHash('sha256').update(`code:${label}`).digest();
  const chars = [...digest.subarray(0, 16)].map((byte) => BASE32[byte % 32] ?? 'a').join('');
  return chars.toUpperCase().replace(/(.{4})(?=.)/g, '$1-');
}

/** The enrolment hash the ledger keeps for a code (salt derived from the label). */
export function enrolmentOf(code: string, label: string): { hash: string; salt: string } {
  const salt = derived(`enrolment:${label}`);
  return { hash: enrolmentCodeHash(code, salt), salt };
}

/** A registered patient of the tests and what speaks for them. */
export interface TestPatient {
  readonly patientId: string;
  /** The home organization. */
  readonly home: string;
  /** The home's admin: the gateway's service identity, which carries the patient's statements. */
  readonly carrier: TestIdentity;
  /** The key of the patient's device. */
  readonly key: PatientKey;
  /** Who signs: the patient, unless a guardian's patient handle says otherwise. */
  readonly signer: Omit<ActionSigner, 'keyId'>;
}

const nonces = new WeakMap<TestNetwork, number>();

/** A fresh nonce per network, derived from a counter (replays with the same calls agree). */
function nextNonce(network: TestNetwork): string {
  const n = (nonces.get(network) ?? 0) + 1;
  nonces.set(network, n);
  return derived(`nonce:${network.chaincode}:${n}`);
}

/** What a statement may be made with, beyond its action and payload (tests of refusals). */
export interface StatementOverrides {
  /** issuedAt (the invocation's time by default). */
  readonly at?: string;
  readonly ttlMillis?: number;
  readonly nonce?: string;
  readonly channel?: string;
  readonly chaincode?: string;
  readonly patientId?: string;
  /** Signs for another action than the one submitted. */
  readonly claimedAction?: PatientActionName;
  /** Signs with another key (its key ID in the signer unless `keyId` says otherwise). */
  readonly key?: PatientKey;
  readonly keyId?: string;
  readonly signer?: Omit<ActionSigner, 'keyId'>;
}

/** A statement to sign: whose, for which action, with which payload (and any overrides). */
export interface SignRequest<A extends PatientActionName> extends StatementOverrides {
  readonly patient: TestPatient;
  readonly action: A;
  readonly payload: PatientActions[A];
}

/** A statement of a patient's, signed with their key (ledger-api's patient client). */
export async function signFor<A extends PatientActionName>(
  network: TestNetwork,
  request: Readonly<SignRequest<A>>,
): Promise<SignedAction<A>> {
  const { patient, action, payload } = request;
  const key = request.key ?? patient.key;
  const statement = buildStatement({
    action: (request.claimedAction ?? action) as A,
    channel: request.channel ?? network.channel,
    chaincode: request.chaincode ?? network.chaincode,
    patientId: request.patientId ?? patient.patientId,
    signer: { ...(request.signer ?? patient.signer), keyId: request.keyId ?? key.keyId },
    payload,
    now: new Date(request.at ?? network.now()),
    nonce: request.nonce ?? nextNonce(network),
    ...(request.ttlMillis === undefined ? {} : { ttlMillis: request.ttlMillis }),
  });
  return signStatement(statement, key);
}

/** A patient's client: signs statements and has a carrier submit them. */
export interface PatientClient {
  /** Signs an action and submits it through the carrier. */
  submit<A extends PatientActionName>(
    action: A,
    payload: PatientActions[A],
  ): Promise<InvokeResult<A>>;
  /** The same client, signing with overrides (tests of refusals). */
  with(overrides: Readonly<StatementOverrides>): PatientClient;
}

/** Who a patient client acts as: the patient, its carrier (the home's admin), a fixed time. */
export interface PatientClientOptions extends TestPatient {
  /** The invocation's time (and the statements' unless overridden); the clock otherwise. */
  readonly at?: string;
}

/** A client of a patient, through the patient's `carrier` (its home's admin by default). */
export function patientClient(
  network: TestNetwork,
  patient: Readonly<PatientClientOptions>,
): PatientClient {
  const make = (overrides: Readonly<StatementOverrides>): PatientClient => {
    const client = network.as(patient.carrier, patient.at === undefined ? {} : { at: patient.at });
    return {
      async submit(action, payload) {
        const at = overrides.at ?? patient.at;
        const signed = await signFor(network, {
          ...overrides,
          patient,
          action,
          payload,
          ...(at === undefined ? {} : { at }),
        });
        return client.submit(action, [signed]);
      },
      with(more) {
        return make({ ...overrides, ...more });
      },
    };
  };
  return make({});
}

/** Options of {@link registerPatient}. */
export interface RegistrationOptions {
  /** The patient's number (its pseudonym is `pid(n)`). */
  readonly n: number;
  /** The home organization (the tertiary hospital by default). */
  readonly home?: string;
  /** For a minor: the day of coming of age. */
  readonly adultFrom?: string;
  /** Activate the first device too (true by default). */
  readonly activate?: boolean;
}

/**
 * Registers patient `n` at its home (the home's admin) and, unless told not to, activates the
 * patient's device key with the enrolment code (a statement signed with that key).
 */
export async function registerPatient(
  network: TestNetwork,
  registration: number | Readonly<RegistrationOptions>,
): Promise<TestPatient> {
  const options = typeof registration === 'number' ? { n: registration } : registration;
  const home = options.home ?? MSP.tertiary;
  const patientId = pid(options.n);
  const code = enrolmentCode(patientId);
  const patient: TestPatient = {
    patientId,
    home,
    carrier: adminOf(home),
    key: await keyOf(`patient:${options.n}`),
    signer: { kind: 'patient', id: patientId },
  };
  ok(
    await network.as(patient.carrier).submit('patient:RegisterPatient', [
      {
        patientId,
        enrolment: enrolmentOf(code, patientId),
        ...(options.adultFrom === undefined ? {} : { adultFrom: options.adultFrom }),
      },
    ]),
  );
  if (options.activate !== false) {
    ok(
      await patientClient(network, patient).submit('patient:ActivatePatient', {
        publicKey: patient.key.publicKey,
        enrolmentCode: code,
      }),
    );
  }
  return patient;
}

/** Registers and activates several patients, n by n, at the tertiary hospital. */
export async function registerPatients(
  network: TestNetwork,
  ns: readonly number[],
): Promise<TestPatient[]> {
  const patients: TestPatient[] = [];
  for (const n of ns) patients.push(await registerPatient(network, n));
  return patients;
}

/** A consent to grant: whose, and its terms (consentInput() by default). */
export interface GrantRequest {
  readonly patient: TestPatient;
  readonly input?: Record<string, unknown>;
}

/** Grants a consent as a patient and returns it. */
export async function grant(
  network: TestNetwork,
  request: Readonly<GrantRequest>,
): Promise<TransactionResult<'consent:GrantConsent'>> {
  return ok(
    await patientClient(network, request.patient).submit(
      'consent:GrantConsent',
      (request.input ?? consentInput()) as PatientActions['consent:GrantConsent'],
    ),
  );
}

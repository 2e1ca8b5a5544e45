import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  exportKeyFile,
  generatePatientKey,
  hashEnrolmentCode,
  importKeyFile,
  newEnrolmentCode,
  signAction,
  type PatientActionName,
  type PatientActions,
  type PatientKey,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import type { LedgerCalls } from './calls.ts';
import { homeEndorsers } from './endorsers.ts';

/**
 * The benchmark's patients (docs/patient-keys.md): registered by an admin of their home
 * organization, activated with a key made by ledger-api's patient client, and acting only through
 * statements signed with that key, which the home admin carries. A script keeps its key in a key
 * file (PKCS#8 PEM, mode 0600): each patient's key and pseudonym are kept under the run folder, so
 * that later runs reuse the patient (and the consents it granted) on the same ledger.
 */

/** A patient who signs their own actions. */
export interface BenchPatient {
  readonly patientId: string;
  /** The home organization's MSP ID. */
  readonly home: string;
  readonly key: PatientKey;
  /** Signs an action for `chaincode` on `channel`, valid from now for five minutes. */
  sign<A extends PatientActionName>(
    action: A,
    payload: PatientActions[A],
  ): Promise<SignedAction<A>>;
}

/** Where a statement is valid: the channel and the chaincode it names. */
export interface StatementScope {
  readonly channel: string;
  readonly chaincode: string;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A fresh pseudonym: `pid-` and 20 base32 characters. */
export function newPatientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return `pid-${[...bytes].map((byte) => BASE32[byte % 32] ?? 'a').join('')}`;
}

/** A patient of `home` holding `key`, signing for `scope`. */
export function benchPatient(
  options: Readonly<{ patientId: string; home: string; key: PatientKey; scope: StatementScope }>,
): BenchPatient {
  const { patientId, home, key, scope } = options;
  return {
    patientId,
    home,
    key,
    sign: (action, payload) =>
      signAction(key, {
        action,
        channel: scope.channel,
        chaincode: scope.chaincode,
        patientId,
        signer: { kind: 'patient', id: patientId },
        payload,
        now: new Date(),
      }),
  };
}

/**
 * Registers a new patient at the carrier's organization (its admin) and activates it with a fresh
 * key: the enrolment code is made here and used at once, as a patient would at the desk.
 */
export async function registerPatient(
  options: Readonly<{ carrier: LedgerCalls; scope: StatementScope; extractable?: boolean }>,
): Promise<BenchPatient> {
  const { carrier, scope } = options;
  const home = carrier.mspId;
  const patientId = newPatientId();
  const enrolmentCode = newEnrolmentCode();
  await carrier.submit(
    'patient:RegisterPatient',
    [{ patientId, enrolment: hashEnrolmentCode(enrolmentCode) }],
    homeEndorsers(home),
  );
  const key = await generatePatientKey({ extractable: options.extractable ?? false });
  const patient = benchPatient({ patientId, home, key, scope });
  await carrier.submit(
    'patient:ActivatePatient',
    [await patient.sign('patient:ActivatePatient', { publicKey: key.publicKey, enrolmentCode })],
    homeEndorsers(home),
  );
  return patient;
}

/** What the run folder keeps of a patient beside its key file. */
interface KeptPatient {
  readonly patientId: string;
  readonly home: string;
  readonly keyId: string;
}

/** Whether the ledger binds `keyId` to the patient, active (as its home admin reads it). */
async function stillBound(carrier: LedgerCalls, kept: KeptPatient): Promise<boolean> {
  try {
    const binding = await carrier.evaluate('patient:GetBinding', kept.patientId);
    return (
      binding.status === 'active' &&
      binding.keys.some((key) => key.keyId === kept.keyId && key.revokedAt === undefined)
    );
  } catch {
    return false;
  }
}

/**
 * The patient `name` of the benchmark on `scope.chaincode`: the one kept in `dir` when the ledger
 * still binds its key (the same network), else a newly registered one, whose key file and
 * pseudonym are then kept. `created` says which.
 */
export async function keptPatient(
  options: Readonly<{ dir: string; name: string; carrier: LedgerCalls; scope: StatementScope }>,
): Promise<{ patient: BenchPatient; created: boolean }> {
  const { carrier, scope } = options;
  const folder = path.join(options.dir, scope.chaincode);
  const recordFile = path.join(folder, `${options.name}.json`);
  const keyFile = path.join(folder, `${options.name}.key.pem`);
  if (existsSync(recordFile) && existsSync(keyFile)) {
    const kept = JSON.parse(readFileSync(recordFile, 'utf8')) as KeptPatient;
    if (kept.home === carrier.mspId && (await stillBound(carrier, kept))) {
      const key = await importKeyFile(readFileSync(keyFile, 'utf8'));
      if (key.keyId === kept.keyId)
        return {
          patient: benchPatient({ patientId: kept.patientId, home: kept.home, key, scope }),
          created: false,
        };
    }
  }
  const patient = await registerPatient({ carrier, scope, extractable: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(keyFile, await exportKeyFile(patient.key), { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  const kept: KeptPatient = {
    patientId: patient.patientId,
    home: patient.home,
    keyId: patient.key.keyId,
  };
  writeFileSync(recordFile, `${JSON.stringify(kept, null, 2)}\n`);
  return { patient, created: true };
}

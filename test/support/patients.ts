import {
  generatePatientKey,
  hashEnrolmentCode,
  newEnrolmentCode,
  signAction,
  type PatientActionName,
  type PatientActions,
  type PatientKey,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import { enrollUser, newPatientId, type TestUser } from './identities.ts';
import { submit } from './ledger-calls.ts';
import { org, topology } from './ledger.ts';

/**
 * Patients as the tests make them (docs/patient-keys.md): registered by an admin of their home
 * organization, activated with a key made here (WebCrypto, as in the browser), and acting only
 * through statements signed with that key, carried by the home organization's admin.
 */
export interface TestPatient {
  readonly patientId: string;
  /** The home organization's short name (tertiary, community, enterprise). */
  readonly home: string;
  readonly homeMsp: string;
  readonly key: PatientKey;
  /** The home organization's admin, who registered the patient and carries their statements. */
  readonly carrier: TestUser;
  /** Signs an action as this patient with their key, valid from now for five minutes. */
  sign<A extends PatientActionName>(
    action: A,
    payload: PatientActions[A],
  ): Promise<SignedAction<A>>;
}

/** Signs an action for a patient with a key (as a guardian when `guardianId` is given). */
export function signFor<A extends PatientActionName>(
  options: Readonly<{
    key: PatientKey;
    patientId: string;
    action: A;
    payload: PatientActions[A];
    guardianId?: string;
    now?: Date;
  }>,
): Promise<SignedAction<A>> {
  return signAction(options.key, {
    action: options.action,
    channel: topology.channel.name,
    chaincode: topology.chaincode.name,
    patientId: options.patientId,
    signer:
      options.guardianId === undefined
        ? { kind: 'patient', id: options.patientId }
        : { kind: 'guardian', id: options.guardianId },
    payload: options.payload,
    now: options.now ?? new Date(),
  });
}

/** Options of {@link registerPatient}. */
export interface RegisterOptions {
  /** Leave the patient pending (registered, not activated); the code is then returned. */
  readonly activate?: boolean;
  /** For a minor. */
  readonly adultFrom?: string;
  /** An existing carrier (the home organization's admin). */
  readonly carrier?: TestUser;
}

/** A registered (and by default activated) patient, and their enrolment code. */
export async function registerPatient(
  home: string,
  options: Readonly<RegisterOptions> = {},
): Promise<TestPatient & { readonly enrolmentCode: string }> {
  const homeOrg = org(home);
  const carrier = options.carrier ?? (await enrollUser({ org: home, role: 'admin' }));
  const patientId = newPatientId();
  const enrolmentCode = newEnrolmentCode();
  await submit(carrier, 'patient:RegisterPatient', [
    {
      patientId,
      enrolment: hashEnrolmentCode(enrolmentCode),
      ...(options.adultFrom === undefined ? {} : { adultFrom: options.adultFrom }),
    },
  ]);
  const key = await generatePatientKey();
  const patient: TestPatient & { enrolmentCode: string } = {
    patientId,
    home,
    homeMsp: homeOrg.mspId,
    key,
    carrier,
    enrolmentCode,
    sign: (action, payload) => signFor({ key, patientId, action, payload }),
  };
  if (options.activate !== false) {
    await submit(carrier, 'patient:ActivatePatient', [
      await patient.sign('patient:ActivatePatient', { publicKey: key.publicKey, enrolmentCode }),
    ]);
  }
  return patient;
}

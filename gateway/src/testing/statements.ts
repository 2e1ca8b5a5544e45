import {
  generatePatientKey,
  signAction,
  type PatientActionName,
  type PatientActions,
  type PatientKey,
  type SignedAction,
} from '@consent-ledger/ledger-api';

/** Who signs a test statement: the patient (the default), or a guardian for the patient. */
export interface TestSigner {
  readonly patientId?: string;
  readonly guardianId?: string;
  /** A key of the test's own (one shared key otherwise). */
  readonly key?: PatientKey;
  readonly channel?: string;
  readonly chaincode?: string;
}

let shared: Promise<PatientKey> | undefined;

/** The key the test statements are signed with unless a test gives its own. */
export function testKey(): Promise<PatientKey> {
  shared ??= generatePatientKey();
  return shared;
}

/**
 * A statement signed as a patient's device signs it (ledger-api's patient client, WebCrypto),
 * for the test channel `health` and chaincode `consent-ledger`.
 */
export async function signed<A extends PatientActionName>(
  action: A,
  payload: PatientActions[A],
  signer: TestSigner = {},
): Promise<SignedAction<A>> {
  const patientId = signer.patientId ?? 'pid-abcdefghijklmnop';
  return signAction(signer.key ?? (await testKey()), {
    action,
    channel: signer.channel ?? 'health',
    chaincode: signer.chaincode ?? 'consent-ledger',
    patientId,
    signer:
      signer.guardianId === undefined
        ? { kind: 'patient', id: patientId }
        : { kind: 'guardian', id: signer.guardianId },
    payload,
    now: new Date(),
  });
}

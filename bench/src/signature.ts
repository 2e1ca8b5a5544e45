import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import {
  canonicalJson,
  fromBase64url,
  generatePatientKey,
  signAction,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import type { Operation } from './load.ts';
import { treatmentConsent } from './workloads.ts';

/**
 * The cost of checking a patient's signed statement, measured in this process (the chaincode runs
 * the same node:crypto calls on every endorsing peer, chaincode/src/patient/statement.ts): the
 * statement must be its own canonical JSON, the bound key is imported from SPKI DER and the ECDSA
 * P-256 / SHA-256 signature verified in IEEE P1363 form. Measured alone, since no workload of the
 * ledger can skip the check: a grant's endorsement carries it, among everything else.
 */

/** A signed statement and the public key that verifies it. */
export interface SignedSample {
  readonly action: SignedAction;
  /** SPKI DER, base64url. */
  readonly publicKey: string;
}

/** A grant statement signed with a fresh key (ledger-api's patient client, WebCrypto). */
export async function signedSample(): Promise<SignedSample> {
  const key = await generatePatientKey();
  const patientId = 'pid-benchsignaturesample';
  const action = await signAction(key, {
    action: 'consent:GrantConsent',
    channel: 'health',
    chaincode: 'consent-ledger',
    patientId,
    signer: { kind: 'patient', id: patientId },
    payload: treatmentConsent('CommunityHospitalMSP'),
    now: new Date(),
  });
  return { action, publicKey: key.publicKey };
}

/** The key object of an SPKI public key (what the chaincode builds once per check). */
export function publicKeyOf(spki: string): KeyObject {
  return createPublicKey({ key: Buffer.from(fromBase64url(spki)), format: 'der', type: 'spki' });
}

/** The ECDSA verification alone, with a key object made beforehand. */
export function verifySignature(sample: SignedSample, key: KeyObject): boolean {
  return verify(
    'sha256',
    Buffer.from(sample.action.statement, 'utf8'),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(fromBase64url(sample.action.signature)),
  );
}

/**
 * The whole check as an endorsing peer makes it: the statement parsed and compared with its
 * canonical JSON, the key imported, the signature verified.
 */
export function checkStatement(sample: SignedSample): boolean {
  const text = sample.action.statement;
  if (canonicalJson(JSON.parse(text)) !== text) return false;
  return verifySignature(sample, publicKeyOf(sample.publicKey));
}

/** Checks per operation: enough for the load's own timing to be negligible. */
export const CHECKS_PER_OPERATION = 100;

/** An operation of {@link CHECKS_PER_OPERATION} checks; its units are the checks. */
export function signatureOperation(check: () => boolean): Operation {
  return () => {
    for (let i = 0; i < CHECKS_PER_OPERATION; i += 1)
      if (!check()) return Promise.reject(new Error('a valid signature did not verify'));
    return Promise.resolve(CHECKS_PER_OPERATION);
  };
}

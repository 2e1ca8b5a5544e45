import type { ChaincodeStub } from 'fabric-shim-api';
import { ANY_GRANTEE, versionAttribute } from '../ledger/keys';
import {
  deleteIndex,
  documentsUnder,
  entriesUnder,
  readDocument,
  writeDocument,
  writeIndex,
} from '../ledger/state';
import { consentStatusAt } from './consent-evaluation';
import type { Consent, ConsentChange, ConsentVersion } from './consent.model';

/**
 * Consent state (keys.ts: `con`, `con~ver`, `con~pat`, `con~gra`). Every version is also kept
 * under its own `con~ver` key rather than read back with getHistoryForKey: the history then does
 * not depend on the peers' history database being enabled, pages by composite key like every other
 * query, and each version carries its txId and time as the chaincode wrote them.
 */

/** The `con~gra` attribute of a consent: its grantee organization, `*` for a deny to everyone. */
export function granteeAttribute(consent: Consent): string {
  return consent.grantee?.org ?? ANY_GRANTEE;
}

/** A consent, if it exists. */
export async function readConsent(
  stub: ChaincodeStub,
  consentId: string,
): Promise<Consent | undefined> {
  return readDocument(stub, ['consent', consentId]);
}

/** Every consent of a patient, in consent ID order. */
export async function patientConsents(stub: ChaincodeStub, patientId: string): Promise<Consent[]> {
  const consents: Consent[] = [];
  for await (const entry of entriesUnder(stub, ['consentByPatient', patientId])) {
    const consentId = entry.attributes[1];
    if (consentId === undefined) continue;
    const consent = await readConsent(stub, consentId);
    if (consent !== undefined) consents.push(consent);
  }
  return consents;
}

/** Every version of a consent, oldest first. */
export async function consentVersions(
  stub: ChaincodeStub,
  consentId: string,
): Promise<ConsentVersion[]> {
  const versions: ConsentVersion[] = [];
  for await (const version of documentsUnder(stub, ['consentVersion', consentId])) {
    versions.push(version);
  }
  return versions;
}

/** Options of {@link writeConsent}. */
export interface ConsentWrite {
  readonly consent: Consent;
  readonly change: ConsentChange;
  /** The version replaced (absent for a new consent). */
  readonly previous?: Consent;
}

/** Writes a consent version: current state, version snapshot, and the indexes that changed. */
export async function writeConsent(
  stub: ChaincodeStub,
  write: Readonly<ConsentWrite>,
): Promise<void> {
  const { consent, previous } = write;
  await writeDocument(stub, { key: ['consent', consent.consentId], value: consent });
  const version: ConsentVersion = {
    consentId: consent.consentId,
    version: consent.version,
    change: write.change,
    txId: consent.txId,
    time: consent.updatedAt,
    consent,
  };
  await writeDocument(stub, {
    key: ['consentVersion', consent.consentId, versionAttribute(consent.version)],
    value: version,
  });
  if (previous === undefined) {
    await writeIndex(stub, ['consentByPatient', consent.patientId, consent.consentId]);
  }
  const grantee = granteeAttribute(consent);
  if (previous !== undefined && granteeAttribute(previous) !== grantee) {
    await deleteIndex(stub, [
      'consentByGrantee',
      granteeAttribute(previous),
      consent.patientId,
      consent.consentId,
    ]);
  }
  if (previous === undefined || granteeAttribute(previous) !== grantee) {
    await writeIndex(stub, ['consentByGrantee', grantee, consent.patientId, consent.consentId]);
  }
}

/** A consent as reads report it (status `expired` once validUntil has passed). */
export function presentConsent(consent: Consent, now: string): Consent {
  const status = consentStatusAt(consent, now);
  return status === consent.status ? consent : { ...consent, status };
}

import {
  ANY_GRANTEE,
  type Consent,
  type ConsentChange,
  type ConsentVersion,
} from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import { stateKey, versionAttribute } from '../ledger/keys';
import { decodeBookmark, encodeBookmark, indexEntries } from '../ledger/pagination';
import {
  deleteIndex,
  documentsUnder,
  entriesUnder,
  readDocument,
  writeDocument,
  writeIndex,
} from '../ledger/state';
import { consentStatusAt } from './consent-evaluation';

/**
 * Consent state (keys.ts: `con`, `con~ver`, `con~pat`, `con~gra`). The current version lives
 * under `con`; a version is copied to its own `con~ver` key by the transaction that replaces it,
 * so a grant writes the document once and the history is the snapshots plus the current version.
 * The history is kept in state rather than read back with getHistoryForKey: it then does not
 * depend on the peers' history database being enabled, and each version carries its txId and
 * time as the chaincode wrote them.
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

/** A patient found in the grantee index, and where a later scan resumes at it. */
export interface GranteePatient {
  readonly patientId: string;
  /** Resumes a scan at this patient's first index entry (opaque, handed to clients). */
  readonly bookmark: string;
  /** Index entries this scan examined before this patient's first one. */
  readonly examined: number;
}

/** Where {@link patientsGrantedTo} scans. */
export interface GranteeScan {
  /** The grantee organization. */
  readonly org: string;
  /** Where an earlier scan stopped (a GranteePatient's bookmark); empty for the start. */
  readonly bookmark: string;
}

/**
 * The patients with consents granted to an organization, one per patient at its first entry of
 * the grantee index (`con~gra`), in index order, from a bookmark of an earlier scan. A bookmark
 * outside the organization's range is INVALID_ARGUMENT. It iterates the plain range query (a
 * submit transaction may not use paginated queries), skipping to the bookmark; stop by breaking
 * out of the loop.
 */
export async function* patientsGrantedTo(
  stub: ChaincodeStub,
  scan: Readonly<GranteeScan>,
): AsyncGenerator<GranteePatient> {
  const prefix = [scan.org];
  const startKey =
    scan.bookmark === ''
      ? undefined
      : decodeBookmark(scan.bookmark, {
          prefixKey: stateKey(stub, ['consentByGrantee', ...prefix]),
        });
  let examined = 0;
  let current: string | undefined;
  for await (const entry of indexEntries(stub, {
    type: 'consentByGrantee',
    prefix,
    ...(startKey === undefined ? {} : { startKey }),
    readOnly: false,
  })) {
    const patientId = entry.attributes[1];
    if (patientId === undefined) continue;
    if (patientId !== current) {
      current = patientId;
      yield { patientId, bookmark: encodeBookmark(entry.key), examined };
    }
    examined += 1;
  }
}

/** What made a version: the first is the grant, a revoked one the revocation. */
function changeOf(consent: Consent): ConsentChange {
  if (consent.version === 1) return 'granted';
  return consent.status === 'revoked' ? 'revoked' : 'updated';
}

/** A version of a consent as its history reports it. */
function versionOf(consent: Consent): ConsentVersion {
  return {
    consentId: consent.consentId,
    version: consent.version,
    change: changeOf(consent),
    txId: consent.txId,
    time: consent.updatedAt,
    consent,
  };
}

/**
 * Every version of a consent, oldest first: the replaced versions' snapshots, then the current
 * document. (Snapshots at or above the current version, which an earlier layout wrote for every
 * version, are left to the current document.)
 */
export async function consentVersions(
  stub: ChaincodeStub,
  current: Consent,
): Promise<ConsentVersion[]> {
  const versions: ConsentVersion[] = [];
  for await (const version of documentsUnder(stub, ['consentVersion', current.consentId])) {
    if (version.version < current.version) versions.push(version);
  }
  versions.push(versionOf(current));
  return versions;
}

/** Options of {@link writeConsent}. */
export interface ConsentWrite {
  readonly consent: Consent;
  readonly change: ConsentChange;
  /** The version replaced (absent for a new consent). */
  readonly previous?: Consent;
}

/** Writes a consent version: current state, the replaced version's snapshot, changed indexes. */
export async function writeConsent(
  stub: ChaincodeStub,
  write: Readonly<ConsentWrite>,
): Promise<void> {
  const { consent, previous } = write;
  await writeDocument(stub, { key: ['consent', consent.consentId], value: consent });
  if (previous === undefined) {
    await writeIndex(stub, ['consentByPatient', consent.patientId, consent.consentId]);
  } else {
    await writeDocument(stub, {
      key: ['consentVersion', previous.consentId, versionAttribute(previous.version)],
      value: versionOf(previous),
    });
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

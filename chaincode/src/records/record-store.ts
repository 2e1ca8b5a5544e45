import type { ChaincodeStub } from 'fabric-shim-api';
import { stateKey, versionAttribute } from '../ledger/keys';
import { documentsUnder, readDocument, writeDocument, writeIndex } from '../ledger/state';
import { ownerEndorsementPolicy } from './endorsement';
import type { Batch, RecordAnchor } from '@consent-ledger/ledger-api';

/** Record and batch state (keys.ts: `rec`, `rec~ver`, `rec~pat`, `rec~org`, `bat`). */

/** A record's latest anchor, if the record exists. */
export async function readRecordHead(
  stub: ChaincodeStub,
  recordId: string,
): Promise<RecordAnchor | undefined> {
  return readDocument(stub, ['record', recordId]);
}

/** One version of a record, if it exists. */
export async function readRecordVersion(
  stub: ChaincodeStub,
  wanted: { readonly recordId: string; readonly version: number },
): Promise<RecordAnchor | undefined> {
  return readDocument(stub, ['recordVersion', wanted.recordId, versionAttribute(wanted.version)]);
}

/** Every version of a record, oldest first. */
export async function recordVersions(
  stub: ChaincodeStub,
  recordId: string,
): Promise<RecordAnchor[]> {
  const versions: RecordAnchor[] = [];
  for await (const version of documentsUnder(stub, ['recordVersion', recordId])) {
    versions.push(version);
  }
  return versions;
}

/**
 * Writes an anchor as the record's new head and version. Version 1 also writes the patient and
 * owner indexes and puts the owner's key-level endorsement policy on the head.
 */
export async function writeRecordAnchor(stub: ChaincodeStub, anchor: RecordAnchor): Promise<void> {
  await writeDocument(stub, { key: ['record', anchor.recordId], value: anchor });
  await writeDocument(stub, {
    key: ['recordVersion', anchor.recordId, versionAttribute(anchor.version)],
    value: anchor,
  });
  if (anchor.version === 1) {
    await writeIndex(stub, ['recordByPatient', anchor.patientId, anchor.recordId]);
    await writeIndex(stub, ['recordByOrg', anchor.owner, anchor.recordId]);
    await stub.setStateValidationParameter(
      stateKey(stub, ['record', anchor.recordId]),
      ownerEndorsementPolicy(anchor.owner),
    );
  }
}

/** A batch, if it exists. */
export async function readBatch(stub: ChaincodeStub, batchId: string): Promise<Batch | undefined> {
  return readDocument(stub, ['batch', batchId]);
}

/** Writes a batch record (the only state a batch has). */
export async function writeBatch(stub: ChaincodeStub, batch: Batch): Promise<void> {
  await writeDocument(stub, { key: ['batch', batch.batchId], value: batch });
}

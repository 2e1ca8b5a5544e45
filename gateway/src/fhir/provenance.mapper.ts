/**
 * Ledger record anchors -> FHIR R4 Provenance (one per anchored version, or per batch member).
 *
 * | ledger                   | FHIR R4 Provenance                                                           |
 * | ------------------------ | ---------------------------------------------------------------------------- |
 * | recordId                 | `target`: logical reference, type DocumentReference, identifier in the       |
 * |                          | record-id naming system (the record itself is off-ledger)                    |
 * | timestamp                | `recorded`                                                                   |
 * | owner                    | `agent`: Organization/<mspId>, type provenance-participant-type#custodian     |
 * | anchoredBy               | `agent` type enterer, who = identity hash (identity-hash naming system),       |
 * |                          | on behalf of the owner                                                       |
 * | previousSha256           | `entity` (role revision): the record's previous version, with its sha256 and  |
 * |                          | record-version extensions                                                    |
 * | (single / batch)         | `activity` ledger-activity#anchor / #batch-anchor                            |
 * | batchId, root, leafIndex | `entity` (role source): the batch by identifier (batch-id naming system),    |
 * |                          | with merkle-root and merkle-leaf-index extensions                           |
 * | sha256, version,         | extensions sha256, record-version, data-category, ledger-tx-id; the patient |
 * | category, txId, patient  | in the R5 cross-version extension Provenance.patient (patient and category   |
 * |                          | only when this organization holds the record's link: anchors are public)     |
 *
 * No `signature`: the ledger's endorsements are not carried into FHIR. The Provenance `id` is
 * derived from what it describes (`prov-` + 24 hex of SHA-256), so it is stable across reads.
 */
import { createHash } from 'node:crypto';
import type * as fhir4 from './fhir-r4.types.js';
import {
  EXTENSION,
  NAMING_SYSTEM,
  PROJECT_SYSTEM,
  SYSTEM,
  categoryCoding,
  logicalReference,
  recordReference,
} from './fhir-terminology.js';
import type { AnchorView, BatchItemView, BatchView, RecordView } from './ledger-views.js';

/** The logical ID of the Provenance of an anchored record version (record IDs are per owner). */
export function anchorProvenanceId(
  anchor: Readonly<{ owner: string; recordId: string; version: number }>,
): string {
  return derivedId(`anchor:${anchor.owner}:${anchor.recordId}:${String(anchor.version)}`);
}

/** The logical ID of the Provenance of a batch member. */
export function batchMemberProvenanceId(batchId: string, recordId: string): string {
  return derivedId(`batch:${batchId}:${recordId}`);
}

/** The Provenance of one anchored version of a record. */
export function toProvenance(anchor: AnchorView): fhir4.Provenance {
  return {
    resourceType: 'Provenance',
    id: anchorProvenanceId(anchor),
    extension: [
      ...recordExtensions(anchor),
      { url: EXTENSION.recordVersion, valuePositiveInt: anchor.version },
      { url: EXTENSION.txId, valueString: anchor.txId },
    ],
    target: [recordReference(anchor.recordId)],
    recorded: anchor.timestamp,
    activity: activity(anchor.batchId === undefined ? 'anchor' : 'batch-anchor'),
    agent: [
      custodian(anchor.owner),
      ...(anchor.anchoredBy === undefined ? [] : [enterer(anchor.anchoredBy, anchor.owner)]),
    ],
    ...optionalEntities([
      ...(anchor.previousSha256 === undefined ? [] : [previousVersion(anchor)]),
      ...(anchor.batchId === undefined ? [] : [batchEntity(anchor.batchId)]),
    ]),
  };
}

function optionalEntities(entity: fhir4.ProvenanceEntity[]): { entity?: fhir4.ProvenanceEntity[] } {
  return entity.length === 0 ? {} : { entity };
}

/** The version this one revises, identified by record ID, version number and hash. */
function previousVersion(anchor: AnchorView): fhir4.ProvenanceEntity {
  return {
    role: 'revision',
    what: recordReference(anchor.recordId),
    extension: [
      { url: EXTENSION.sha256, valueString: anchor.previousSha256 ?? '' },
      ...(anchor.version > 1
        ? [{ url: EXTENSION.recordVersion, valuePositiveInt: anchor.version - 1 }]
        : []),
    ],
  };
}

function enterer(identityHash: string, mspId: string): fhir4.ProvenanceAgent {
  return {
    type: {
      coding: [{ system: SYSTEM.provenanceParticipantType, code: 'enterer', display: 'Enterer' }],
    },
    who: { identifier: { system: NAMING_SYSTEM.identityHash, value: identityHash } },
    onBehalfOf: logicalReference('Organization', mspId),
  };
}

/** Where a batch member sits in its Merkle tree, when known (RFC 6962 leaf index). */
export interface BatchMemberPosition {
  readonly leafIndex?: number;
}

/** The Provenance of one item anchored in a Merkle batch. */
export function toBatchMemberProvenance(
  batch: BatchView,
  item: BatchItemView,
  position: BatchMemberPosition = {},
): fhir4.Provenance {
  return {
    resourceType: 'Provenance',
    id: batchMemberProvenanceId(batch.batchId, item.recordId),
    extension: [...recordExtensions(item), { url: EXTENSION.txId, valueString: batch.txId }],
    target: [recordReference(item.recordId)],
    recorded: batch.timestamp,
    activity: activity('batch-anchor'),
    agent: [custodian(batch.owner)],
    entity: [batchEntity(batch.batchId, batch.root, position.leafIndex)],
  };
}

/** The patient (when known here), the hash and the category (when known here) of a record. */
function recordExtensions(item: RecordView): fhir4.Extension[] {
  return [
    ...(item.patientId === undefined
      ? []
      : [
          {
            url: EXTENSION.provenancePatient,
            valueReference: logicalReference('Patient', item.patientId),
          },
        ]),
    { url: EXTENSION.sha256, valueString: item.sha256 },
    ...(item.category === undefined
      ? []
      : [{ url: EXTENSION.dataCategory, valueCoding: categoryCoding(item.category) }]),
  ];
}

function activity(code: 'anchor' | 'batch-anchor'): fhir4.CodeableConcept {
  return {
    coding: [
      {
        system: PROJECT_SYSTEM.ledgerActivity,
        code,
        display: code === 'anchor' ? 'Record fingerprint anchored' : 'Record anchored in a batch',
      },
    ],
  };
}

function custodian(mspId: string): fhir4.ProvenanceAgent {
  return {
    type: {
      coding: [
        { system: SYSTEM.provenanceParticipantType, code: 'custodian', display: 'Custodian' },
      ],
    },
    who: logicalReference('Organization', mspId),
  };
}

function batchEntity(batchId: string, root?: string, leafIndex?: number): fhir4.ProvenanceEntity {
  const extension: fhir4.Extension[] = [];
  if (root !== undefined) extension.push({ url: EXTENSION.merkleRoot, valueString: root });
  if (leafIndex !== undefined)
    extension.push({ url: EXTENSION.leafIndex, valueUnsignedInt: leafIndex });
  return {
    role: 'source',
    what: { identifier: { system: NAMING_SYSTEM.batchId, value: batchId } },
    ...(extension.length === 0 ? {} : { extension }),
  };
}

function derivedId(seed: string): string {
  return `prov-${createHash('sha256').update(seed).digest('hex').slice(0, 24)}`;
}

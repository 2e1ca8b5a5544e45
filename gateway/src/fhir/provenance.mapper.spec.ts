import { describe, expect, it } from 'vitest';
import { validateResource } from './fhir-schema.validator.js';
import { EXTENSION, NAMING_SYSTEM, PROJECT_SYSTEM, logicalReference } from './fhir-terminology.js';
import type { AnchorView as RecordAnchor, BatchView as Batch } from './ledger-views.js';
import {
  anchorProvenanceId,
  batchMemberProvenanceId,
  toBatchMemberProvenance,
  toProvenance,
} from './provenance.mapper.js';

const anchor: RecordAnchor = {
  recordId: 'lab/2026/0001',
  version: 2,
  patientId: 'pid-abcdefghijklmnop',
  category: 'laboratory',
  sha256: '1'.repeat(64),
  owner: 'TertiaryHospitalMSP',
  timestamp: '2026-11-22T03:27:06.155Z',
  txId: '2'.repeat(64),
};

const batch: Batch = {
  batchId: 'bat-0123456789abcdef01234567',
  root: '3'.repeat(64),
  size: 1000,
  owner: 'CommunityHospitalMSP',
  timestamp: '2026-11-22T04:00:00.000Z',
  txId: '4'.repeat(64),
};

const target = {
  type: 'DocumentReference',
  identifier: { system: NAMING_SYSTEM.recordId, value: 'lab/2026/0001' },
};

describe('toProvenance', () => {
  it('maps an anchored version to a valid Provenance', () => {
    const provenance = toProvenance(anchor);
    expect(validateResource(provenance).errors).toEqual([]);
    expect(provenance).toEqual({
      resourceType: 'Provenance',
      id: anchorProvenanceId({
        owner: 'TertiaryHospitalMSP',
        recordId: 'lab/2026/0001',
        version: 2,
      }),
      extension: [
        {
          url: EXTENSION.provenancePatient,
          valueReference: logicalReference('Patient', 'pid-abcdefghijklmnop'),
        },
        { url: EXTENSION.sha256, valueString: '1'.repeat(64) },
        {
          url: EXTENSION.dataCategory,
          valueCoding: {
            system: PROJECT_SYSTEM.dataCategory,
            code: 'laboratory',
            display: 'Laboratory results',
          },
        },
        { url: EXTENSION.recordVersion, valuePositiveInt: 2 },
        { url: EXTENSION.txId, valueString: '2'.repeat(64) },
      ],
      target: [target],
      recorded: anchor.timestamp,
      activity: {
        coding: [
          {
            system: PROJECT_SYSTEM.ledgerActivity,
            code: 'anchor',
            display: 'Record fingerprint anchored',
          },
        ],
      },
      agent: [
        {
          type: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
                code: 'custodian',
                display: 'Custodian',
              },
            ],
          },
          who: logicalReference('Organization', 'TertiaryHospitalMSP'),
        },
      ],
    });
  });

  it('names who anchored it and the version it revises', () => {
    const provenance = toProvenance({
      ...anchor,
      anchoredBy: '6'.repeat(64),
      previousSha256: '7'.repeat(64),
    });
    expect(validateResource(provenance).errors).toEqual([]);
    expect(provenance.agent[1]).toEqual({
      type: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
            code: 'enterer',
            display: 'Enterer',
          },
        ],
      },
      who: { identifier: { system: NAMING_SYSTEM.identityHash, value: '6'.repeat(64) } },
      onBehalfOf: logicalReference('Organization', 'TertiaryHospitalMSP'),
    });
    expect(provenance.entity).toEqual([
      {
        role: 'revision',
        what: target,
        extension: [
          { url: EXTENSION.sha256, valueString: '7'.repeat(64) },
          { url: EXTENSION.recordVersion, valuePositiveInt: 1 },
        ],
      },
    ]);
  });

  it('names the batch of a version anchored in one', () => {
    const provenance = toProvenance({ ...anchor, batchId: batch.batchId });
    expect(validateResource(provenance).errors).toEqual([]);
    expect(provenance.activity?.coding?.[0]?.code).toBe('batch-anchor');
    expect(provenance.entity).toEqual([
      {
        role: 'source',
        what: { identifier: { system: NAMING_SYSTEM.batchId, value: batch.batchId } },
      },
    ]);
  });

  it('leaves out the patient and category of a public anchor whose link this organization does not hold', () => {
    const { patientId: _patient, category: _category, ...publicAnchor } = anchor;
    const provenance = toProvenance(publicAnchor);
    expect(validateResource(provenance).errors).toEqual([]);
    expect(provenance.extension?.map((extension) => extension.url)).toEqual([
      EXTENSION.sha256,
      EXTENSION.recordVersion,
      EXTENSION.txId,
    ]);
  });

  it('derives stable, distinct, valid ids (one per owner, record ID and version)', () => {
    const id = (owner: string, recordId: string, version: number): string =>
      anchorProvenanceId({ owner, recordId, version });
    expect(id('AMSP', 'r', 1)).toBe(id('AMSP', 'r', 1));
    expect(id('AMSP', 'r', 1)).not.toBe(id('AMSP', 'r', 2));
    // Two organizations' records of the same ID are two records.
    expect(id('AMSP', 'r', 1)).not.toBe(id('BMSP', 'r', 1));
    expect(id('AMSP', 'r', 1)).toMatch(/^prov-[0-9a-f]{24}$/);
    expect(batchMemberProvenanceId('b', 'r')).not.toBe(id('AMSP', 'r', 1));
  });
});

describe('toBatchMemberProvenance', () => {
  it('maps a batch member, with the Merkle root and leaf index', () => {
    const item = {
      recordId: 'lab/2026/0001',
      patientId: 'pid-abcdefghijklmnop',
      category: 'imaging',
      sha256: '5'.repeat(64),
    };
    const provenance = toBatchMemberProvenance(batch, item, { leafIndex: 17 });
    expect(validateResource(provenance).errors).toEqual([]);
    expect(provenance).toMatchObject({
      id: batchMemberProvenanceId(batch.batchId, item.recordId),
      target: [target],
      recorded: batch.timestamp,
      activity: { coding: [{ code: 'batch-anchor' }] },
      agent: [{ who: logicalReference('Organization', 'CommunityHospitalMSP') }],
      entity: [
        {
          role: 'source',
          what: { identifier: { system: NAMING_SYSTEM.batchId, value: batch.batchId } },
          extension: [
            { url: EXTENSION.merkleRoot, valueString: '3'.repeat(64) },
            { url: EXTENSION.leafIndex, valueUnsignedInt: 17 },
          ],
        },
      ],
    });
    expect(provenance.extension).toContainEqual({
      url: EXTENSION.sha256,
      valueString: '5'.repeat(64),
    });
    expect(provenance.extension).toContainEqual({
      url: EXTENSION.txId,
      valueString: '4'.repeat(64),
    });
    const withoutIndex = toBatchMemberProvenance(batch, item);
    expect(validateResource(withoutIndex).errors).toEqual([]);
    expect(withoutIndex.entity?.[0]?.extension).toHaveLength(1);
  });
});

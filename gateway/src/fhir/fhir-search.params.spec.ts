import { describe, expect, it } from 'vitest';
import { FhirArgumentError } from './fhir.errors.js';
import { NAMING_SYSTEM } from './fhir-terminology.js';
import {
  dateWindow,
  parseAuditEventSearch,
  parseConsentSearch,
  parseProvenanceSearch,
  queryPairs,
  resultControls,
  searchHandling,
} from './fhir-search.params.js';
import type * as fhir4 from './fhir-r4.types.js';

const PID = 'pid-abcdefghijklmnop';

function refusal(parse: () => unknown): FhirArgumentError {
  try {
    parse();
  } catch (error) {
    if (error instanceof FhirArgumentError) return error;
    throw error;
  }
  throw new Error('expected a FhirArgumentError');
}

describe('dateWindow', () => {
  it.each([
    [['eq2026-01-15'], { from: '2026-01-15T00:00:00.000Z', to: '2026-01-16T00:00:00.000Z' }],
    [['2026-01'], { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' }],
    [['2026'], { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' }],
    [['ge2026-01-15'], { from: '2026-01-15T00:00:00.000Z' }],
    [['gt2026-01-15'], { from: '2026-01-16T00:00:00.000Z' }],
    [['sa2026-01-15'], { from: '2026-01-16T00:00:00.000Z' }],
    [['le2026-01-15'], { to: '2026-01-16T00:00:00.000Z' }],
    [['lt2026-01-15'], { to: '2026-01-15T00:00:00.000Z' }],
    [['eb2026-01-15'], { to: '2026-01-15T00:00:00.000Z' }],
    [
      ['ge2026-01-01T08:00:00+08:00', 'lt2026-02-01T00:00:00Z'],
      { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
    ],
    [['le2026-01-15T10:00:00Z'], { to: '2026-01-15T10:00:01.000Z' }],
    [
      ['ge2026-01-15T10:00Z', 'lt2026-01-15T18:30+08:00'],
      { from: '2026-01-15T10:00:00.000Z', to: '2026-01-15T10:30:00.000Z' },
    ],
    [['le2026-01-15T10:00Z'], { to: '2026-01-15T10:01:00.000Z' }],
    [
      ['eq2026-01-15T10:00:00.123Z'],
      { from: '2026-01-15T10:00:00.123Z', to: '2026-01-15T10:00:00.124Z' },
    ],
    [
      ['ge2026-01-01', 'ge2026-03-01', 'le2026-12-31', 'lt2026-06-01'],
      { from: '2026-03-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' },
    ],
  ])('%j -> %j', (params, window) => {
    expect(dateWindow(params)).toEqual({ ...window, empty: false });
  });

  it('detects windows that exclude everything', () => {
    expect(dateWindow(['ge2026-02-01', 'lt2026-01-01']).empty).toBe(true);
    expect(dateWindow(['gt2026-01-01', 'lt2026-01-02']).empty).toBe(true);
    expect(dateWindow([]).empty).toBe(false);
  });

  it('refuses unsupported prefixes and malformed dates', () => {
    expect(refusal(() => dateWindow(['ne2026-01-01'])).issueType).toBe('not-supported');
    expect(refusal(() => dateWindow(['ap2026-01-01'])).issueType).toBe('not-supported');
    for (const value of [
      '2026-13-01',
      '2026-02-30',
      'yesterday',
      'ge',
      '2026-01-01T10:00',
      '2026-01-01T10:00:00',
    ])
      expect(refusal(() => dateWindow([value])).expression).toEqual(['date']);
  });
});

const consentResource = (overrides: Partial<fhir4.Consent> = {}): fhir4.Consent => ({
  resourceType: 'Consent',
  id: 'con-1',
  status: 'active',
  scope: {},
  category: [],
  dateTime: '2026-01-15T10:00:00.000Z',
  provision: {
    actor: [
      { role: {}, reference: { reference: 'Organization/TertiaryHospitalMSP' } },
      { role: {}, reference: { reference: 'Practitioner/dr-1' } },
    ],
    purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }],
  },
  ...overrides,
});

describe('parseConsentSearch', () => {
  it('maps patient and status to the ledger filter, the controls to their defaults', () => {
    const search = parseConsentSearch({ patient: `Patient/${PID}`, status: 'active' });
    expect(search.filter).toEqual({ patientId: PID, status: 'active' });
    expect(search.empty).toBe(false);
    expect(search.controls).toEqual({
      count: 25,
      descending: true,
      total: 'accurate',
      summaryCount: false,
    });
    expect(search.used).toEqual([
      ['patient', `Patient/${PID}`],
      ['status', 'active'],
      ['_count', '25'],
    ]);
    expect(parseConsentSearch({ patient: PID }).filter).toEqual({ patientId: PID });
  });

  it('reads inactive as revoked or expired (kept after the read) and ORs comma lists', () => {
    const inactive = parseConsentSearch({ status: 'inactive' });
    expect(inactive.filter).toEqual({});
    expect(inactive.keep(consentResource({ status: 'inactive' }))).toBe(true);
    expect(inactive.keep(consentResource())).toBe(false);
    const both = parseConsentSearch({
      status: 'active,http://hl7.org/fhir/consent-state-codes|inactive',
    });
    expect(both.filter).toEqual({});
    expect(both.keep(consentResource({ status: 'inactive' }))).toBe(true);
    expect(both.keep(consentResource())).toBe(true);
  });

  it('knows that draft or proposed consents never exist on the ledger', () => {
    expect(parseConsentSearch({ status: 'draft,proposed' }).empty).toBe(true);
    expect(parseConsentSearch({ status: ['active', 'inactive'] }).empty).toBe(true);
  });

  it('matches date, actor, purpose and _id on the resource; one organization narrows the ledger', () => {
    const search = parseConsentSearch({
      date: ['ge2026-01-15', 'lt2026-01-16T00:00Z'],
      actor: 'Organization/TertiaryHospitalMSP',
      purpose: 'http://terminology.hl7.org/CodeSystem/v3-ActReason|TREAT,HRESCH',
      _id: 'con-1,con-2',
    });
    expect(search.filter).toEqual({ grantee: 'TertiaryHospitalMSP' });
    expect(search.keep(consentResource())).toBe(true);
    expect(search.keep(consentResource({ id: 'con-3' }))).toBe(false);
    expect(search.keep(consentResource({ dateTime: '2026-01-16T00:00:00.000Z' }))).toBe(false);
    expect(search.keep(consentResource({ provision: { purpose: [{ code: 'TREAT' }] } }))).toBe(
      false,
    );
    const practitioner = parseConsentSearch({ actor: 'Practitioner/dr-1,Practitioner/dr-2' });
    expect(practitioner.filter).toEqual({});
    expect(practitioner.keep(consentResource())).toBe(true);
    expect(parseConsentSearch({ actor: 'dr-9' }).keep(consentResource())).toBe(false);
    expect(
      parseConsentSearch({ actor: 'https://gov.example/fhir/Organization/TertiaryHospitalMSP' })
        .filter,
    ).toEqual({ grantee: 'TertiaryHospitalMSP' });
    expect(parseConsentSearch({ date: ['gt2026-02-01', 'lt2026-01-01'] }).empty).toBe(true);
  });

  it('refuses unknown parameters, modifiers, bad values and repeats (strict)', () => {
    expect(refusal(() => parseConsentSearch({ patinet: PID })).issueType).toBe('not-supported');
    expect(refusal(() => parseConsentSearch({ 'patient:missing': 'true' })).expression).toEqual([
      'patient:missing',
    ]);
    expect(refusal(() => parseConsentSearch({ patient: 'Patient/123' })).expression).toEqual([
      'patient',
    ]);
    expect(refusal(() => parseConsentSearch({ patient: [PID, PID] })).expression).toEqual([
      'patient',
    ]);
    expect(refusal(() => parseConsentSearch({ patient: `${PID},${PID}` })).expression).toEqual([
      'patient',
    ]);
    expect(refusal(() => parseConsentSearch({ status: 'revoked' })).expression).toEqual(['status']);
    expect(refusal(() => parseConsentSearch({ status: { a: 'b' } })).expression).toEqual([
      'status',
    ]);
    expect(refusal(() => parseConsentSearch({ actor: 'a b' })).expression).toEqual(['actor']);
    expect(refusal(() => parseConsentSearch({ purpose: 'x|' })).expression).toEqual(['purpose']);
    expect(parseConsentSearch({ _format: 'application/fhir+json' }).empty).toBe(false);
  });

  it('ignores unknown parameters under lenient handling, leaving them out of the links', () => {
    const search = parseConsentSearch(
      { patinet: PID, 'status:not': 'x', status: 'active' },
      'lenient',
    );
    expect(search.ignored).toEqual(['patinet', 'status:not']);
    expect(search.used).toEqual([
      ['status', 'active'],
      ['_count', '25'],
    ]);
    expect(refusal(() => parseConsentSearch({ status: 'revoked' }, 'lenient')).expression).toEqual([
      'status',
    ]);
  });
});

describe('searchHandling', () => {
  it('reads Prefer: handling=lenient, strict otherwise', () => {
    expect(searchHandling('handling=lenient')).toBe('lenient');
    expect(searchHandling('return=minimal, handling=lenient')).toBe('lenient');
    expect(searchHandling(['respond-async', 'handling="lenient"'])).toBe('lenient');
    expect(searchHandling('handling=strict')).toBe('strict');
    expect(searchHandling(undefined)).toBe('strict');
  });
});

describe('resultControls', () => {
  it('clamps _count, takes 0, and reads _sort, _total, _summary and _elements', () => {
    expect(resultControls({ _count: '1000' }).count).toBe(100);
    expect(resultControls({ _count: '0' }).count).toBe(0);
    expect(
      resultControls({
        _sort: 'date',
        _total: 'none',
        _summary: 'count',
        _elements: 'id,recorded, outcome',
        _cursor: 'abc',
      }),
    ).toEqual({
      count: 25,
      cursor: 'abc',
      descending: false,
      total: 'none',
      summaryCount: true,
      elements: ['id', 'recorded', 'outcome'],
    });
    expect(resultControls({ _summary: 'false', _total: 'estimate' })).toMatchObject({
      summaryCount: false,
      total: 'estimate',
    });
  });

  it('refuses what it cannot do', () => {
    expect(refusal(() => resultControls({ _count: '2.5' })).expression).toEqual(['_count']);
    expect(refusal(() => resultControls({ _count: '-1' })).expression).toEqual(['_count']);
    expect(refusal(() => resultControls({ _sort: 'status' })).issueType).toBe('not-supported');
    expect(refusal(() => resultControls({ _total: 'exact' })).expression).toEqual(['_total']);
    expect(refusal(() => resultControls({ _summary: 'true' })).issueType).toBe('not-supported');
    expect(refusal(() => resultControls({ _elements: 'a.b' })).expression).toEqual(['_elements']);
  });
});

const auditEvent = (overrides: Partial<fhir4.AuditEvent> = {}): fhir4.AuditEvent => ({
  resourceType: 'AuditEvent',
  id: 'evt-1',
  type: {},
  recorded: '2026-01-15T10:00:00.000Z',
  agent: [
    { who: { reference: 'Organization/TertiaryHospitalMSP' }, requestor: true },
    { who: { reference: 'Practitioner/dr-1' }, requestor: true },
  ],
  source: {
    observer: {
      type: 'Device',
      identifier: { system: NAMING_SYSTEM.device, value: 'consent-ledger' },
    },
  },
  entity: [
    { what: { reference: `Patient/${PID}` } },
    { what: { reference: 'Consent/con-1' } },
    {
      what: {
        type: 'DocumentReference',
        identifier: { system: NAMING_SYSTEM.recordId, value: 'rec-1' },
      },
    },
  ],
  ...overrides,
});

describe('parseAuditEventSearch', () => {
  it('maps patient, date and outcome to the ledger filter', () => {
    const search = parseAuditEventSearch({
      patient: `Patient/${PID}`,
      date: ['ge2026-01-01', 'lt2026-02-01'],
      outcome: '4',
      _count: '50',
    });
    expect(search.filter).toEqual({
      patientId: PID,
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-02-01T00:00:00.000Z',
      decision: 'deny',
    });
    expect(search.controls.count).toBe(50);
    expect(search.empty).toBe(false);
    expect(parseAuditEventSearch({ outcome: '0' }).filter.decision).toBe('permit');
    expect(parseAuditEventSearch({ outcome: '0,4' }).filter.decision).toBeUndefined();
    expect(
      parseAuditEventSearch({
        outcome: 'http://terminology.hl7.org/CodeSystem/audit-event-outcome|0',
      }).filter.decision,
    ).toBe('permit');
  });

  it('matches agent, source, entity and _id (logical references by identifier)', () => {
    const byOrg = parseAuditEventSearch({ agent: 'Organization/TertiaryHospitalMSP' });
    expect(byOrg.filter).toEqual({ accessorOrg: 'TertiaryHospitalMSP' });
    expect(byOrg.keep(auditEvent())).toBe(true);
    expect(parseAuditEventSearch({ agent: 'Practitioner/dr-2' }).keep(auditEvent())).toBe(false);
    expect(parseAuditEventSearch({ source: 'Device/consent-ledger' }).keep(auditEvent())).toBe(
      true,
    );
    expect(parseAuditEventSearch({ source: 'Device/other' }).keep(auditEvent())).toBe(false);
    for (const entity of [`Patient/${PID}`, 'Consent/con-1', 'DocumentReference/rec-1', 'rec-1'])
      expect(parseAuditEventSearch({ entity }).keep(auditEvent()), entity).toBe(true);
    expect(parseAuditEventSearch({ entity: 'Consent/con-2' }).keep(auditEvent())).toBe(false);
    expect(
      parseAuditEventSearch({ entity: ['Consent/con-1', 'DocumentReference/rec-1'] }).keep(
        auditEvent(),
      ),
    ).toBe(true);
    expect(parseAuditEventSearch({ _id: 'evt-2' }).keep(auditEvent())).toBe(false);
  });

  it('knows when nothing can match', () => {
    expect(parseAuditEventSearch({ outcome: '8,12' }).empty).toBe(true);
    expect(parseAuditEventSearch({ outcome: ['0', '4'] }).empty).toBe(true);
    expect(parseAuditEventSearch({ date: ['gt2026-02-01', 'lt2026-01-01'] }).empty).toBe(true);
  });

  it('refuses bad outcomes and unknown parameters', () => {
    expect(refusal(() => parseAuditEventSearch({ outcome: '1' })).expression).toEqual(['outcome']);
    expect(refusal(() => parseAuditEventSearch({ status: 'active' })).expression).toEqual([
      'status',
    ]);
  });
});

describe('parseProvenanceSearch', () => {
  it('reads the record from target or target:identifier', () => {
    expect(parseProvenanceSearch({ target: 'lab-0001' }).filter).toEqual({ recordId: 'lab-0001' });
    expect(parseProvenanceSearch({ target: 'DocumentReference/lab-0001' }).filter).toEqual({
      recordId: 'lab-0001',
    });
    expect(
      parseProvenanceSearch({ 'target:identifier': `${NAMING_SYSTEM.recordId}|lab/0001` }).filter,
    ).toEqual({
      recordId: 'lab/0001',
    });
    expect(parseProvenanceSearch({ 'target:identifier': 'lab/0001' }).filter).toEqual({
      recordId: 'lab/0001',
    });
  });

  it('requires exactly one target and our record-id system', () => {
    expect(refusal(() => parseProvenanceSearch({})).issueType).toBe('required');
    expect(
      refusal(() => parseProvenanceSearch({ target: 'a', 'target:identifier': 'b' })).issueType,
    ).toBe('required');
    expect(
      refusal(() => parseProvenanceSearch({ 'target:identifier': 'urn:other|x' })).issueType,
    ).toBe('not-supported');
    expect(
      refusal(() => parseProvenanceSearch({ target: 'DocumentReference/' })).expression,
    ).toEqual(['target']);
    expect(refusal(() => parseProvenanceSearch({ target: 'x', owner: 'y' })).expression).toEqual([
      'owner',
    ]);
    expect(parseProvenanceSearch({ target: 'x', _count: '5' }).controls.count).toBe(5);
  });
});

describe('queryPairs', () => {
  it('flattens repeated parameters in order', () => {
    expect(queryPairs({ a: '1', date: ['x', 'y'] })).toEqual([
      ['a', '1'],
      ['date', 'x'],
      ['date', 'y'],
    ]);
  });
});

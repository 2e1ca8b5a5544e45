import { describe, expect, it } from 'vitest';
import { FhirArgumentError } from './fhir.errors.js';
import { NAMING_SYSTEM } from './fhir-terminology.js';
import {
  dateWindow,
  pagination,
  parseAuditEventSearch,
  parseConsentSearch,
  parseProvenanceSearch,
  queryPairs,
} from './fhir-search.params.js';

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
      '2026-01-01T10:00Z',
      '2026-01-01T10:00:00',
    ])
      expect(refusal(() => dateWindow([value])).expression).toEqual(['date']);
  });
});

describe('parseConsentSearch', () => {
  it('maps patient and status', () => {
    expect(parseConsentSearch({ patient: `Patient/${PID}`, status: 'active' })).toEqual({
      filter: { patientId: PID, status: 'active', pageSize: 25 },
      statuses: new Set(['active']),
      empty: false,
    });
    expect(parseConsentSearch({ patient: PID })).toEqual({
      filter: { patientId: PID, pageSize: 25 },
      empty: false,
    });
  });

  it('reads inactive as revoked or expired (filtered after the read) and ORs comma lists', () => {
    const inactive = parseConsentSearch({ status: 'inactive' });
    expect(inactive.filter).toEqual({ pageSize: 25 });
    expect(inactive.statuses).toEqual(new Set(['inactive']));
    const both = parseConsentSearch({
      status: 'active,http://hl7.org/fhir/consent-state-codes|inactive',
    });
    expect(both.filter).toEqual({ pageSize: 25 });
    expect(both.statuses).toEqual(new Set(['active', 'inactive']));
  });

  it('knows that draft or proposed consents never exist on the ledger', () => {
    expect(parseConsentSearch({ status: 'draft,proposed' }).empty).toBe(true);
    expect(parseConsentSearch({ status: ['active', 'inactive'] }).empty).toBe(true);
  });

  it('maps paging', () => {
    expect(parseConsentSearch({ _count: '10', _cursor: 'bm1' }).filter).toEqual({
      pageSize: 10,
      bookmark: 'bm1',
    });
    expect(pagination({ _count: '1000' }).pageSize).toBe(100);
    expect(refusal(() => pagination({ _count: '0' })).expression).toEqual(['_count']);
    expect(refusal(() => pagination({ _count: '2.5' })).expression).toEqual(['_count']);
  });

  it('refuses unknown parameters, modifiers, bad values and repeats', () => {
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
    expect(refusal(() => parseConsentSearch({ _format: 'xml' })).expression).toEqual(['_format']);
    expect(parseConsentSearch({ _format: 'application/fhir+json' }).empty).toBe(false);
  });
});

describe('parseAuditEventSearch', () => {
  it('maps patient, date and outcome', () => {
    expect(
      parseAuditEventSearch({
        patient: `Patient/${PID}`,
        date: ['ge2026-01-01', 'lt2026-02-01'],
        outcome: '4',
        _count: '50',
      }),
    ).toEqual({
      filter: {
        patientId: PID,
        from: '2026-01-01T00:00:00.000Z',
        to: '2026-02-01T00:00:00.000Z',
        decision: 'deny',
        pageSize: 50,
      },
      empty: false,
    });
    expect(parseAuditEventSearch({ outcome: '0' }).filter.decision).toBe('permit');
    expect(parseAuditEventSearch({ outcome: '0,4' }).filter.decision).toBeUndefined();
    expect(
      parseAuditEventSearch({
        outcome: 'http://terminology.hl7.org/CodeSystem/audit-event-outcome|0',
      }).filter.decision,
    ).toBe('permit');
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
    expect(parseProvenanceSearch({ target: 'lab-0001' })).toEqual({ recordId: 'lab-0001' });
    expect(parseProvenanceSearch({ target: 'DocumentReference/lab-0001' })).toEqual({
      recordId: 'lab-0001',
    });
    expect(
      parseProvenanceSearch({ 'target:identifier': `${NAMING_SYSTEM.recordId}|lab/0001` }),
    ).toEqual({
      recordId: 'lab/0001',
    });
    expect(parseProvenanceSearch({ 'target:identifier': 'lab/0001' })).toEqual({
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
    expect(refusal(() => parseProvenanceSearch({ target: 'x', _count: '5' })).expression).toEqual([
      '_count',
    ]);
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

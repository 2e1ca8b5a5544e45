import { describe, expect, it } from 'vitest';
import { endInstant, fhirDateRange, startInstant } from './fhir-datetime.js';

describe('fhirDateRange', () => {
  it('gives the range of each precision', () => {
    expect(fhirDateRange('2026')).toEqual({
      start: '2026-01-01T00:00:00.000Z',
      end: '2027-01-01T00:00:00.000Z',
      hasTime: false,
    });
    expect(fhirDateRange('2026-12')).toMatchObject({
      start: '2026-12-01T00:00:00.000Z',
      end: '2027-01-01T00:00:00.000Z',
    });
    expect(fhirDateRange('2024-02-29')).toMatchObject({
      start: '2024-02-29T00:00:00.000Z',
      end: '2024-03-01T00:00:00.000Z',
    });
    expect(fhirDateRange('2026-11-22T03:27:06Z')).toEqual({
      start: '2026-11-22T03:27:06.000Z',
      end: '2026-11-22T03:27:07.000Z',
      hasTime: true,
    });
    expect(fhirDateRange('2026-11-22T03:27:06.155Z')).toMatchObject({
      start: '2026-11-22T03:27:06.155Z',
      end: '2026-11-22T03:27:06.156Z',
    });
    expect(fhirDateRange('2026-11-22T03:27:06.155999Z')?.start).toBe('2026-11-22T03:27:06.155Z');
    expect(fhirDateRange('2026-11-22T03:27:06.1Z')?.end).toBe('2026-11-22T03:27:06.200Z');
  });

  it('reads minute precision (search values) as that minute', () => {
    expect(fhirDateRange('2026-01-01T10:00Z')).toEqual({
      start: '2026-01-01T10:00:00.000Z',
      end: '2026-01-01T10:01:00.000Z',
      hasTime: true,
    });
    expect(fhirDateRange('2026-01-01T18:30+08:00')?.start).toBe('2026-01-01T10:30:00.000Z');
    expect(fhirDateRange('2026-01-01T10:00')).toBeUndefined();
    expect(fhirDateRange('2026-01-01T10:60Z')).toBeUndefined();
  });

  it('converts time zones to UTC', () => {
    expect(fhirDateRange('2026-01-01T08:00:00+08:00')?.start).toBe('2026-01-01T00:00:00.000Z');
    expect(fhirDateRange('2025-12-31T19:30:00-04:30')?.start).toBe('2026-01-01T00:00:00.000Z');
  });

  it('refuses what is not a real FHIR date', () => {
    for (const value of [
      '',
      '26',
      '2026-00',
      '2026-13',
      '2026-02-29',
      '2026-04-31',
      '2026-01-01T24:00:00Z',
      '2026-01-01T10:00:00',
      '2026-01-01T10:00:00+15:00',
      '2026-01-01 10:00:00Z',
      '0000-01-01',
    ])
      expect(fhirDateRange(value)).toBeUndefined();
  });
});

describe('startInstant / endInstant', () => {
  it('reads a period: partial end dates cover their whole unit, full instants are exact', () => {
    expect(startInstant('2026-11-22')).toBe('2026-11-22T00:00:00.000Z');
    expect(endInstant('2027-11-22')).toBe('2027-11-23T00:00:00.000Z');
    expect(endInstant('2027')).toBe('2028-01-01T00:00:00.000Z');
    expect(endInstant('2027-11-22T00:00:00.000Z')).toBe('2027-11-22T00:00:00.000Z');
    expect(startInstant('nope')).toBeUndefined();
    expect(endInstant('nope')).toBeUndefined();
  });
});

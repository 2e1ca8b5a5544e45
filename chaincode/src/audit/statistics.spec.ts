import { describe, expect, it } from 'vitest';
import {
  countByRegion,
  dayCounts,
  statisticsAccumulator,
  type StatisticsEntry,
} from './statistics';

const entries: StatisticsEntry[] = [
  { p: 'treatment', c: ['outpatient', 'laboratory'], d: 'permit', r: '330106', b: 0 },
  { p: 'emergency', c: ['medication'], d: 'permit', r: '330106', b: 1 },
  { p: 'research', c: ['genomic'], d: 'deny', r: '330110', b: 0 },
  { p: 'treatment', c: ['outpatient'], d: 'deny', r: '330100', b: 0 },
  { p: 'insurance', c: ['wearable'], d: 'deny', r: '440305', b: 0 },
];

describe('statistics aggregation', () => {
  it('counts per finest region code (a category counts once per event that names it)', () => {
    expect(countByRegion(entries)).toEqual({
      '330106': {
        total: 2,
        byPurpose: { emergency: 1, treatment: 1 },
        byCategory: { laboratory: 1, medication: 1, outpatient: 1 },
        byDecision: { permit: 2 },
        byBreakGlass: { false: 1, true: 1 },
      },
      '330110': {
        total: 1,
        byPurpose: { research: 1 },
        byCategory: { genomic: 1 },
        byDecision: { deny: 1 },
        byBreakGlass: { false: 1 },
      },
      '330100': {
        total: 1,
        byPurpose: { treatment: 1 },
        byCategory: { outpatient: 1 },
        byDecision: { deny: 1 },
        byBreakGlass: { false: 1 },
      },
      '440305': {
        total: 1,
        byPurpose: { insurance: 1 },
        byCategory: { wearable: 1 },
        byDecision: { deny: 1 },
        byBreakGlass: { false: 1 },
      },
    });
    expect(dayCounts('2026-11-22', entries)).toEqual({
      day: '2026-11-22',
      total: 5,
      regions: countByRegion(entries),
    });
  });

  it('rolls regions up to the requested level and filters by region', () => {
    const window = { from: 'a', to: 'b' };
    const byLevel = (level: 'province' | 'city' | 'county', region?: string) => {
      const accumulator = statisticsAccumulator({
        ...window,
        level,
        ...(region === undefined ? {} : { region }),
      });
      for (const entry of entries) accumulator.addEntry(entry);
      return accumulator.result({ rolledUpDays: 0, scannedDays: 1 });
    };
    expect(byLevel('province').byRegion).toEqual({ '330000': 4, '440000': 1 });
    expect(byLevel('city').byRegion).toEqual({ '330100': 4, '440300': 1 });
    expect(byLevel('county').byRegion).toEqual({
      '330106': 2,
      '330110': 1,
      '330100': 1,
      '440305': 1,
    });
    const zhejiang = byLevel('county', '330000');
    expect(zhejiang).toMatchObject({
      total: 4,
      region: '330000',
      byDecision: { permit: 2, deny: 2 },
    });
    expect(byLevel('city', '330106')).toMatchObject({ total: 2, byRegion: { '330100': 2 } });
    const accumulator = statisticsAccumulator({ ...window, level: 'city' });
    for (const [region, counts] of Object.entries(countByRegion(entries)))
      accumulator.add(region, counts);
    expect(accumulator.result({ rolledUpDays: 1, scannedDays: 0 })).toEqual({
      ...byLevel('city'),
      rolledUpDays: 1,
      scannedDays: 0,
    });
  });
});

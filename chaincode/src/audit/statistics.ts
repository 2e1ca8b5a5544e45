import {
  PURPOSES,
  type Category,
  type DayCounts,
  type DecisionValue,
  type OpenStatisticsCell,
  type Purpose,
  type RegionCounts,
  type RegionLevel,
  type Statistics,
} from '@consent-ledger/ledger-api';
import { isWithin, rollUp } from '../ledger/region';

/**
 * Aggregation of access events for statistics. Pure functions over the compact entries the
 * `evt~time` index carries in each event's collection, so counting never reads whole events,
 * never sees patient IDs.
 */

/** The compact value of an `evt~time` index entry. */
export interface StatisticsEntry {
  /** Purpose. */
  readonly p: Purpose;
  /** Categories. */
  readonly c: readonly Category[];
  /** Decision. */
  readonly d: DecisionValue;
  /** The accessor organization's most specific region code. */
  readonly r: string;
  /** Break-glass (1) or not (0). */
  readonly b: 0 | 1;
  /** The event's salt: makes the hash of this guessable value unguessable. */
  readonly s?: string;
}

interface MutableCounts {
  total: number;
  byPurpose: Record<string, number>;
  byCategory: Record<string, number>;
  byDecision: Record<string, number>;
  byBreakGlass: Record<string, number>;
}

function emptyCounts(): MutableCounts {
  return { total: 0, byPurpose: {}, byCategory: {}, byDecision: {}, byBreakGlass: {} };
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function addAll(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
}

function addCounts(into: MutableCounts, from: RegionCounts): void {
  into.total += from.total;
  addAll(into.byPurpose, from.byPurpose);
  addAll(into.byCategory, from.byCategory);
  addAll(into.byDecision, from.byDecision);
  addAll(into.byBreakGlass, from.byBreakGlass);
}

function entryCounts(entry: StatisticsEntry): RegionCounts {
  const counts = emptyCounts();
  counts.total = 1;
  bump(counts.byPurpose, entry.p);
  for (const category of entry.c) bump(counts.byCategory, category);
  bump(counts.byDecision, entry.d);
  bump(counts.byBreakGlass, entry.b === 1 ? 'true' : 'false');
  return counts;
}

/** Counts per finest region code: what a day rollup stores. */
export function countByRegion(entries: Iterable<StatisticsEntry>): Record<string, RegionCounts> {
  const regions: Record<string, MutableCounts> = {};
  for (const entry of entries) {
    const counts = regions[entry.r] ?? emptyCounts();
    regions[entry.r] = counts;
    addCounts(counts, entryCounts(entry));
  }
  return regions;
}

/** A day's counts per finest region code, from its compact entries: what CountDay answers. */
export function dayCounts(day: string, entries: Iterable<StatisticsEntry>): DayCounts {
  const regions = countByRegion(entries);
  const total = Object.values(regions).reduce((sum, counts) => sum + counts.total, 0);
  return { day, total, regions };
}

/** What a statistics window is about. */
export interface StatisticsWindow {
  readonly from: string;
  readonly to: string;
  readonly level: RegionLevel;
  readonly region?: string;
}

/** Accumulates per-region counts (from rollups and scans) into a window's statistics. */
export interface StatisticsAccumulator {
  /** Adds counts of one finest region code. */
  add(regionCode: string, counts: RegionCounts): void;
  /** Adds one index entry. */
  addEntry(entry: StatisticsEntry): void;
  /** The result. */
  result(days: { readonly rolledUpDays: number; readonly scannedDays: number }): Statistics;
}

/** A fresh accumulator for a window (counts outside `window.region` are ignored). */
export function statisticsAccumulator(window: StatisticsWindow): StatisticsAccumulator {
  const totals = emptyCounts();
  const byRegion: Record<string, number> = {};
  const accumulator: StatisticsAccumulator = {
    add(regionCode, counts) {
      if (window.region !== undefined && !isWithin(regionCode, window.region)) return;
      addCounts(totals, counts);
      addAll(byRegion, { [rollUp(regionCode, window.level)]: counts.total });
    },
    addEntry(entry) {
      accumulator.add(entry.r, entryCounts(entry));
    },
    result(days) {
      return {
        from: window.from,
        to: window.to,
        level: window.level,
        ...(window.region === undefined ? {} : { region: window.region }),
        ...totals,
        byRegion,
        rolledUpDays: days.rolledUpDays,
        scannedDays: days.scannedDays,
      };
    },
  };
  return accumulator;
}

/** Counts by city and purpose of one day, as {@link openCells} reads them. */
export type CityPurposeCounts = ReadonlyMap<string, Readonly<Record<string, number>>>;

/** Adds one finest region code's counts to a day's counts by city and purpose. */
export function addByCity(
  into: Map<string, Record<string, number>>,
  regionCode: string,
  counts: RegionCounts,
): void {
  const city = rollUp(regionCode, 'city');
  const byPurpose = into.get(city) ?? {};
  into.set(city, byPurpose);
  addAll(byPurpose, counts.byPurpose);
}

/** What {@link openCells} makes cells of. */
export interface OpenCellsInput {
  /** The days, in order, each with its counts by city and purpose. */
  readonly days: readonly { readonly day: string; readonly counts: CityPurposeCounts }[];
  /** Every city to give cells for (zeros included), sorted. */
  readonly cities: readonly string[];
  /** Each city's minimum: a count below it is suppressed. */
  readonly minimumOf: (city: string) => number;
}

/**
 * The open statistics' cells: one per day, city and purpose, a count below its city's minimum
 * given only as `lessThan` (zeros too, so an absent event cannot be told from a rare one); a
 * minimum of 0 or 1 suppresses nothing. No totals: a total would let a suppressed cell be
 * recomputed.
 */
export function openCells(input: OpenCellsInput): OpenStatisticsCell[] {
  const cells: OpenStatisticsCell[] = [];
  for (const { day, counts } of input.days) {
    for (const region of input.cities) {
      const minimum = input.minimumOf(region);
      for (const purpose of PURPOSES) {
        const count = counts.get(region)?.[purpose] ?? 0;
        cells.push(
          minimum > 1 && count < minimum
            ? { day, region, purpose, lessThan: minimum }
            : { day, region, purpose, count },
        );
      }
    }
  }
  return cells;
}

import type { RegionLevel } from '../ledger/vocabulary';

/** Counts of access events of one region (or of a whole window). */
export interface RegionCounts {
  readonly total: number;
  readonly byPurpose: Record<string, number>;

  /** An event with several categories counts once for each. */
  readonly byCategory: Record<string, number>;
  readonly byDecision: Record<string, number>;

  /** Keyed `true` / `false`. */
  readonly byBreakGlass: Record<string, number>;
}

/** The access events of one UTC day, counted per accessor region (finest GB/T 2260 code). */
export interface DayStatistics {
  readonly day: string;
  readonly total: number;

  /** Keyed by the accessor organization's most specific region code. */
  readonly regions: Record<string, RegionCounts>;
  readonly rolledUpAt: string;
  readonly txId: string;
}

/** Aggregate counts of access events over a window; never patient IDs. */
export interface Statistics {
  readonly from: string;
  readonly to: string;
  readonly level: RegionLevel;

  /** The region the counts are limited to, if any. */
  readonly region?: string;
  readonly total: number;
  readonly byPurpose: Record<string, number>;
  readonly byCategory: Record<string, number>;
  readonly byDecision: Record<string, number>;
  readonly byBreakGlass: Record<string, number>;

  /** Keyed by region code at the requested level. */
  readonly byRegion: Record<string, number>;

  /** Days served from a RollupStatistics rollup. */
  readonly rolledUpDays: number;

  /** Days (or parts of days) counted by scanning the time index. */
  readonly scannedDays: number;
}

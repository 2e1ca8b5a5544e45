import { Object as DataType, Property } from 'fabric-contract-api';
import type * as model from './statistics.model';
import type { RegionLevel } from '../ledger/vocabulary';

/** Counts of access events of one region (or of a whole window). */
@DataType()
export class RegionCounts implements model.RegionCounts {
  @Property('total', 'number')
  readonly total!: number;

  @Property('byPurpose', 'Map<string, number>')
  readonly byPurpose!: Record<string, number>;

  /** An event with several categories counts once for each. */
  @Property('byCategory', 'Map<string, number>')
  readonly byCategory!: Record<string, number>;

  @Property('byDecision', 'Map<string, number>')
  readonly byDecision!: Record<string, number>;

  /** Keyed `true` / `false`. */
  @Property('byBreakGlass', 'Map<string, number>')
  readonly byBreakGlass!: Record<string, number>;
}

/** The access events of one UTC day, counted per accessor region (finest GB/T 2260 code). */
@DataType()
export class DayStatistics implements model.DayStatistics {
  @Property('day', 'string')
  readonly day!: string;

  @Property('total', 'number')
  readonly total!: number;

  /** Keyed by the accessor organization's most specific region code. */
  @Property('regions', 'Map<string, RegionCounts>')
  readonly regions!: Record<string, RegionCounts>;

  @Property('rolledUpAt', 'string')
  readonly rolledUpAt!: string;

  @Property('txId', 'string')
  readonly txId!: string;
}

/** Aggregate counts of access events over a window; never patient IDs. */
@DataType()
export class Statistics implements model.Statistics {
  @Property('from', 'string')
  readonly from!: string;

  @Property('to', 'string')
  readonly to!: string;

  @Property('level', 'string')
  readonly level!: RegionLevel;

  /** The region the counts are limited to, if any. */
  @Property('region', 'string')
  readonly region?: string;

  @Property('total', 'number')
  readonly total!: number;

  @Property('byPurpose', 'Map<string, number>')
  readonly byPurpose!: Record<string, number>;

  @Property('byCategory', 'Map<string, number>')
  readonly byCategory!: Record<string, number>;

  @Property('byDecision', 'Map<string, number>')
  readonly byDecision!: Record<string, number>;

  @Property('byBreakGlass', 'Map<string, number>')
  readonly byBreakGlass!: Record<string, number>;

  /** Keyed by region code at the requested level. */
  @Property('byRegion', 'Map<string, number>')
  readonly byRegion!: Record<string, number>;

  /** Days served from a RollupStatistics rollup. */
  @Property('rolledUpDays', 'number')
  readonly rolledUpDays!: number;

  /** Days (or parts of days) counted by scanning the time index. */
  @Property('scannedDays', 'number')
  readonly scannedDays!: number;
}

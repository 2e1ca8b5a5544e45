import type { Evaluate, Submit } from './transaction.ts';

/** One seeding transaction of the benchmark: events `first..first+size-1` of a seeding run. */
export interface SeedInput {
  /** Index of the batch's first event in the seeding run. */
  readonly first: number;
  /** How many events (at most 5,000). */
  readonly size: number;
  /** Distinct synthetic patients the events are spread over. */
  readonly patients: number;
  /** Distinct days the events are spread over, from `startDay`. */
  readonly days: number;
  readonly startDay: string;
}

/**
 * The benchmark's yardstick and seeding (contracts `baseline` and `bench`). They check their
 * callers themselves and are not in the authorization matrix: `baseline:Put` is for admins only,
 * `baseline:Get` is open, `bench:SeedAccessEvents` is refused unless the package enables it (only
 * the benchmark's own deployment does).
 */
export interface BaselineTransactions {
  /** Writes a value (at most 4 KiB) under a key of the baseline's own namespace (admins). */
  'baseline:Put': Submit<[key: string, value: string], void>;
  /** Reads a value written by Put, as text; empty when absent. */
  'baseline:Get': Evaluate<[key: string], string>;
  /** Writes synthetic access events through the same store as access:RequestAccess. */
  'bench:SeedAccessEvents': Submit<[seed: SeedInput], void>;
}

import { performance } from 'node:perf_hooks';
import type { SeedInput } from '@consent-ledger/ledger-api';
import type { LedgerCalls } from './calls.ts';
import type { SeedingResult } from './report.ts';

/**
 * Seeding the benchmark namespace with synthetic access events through bench:SeedAccessEvents
 * (chaincode/src/bench/bench.contract.ts), in batches submitted a few at a time. The events are
 * written into the collections of their patients' homes and accessors (the same store as
 * access:RequestAccess), so every organization endorses a seeding transaction. How many events
 * are already seeded is kept on the ledger itself, under the baseline key `seeded-events`, so a
 * later run tops the ledger up instead of starting over.
 */

/** Synthetic patients the events are spread over: every page of 100 by patient is full from 10^4 events. */
export const SEED_PATIENTS = 100;
/** Days the events are spread over, from {@link SEED_START_DAY}. */
export const SEED_DAYS = 10;
export const SEED_START_DAY = '2026-01-01';
const SEEDED_KEY = 'seeded-events';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** The synthetic patient `n` (the chaincode's seedPatientId: `pid-seed` + 12 base32). */
export function seedPatientId(n: number): string {
  let digits = '';
  for (let rest = n, i = 0; i < 12; i += 1, rest = Math.floor(rest / 32)) {
    digits = (BASE32[rest % 32] ?? 'a') + digits;
  }
  return `pid-seed${digits}`;
}

/** The batches `[first, size]` that take the ledger from `from` to `to` events. */
export function seedBatches(from: number, to: number, batchSize: number): [number, number][] {
  const batches: [number, number][] = [];
  for (let first = from; first < to; first += batchSize) {
    batches.push([first, Math.min(batchSize, to - first)]);
  }
  return batches;
}

/** Options of {@link seedTo}. */
export interface SeedOptions {
  /** The regulator's calls of the benchmark chaincode (bench:SeedAccessEvents). */
  readonly seeder: LedgerCalls;
  /** Who endorses a seeding transaction (every organization whose collections it writes). */
  readonly seedEndorsers: readonly string[];
  /** An admin's calls, where the seeded count is kept (baseline:Put is admins-only). */
  readonly baseline: LedgerCalls;
  /** Who endorses the count's baseline:Put. */
  readonly baselineEndorsers: readonly string[];
  readonly events: number;
  readonly batchSize: number;
  /** Batches in flight at once. */
  readonly parallel: number;
  readonly log: (line: string) => void;
}

/** How many synthetic events the namespace holds (as recorded by the last seeding). */
export async function seededEvents(baseline: LedgerCalls): Promise<number> {
  const recorded = await baseline.evaluate('baseline:Get', SEEDED_KEY);
  return recorded === '' ? 0 : Number(recorded);
}

/** Seeds until the namespace holds `events` synthetic events; undefined when it already did. */
export async function seedTo(options: Readonly<SeedOptions>): Promise<SeedingResult | undefined> {
  const from = await seededEvents(options.baseline);
  if (from >= options.events) return undefined;
  const batches = seedBatches(from, options.events, options.batchSize);
  options.log(
    `seeding ${String(options.events - from)} events (${String(from)} -> ${String(options.events)}) in ${String(batches.length)} batches`,
  );
  const started = performance.now();
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < batches.length; index = next++) {
      const [first, size] = batches[index] ?? [0, 0];
      const seed: SeedInput = {
        first,
        size,
        patients: SEED_PATIENTS,
        days: SEED_DAYS,
        startDay: SEED_START_DAY,
      };
      for (let attempt = 1; ; attempt += 1) {
        try {
          await options.seeder.submit('bench:SeedAccessEvents', [seed], options.seedEndorsers);
          break;
        } catch (error) {
          if (attempt >= 3) throw error;
          options.log(`seed batch at ${String(first)} failed (${String(error)}), retrying`);
        }
      }
      done += 1;
      if (done % Math.max(1, Math.floor(batches.length / 10)) === 0) {
        const seconds = (performance.now() - started) / 1000;
        options.log(
          `  ${String(done)}/${String(batches.length)} batches, ${((done * options.batchSize) / seconds).toFixed(0)} events/s`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: options.parallel }, worker));
  await options.baseline.submit(
    'baseline:Put',
    [SEEDED_KEY, String(options.events)],
    options.baselineEndorsers,
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    fromEvents: from,
    toEvents: options.events,
    seconds,
    eventsPerSecond: (options.events - from) / seconds,
    batchSize: options.batchSize,
    parallel: options.parallel,
  };
}

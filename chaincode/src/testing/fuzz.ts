/**
 * Parameters of the property-based fuzz specs (`*.fuzz.spec.ts`): a fixed seed and a small number
 * of runs by default, so that CI is reproducible and quick; `FUZZ_SEED` and `FUZZ_RUNS` change
 * them (`npm run test:fuzz` runs 10,000 per property). A failure prints the seed and path that
 * replay it.
 */

import { inject } from 'vitest';

/** The default seed: fixed, so that a CI failure replays. */
export const DEFAULT_FUZZ_SEED = 20_261_122;

/** The default number of runs per property. */
export const DEFAULT_FUZZ_RUNS = 200;

/** Time a fuzz property may take (long runs take minutes; the default run, well under a second). */
export const FUZZ_TIMEOUT_MS = 30 * 60_000;

declare module 'vitest' {
  export interface ProvidedContext {
    /** FUZZ_SEED as vitest.config.ts read it (NaN when unset). */
    fuzzSeed: number;
    /** FUZZ_RUNS as vitest.config.ts read it (NaN when unset). */
    fuzzRuns: number;
  }
}

/**
 * fast-check's `seed` and `numRuns` (tests only). The environment is read by vitest.config.ts and
 * provided to the specs, so nothing under chaincode/src reads it.
 */
export function fuzzParameters(scale = 1): { readonly seed: number; readonly numRuns: number } {
  const seed = inject('fuzzSeed');
  const runs = inject('fuzzRuns');
  return {
    seed: Number.isSafeInteger(seed) ? seed : DEFAULT_FUZZ_SEED,
    numRuns: Math.max(1, Math.round((runs > 0 ? runs : DEFAULT_FUZZ_RUNS) * scale)),
  };
}

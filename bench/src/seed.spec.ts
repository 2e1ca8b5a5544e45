import { describe, expect, it } from 'vitest';
import { seedBatches, seedPatientId } from './seed.ts';

describe('seeding plan', () => {
  it('covers the range once, in batches of at most the batch size', () => {
    expect(seedBatches(0, 2_500, 1_000)).toEqual([
      [0, 1_000],
      [1_000, 1_000],
      [2_000, 500],
    ]);
    expect(seedBatches(10_000, 10_000, 1_000)).toEqual([]);
  });

  it('names the synthetic patients as the chaincode does (pid-seed + 12 base32)', () => {
    // Same values as chaincode/src/bench/bench.contract.spec.ts.
    expect(seedPatientId(0)).toBe('pid-seedaaaaaaaaaaaa');
    expect(seedPatientId(33)).toBe('pid-seedaaaaaaaaaabb');
    expect(seedPatientId(99)).toMatch(/^pid-[a-z2-7]{16,32}$/);
  });
});

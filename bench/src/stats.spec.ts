import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './stats.ts';

describe('latency statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes unsorted samples', () => {
    const summary = summarize([30, 10, 20, 40]);
    expect(summary).toEqual({ count: 4, mean: 25, min: 10, p50: 20, p95: 40, p99: 40, max: 40 });
    expect(summarize([]).count).toBe(0);
  });
});

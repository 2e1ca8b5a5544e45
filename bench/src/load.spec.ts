import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runLoad, WorkerDone } from './load.ts';

describe('load generator', () => {
  it('keeps `concurrency` operations in flight (closed loop) and counts only after warm-up', async () => {
    let inFlight = 0;
    let most = 0;
    const result = await runLoad({
      concurrency: 4,
      durationMs: 200,
      warmupMs: 50,
      operation: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(10);
        inFlight -= 1;
      },
    });
    expect(most).toBe(4);
    expect(result.failed).toBe(0);
    // 4 workers x 200 ms / ~10 ms each: about 80 operations, fewer on a busy machine.
    expect(result.succeeded).toBeGreaterThan(20);
    expect(result.succeeded).toBeLessThanOrEqual(90);
    expect(result.latency.p50).toBeGreaterThanOrEqual(9);
    expect(result.throughput).toBeCloseTo(result.succeeded / (result.elapsedMs / 1000), 5);
  });

  it('paces a fixed rate (open loop) and counts units and classified failures', async () => {
    const result = await runLoad({
      concurrency: 8,
      durationMs: 500,
      warmupMs: 0,
      rate: 40,
      operation: async ({ seq }) => {
        await sleep(1);
        if (seq % 5 === 0)
          throw Object.assign(new Error('conflict'), { name: 'CommitError', code: 11 });
        return 10;
      },
    });
    const started = result.succeeded + result.failed;
    expect(started).toBeGreaterThanOrEqual(12);
    expect(started).toBeLessThanOrEqual(22);
    expect(result.failures.MVCC_READ_CONFLICT).toBe(result.failed);
    expect(result.failed).toBeGreaterThan(0);
    expect(result.unitsPerSecond).toBeCloseTo(result.throughput * 10, 5);
    expect(result.failureSamples[0]).toBe('CommitError conflict');
  });

  it('stops at maxOperations and measures the window until the last one ends', async () => {
    const result = await runLoad({
      concurrency: 2,
      durationMs: 5_000,
      warmupMs: 0,
      maxOperations: 6,
      operation: () => sleep(5),
    });
    expect(result.succeeded).toBe(6);
    expect(result.completed).toBe(6);
    expect(result.elapsedMs).toBeLessThan(1_000);
  });

  it('stops a worker that is done, counting its last call neither as a success nor as a failure', async () => {
    const left = [3, 1];
    const result = await runLoad({
      concurrency: 2,
      durationMs: 5_000,
      warmupMs: 0,
      operation: async ({ worker }) => {
        const remaining = left[worker] ?? 0;
        if (remaining === 0) throw new WorkerDone();
        left[worker] = remaining - 1;
        await sleep(5);
      },
    });
    expect(result.succeeded).toBe(4);
    expect(result.failed).toBe(0);
    expect(result.completed).toBe(4);
    // Both workers done: the window ends with the last operation, not after 5 s.
    expect(result.elapsedMs).toBeLessThan(1_000);
  });
});

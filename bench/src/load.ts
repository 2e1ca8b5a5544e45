import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  classifyFailure,
  countFailures,
  describeFailure,
  type FailureCounts,
  type FailureKind,
} from './classify.ts';
import { summarize, type LatencySummary } from './stats.ts';

/**
 * The load generator, after Hyperledger Caliper's model: a number of workers (here asynchronous
 * loops in one process, each with its own sequence numbers) drive an operation either closed-loop
 * (each worker issues its next operation when the previous one ends: the concurrency is fixed) or
 * open-loop at a fixed rate (Caliper's `fixed-rate` controller: operations are started on a
 * schedule, at most `concurrency` in flight). A warm-up precedes the measured window; operations
 * that started during the warm-up are not counted.
 */

/** What an operation is told. */
export interface OperationContext {
  /** The worker running it, 0..concurrency-1. */
  readonly worker: number;
  /** A sequence number unique within the process (across load runs), for unique IDs. */
  readonly seq: number;
}

/**
 * Thrown by an operation whose worker has nothing left to do (e.g. no consent of its own patient
 * left to revoke): the worker stops, and the operation is counted neither as a success nor as a
 * failure.
 */
export class WorkerDone extends Error {
  override readonly name = 'WorkerDone';
  readonly code = 'WORKER_DONE';
  constructor(message = 'the worker has nothing left to do') {
    super(message);
  }
}

/** One operation; it may answer how many units it processed (a number, e.g. hashes of a batch), else 1. */
export type Operation = (context: OperationContext) => Promise<unknown>;

/** Options of {@link runLoad}. */
export interface LoadOptions {
  readonly operation: Operation;
  /** Workers (closed loop) or the most operations in flight (open loop). */
  readonly concurrency: number;
  /** Length of the measured window. */
  readonly durationMs: number;
  /** Length of the warm-up before it (0 for none). */
  readonly warmupMs: number;
  /** Fixed rate in operations per second (open loop); closed loop when absent. */
  readonly rate?: number;
  /** Most operations to start in the measured window (e.g. limited by prepared inputs). */
  readonly maxOperations?: number;
}

/** What a load run measured. */
export interface LoadResult {
  readonly concurrency: number;
  readonly rate?: number;
  /** Length of the measured window actually elapsed, until the last counted operation ended. */
  readonly elapsedMs: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Every operation that ended, warm-up included (what the peers' counters saw). */
  readonly completed: number;
  /** Successful operations per second. */
  readonly throughput: number;
  /** Units (e.g. hashes) of successful operations per second. */
  readonly unitsPerSecond: number;
  /** Latencies of successful operations. */
  readonly latency: LatencySummary;
  readonly failures: FailureCounts;
  /** The first few failure messages, for diagnosis. */
  readonly failureSamples: readonly string[];
}

// Shared by every load run of the process, so that IDs built from it never repeat.
let nextSeq = 0;

interface Tally {
  readonly latencies: number[];
  readonly failures: FailureKind[];
  readonly samples: string[];
  units: number;
  lastEnd: number;
  completed: number;
}

/** Runs an operation under load and measures it. */
export async function runLoad(options: Readonly<LoadOptions>): Promise<LoadResult> {
  const tally: Tally = {
    latencies: [],
    failures: [],
    samples: [],
    units: 0,
    lastEnd: 0,
    completed: 0,
  };
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;
  let measuredStarted = 0;
  const maxOperations = options.maxOperations ?? Number.POSITIVE_INFINITY;

  const mayStart = (now: number): boolean =>
    now < stopAt && (now < measureFrom || measuredStarted < maxOperations);

  /** Runs one operation; false when its worker is done. */
  const once = async (worker: number): Promise<boolean> => {
    const began = performance.now();
    const measured = began >= measureFrom;
    if (measured) measuredStarted += 1;
    const context: OperationContext = { worker, seq: nextSeq };
    nextSeq += 1;
    try {
      const units = await options.operation(context);
      tally.completed += 1;
      const ended = performance.now();
      if (!measured) return true;
      tally.latencies.push(ended - began);
      tally.units += typeof units === 'number' ? units : 1;
      tally.lastEnd = Math.max(tally.lastEnd, ended);
    } catch (error) {
      if (error instanceof WorkerDone) {
        if (measured) measuredStarted -= 1;
        return false;
      }
      tally.completed += 1;
      const ended = performance.now();
      if (!measured) return true;
      tally.failures.push(classifyFailure(error));
      tally.lastEnd = Math.max(tally.lastEnd, ended);
      if (tally.samples.length < 5) {
        tally.samples.push(describeFailure(error).slice(0, 400));
      }
    }
    return true;
  };

  let workersDone = 0;
  if (options.rate === undefined) {
    await Promise.all(
      Array.from({ length: options.concurrency }, async (_, worker) => {
        while (mayStart(performance.now())) {
          if (!(await once(worker))) {
            workersDone += 1;
            return;
          }
        }
      }),
    );
  } else {
    const interval = 1000 / options.rate;
    const inFlight = new Set<Promise<void>>();
    let next = start;
    let worker = 0;
    while (mayStart(performance.now())) {
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      next += interval;
      if (inFlight.size >= options.concurrency) {
        // Saturated: the operation is dropped from the schedule (counted as not started).
        await Promise.race(inFlight);
        continue;
      }
      const running = once(worker)
        .then(() => undefined)
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
      worker = (worker + 1) % options.concurrency;
    }
    await Promise.all(inFlight);
  }

  // Cut short by maxOperations, or every worker done: the window ends with the last operation.
  const cutShort = measuredStarted >= maxOperations || workersDone === options.concurrency;
  const end = cutShort ? tally.lastEnd : Math.max(tally.lastEnd, stopAt);
  const elapsedMs = Math.max(1, end - measureFrom);
  const seconds = elapsedMs / 1000;
  return {
    concurrency: options.concurrency,
    ...(options.rate === undefined ? {} : { rate: options.rate }),
    elapsedMs,
    succeeded: tally.latencies.length,
    failed: tally.failures.length,
    completed: tally.completed,
    throughput: tally.latencies.length / seconds,
    unitsPerSecond: tally.units / seconds,
    latency: summarize(tally.latencies),
    failures: countFailures(tally.failures),
    failureSamples: tally.samples,
  };
}

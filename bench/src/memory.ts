import { readFileSync } from 'node:fs';
import { runningProcess } from '@consent-ledger/network';

/**
 * Peak memory of the network's processes while a workload runs: the resident set size (VmRSS) of
 * each tracked process (peers, REST gateways), read from /proc every interval, and its maximum
 * kept. VmHWM (the kernel's high-water mark) covers the process's whole life, not one workload,
 * so it is only reported once per run, next to the sampled peaks.
 */

/** Memory of one process, in MiB. */
export interface ProcessMemory {
  readonly name: string;
  readonly peakRssMiB: number;
  /** The kernel's lifetime high-water mark at the end of sampling. */
  readonly hwmMiB: number;
}

/** A running sampler; stop() answers the peaks. */
export interface MemorySampler {
  stop(): ProcessMemory[];
}

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

const toMiB = (kib: number): number => Math.round((kib / 1024) * 10) / 10;

/** Samples the RSS of the named tracked processes every `intervalMs` until stopped. */
export function sampleMemory(names: readonly string[], intervalMs = 250): MemorySampler {
  const peaks = new Map<string, number>();
  const sample = (): void => {
    for (const name of names) {
      const pid = runningProcess(name)?.pid;
      const rss = pid === undefined ? undefined : statusKiB(pid, 'VmRSS');
      if (rss !== undefined) peaks.set(name, Math.max(peaks.get(name) ?? 0, rss));
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return names.map((name) => {
        const pid = runningProcess(name)?.pid;
        return {
          name,
          peakRssMiB: toMiB(peaks.get(name) ?? 0),
          hwmMiB: toMiB((pid === undefined ? undefined : statusKiB(pid, 'VmHWM')) ?? 0),
        };
      });
    },
  };
}

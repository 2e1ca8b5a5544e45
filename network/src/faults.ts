import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runDir } from './paths.ts';

/**
 * A marker that a fault-injection test is killing and restarting nodes of the shared network, so
 * that other test runs' setups wait for it rather than take its stopped nodes for their own.
 */
export interface FaultInjection {
  readonly pid: number;
  readonly description: string;
  readonly since: string;
}

/** The marker file: `.run/fault-injection.json`. */
export const faultInjectionFile = path.join(runDir, 'fault-injection.json');

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The fault injection in progress, if any (a marker left by a dead process does not count). */
export function faultInjectionInProgress(file = faultInjectionFile): FaultInjection | undefined {
  let marker: FaultInjection;
  try {
    marker = JSON.parse(readFileSync(file, 'utf8')) as FaultInjection;
  } catch {
    return undefined;
  }
  return pidAlive(marker.pid) ? marker : undefined;
}

/** Marks a fault injection by this process as in progress. */
export function beginFaultInjection(description: string, file = faultInjectionFile): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const marker: FaultInjection = {
    pid: process.pid,
    description,
    since: new Date().toISOString(),
  };
  writeFileSync(file, JSON.stringify(marker, null, 2));
}

/** Removes this process's marker (another process's marker is left alone). */
export function endFaultInjection(file = faultInjectionFile): void {
  if (faultInjectionInProgress(file)?.pid === process.pid) rmSync(file, { force: true });
}

/** Waits until no fault injection is in progress, or the timeout passes; answers whether it ended. */
export async function waitWhileFaultInjection(
  options: Readonly<{ log?: (line: string) => void; timeoutMs?: number; file?: string }> = {},
): Promise<boolean> {
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  let logged = false;
  for (
    let marker = faultInjectionInProgress(options.file);
    marker !== undefined && marker.pid !== process.pid;
    marker = faultInjectionInProgress(options.file)
  ) {
    if (Date.now() > deadline) return false;
    if (!logged) options.log?.(`waiting for a fault injection to end: ${marker.description}`);
    logged = true;
    await sleep(1_000);
  }
  return true;
}

import { setTimeout as sleep } from 'node:timers/promises';
import { logFile, runningProcess, tailLog } from './processes.ts';

/** The answer of a /healthz endpoint. */
export interface HealthReport {
  readonly healthy: boolean;
  readonly detail: string;
}

/** Asks an operations endpoint's /healthz (Fabric peers, orderers and CAs all serve one). */
export async function checkHealth(url: string, timeoutMs = 2_000): Promise<HealthReport> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return {
      healthy: response.ok,
      detail: response.ok ? 'OK' : `${response.status} ${body.trim()}`,
    };
  } catch (error) {
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return { healthy: false, detail: `unreachable (${cause})` };
  }
}

/** Options of {@link waitForHealth}. */
export interface WaitForHealthOptions {
  /** Process name, for the error message and the liveness check. */
  readonly name: string;
  readonly url: string;
  readonly timeoutMs?: number;
}

/**
 * Waits until the process answers healthy on its /healthz. Fails at once, naming the process and
 * its log, if the process dies; fails with the last health answer if it is not healthy in time.
 */
export async function waitForHealth(options: WaitForHealthOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last: HealthReport = { healthy: false, detail: 'not asked yet' };
  while (Date.now() < deadline) {
    if (runningProcess(options.name) === undefined) {
      throw new Error(
        `${options.name} exited during startup; see ${logFile(options.name)}:\n${tailLog(options.name)}`,
      );
    }
    last = await checkHealth(options.url);
    if (last.healthy) return;
    await sleep(200);
  }
  throw new Error(
    `${options.name} did not become healthy at ${options.url} in time (last answer: ${last.detail}); ` +
      `see ${logFile(options.name)}:\n${tailLog(options.name)}`,
  );
}

/** Polls a condition until it holds, or fails with the description after the timeout. */
export async function waitUntil(
  condition: () => Promise<boolean>,
  options: Readonly<{ description: string; timeoutMs?: number; intervalMs?: number }>,
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(options.intervalMs ?? 250);
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`Timed out waiting for ${options.description}${reason}`);
}

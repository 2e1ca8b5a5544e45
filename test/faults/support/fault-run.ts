import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  beginFaultInjection,
  checkHealth,
  gatewayUrl,
  endFaultInjection,
  ensureFabricBinaries,
  repoRoot,
  runningProcess,
  startGateways,
  trackedNames,
  up,
  type FabricInstall,
  ordererNodes,
} from '@consent-ledger/network';
import { topology } from '../../support/ledger.ts';
import { checkLedgers, peerHeight, type LedgerCheck } from './ledger-check.ts';
import { createLoadGenerator, type LoadGenerator, type WindowStats } from './load-generator.ts';

/** What a fault's injection reports: its own timings and details, for the report. */
export type FaultDetails = Record<string, unknown>;

/** Options of {@link runFault}. */
export interface FaultRunOptions {
  /** Short name, also the report's file name (`test-results/faults/<name>.json`). */
  readonly name: string;
  readonly description: string;
  /** Load before the fault (ms). */
  readonly warmupMs: number;
  /** Load after recovery (ms). */
  readonly afterMs: number;
  /**
   * Injects the fault and recovers from it (the "during" window runs from its call to its end);
   * answers details for the report.
   */
  readonly inject: (load: LoadGenerator) => Promise<FaultDetails>;
  /**
   * Called with the load stopped and the ledgers checked, before the report is written; `load`
   * holds every transaction the clients saw committed.
   */
  readonly afterLoad?: (
    result: Omit<FaultResult, 'extra'>,
    load: LoadGenerator,
  ) => Promise<FaultDetails>;
  /** Longest wait for the load to resume after recovery (ms; 60 s by default). */
  readonly resumeTimeoutMs?: number;
}

/** The outcome of one fault under load. */
export interface FaultResult {
  readonly name: string;
  readonly description: string;
  readonly details: FaultDetails;
  readonly throughput: {
    readonly before: WindowStats;
    readonly during: WindowStats;
    readonly after: WindowStats;
  };
  readonly acknowledged: number;
  readonly byKind: Record<string, number>;
  readonly ledger: LedgerCheck;
  readonly extra: FaultDetails;
}

const log = (line: string): void => {
  console.log(`[faults] ${line}`);
};

/** The Fabric installation (cached binaries). */
export function fabric(): Promise<FabricInstall> {
  return ensureFabricBinaries(topology);
}

/** Names of the processes that make the system: CAs, orderers, peers and gateways. */
export function systemProcessNames(): string[] {
  return [
    ...topology.organizations.map((org) => `ca.${org.name}`),
    ...ordererNodes(topology).map((node) => node.name),
    ...topology.organizations.flatMap((org) => org.peers.map((peer) => `${peer.name}.${org.name}`)),
    ...topology.organizations.map((org) => `gateway.${org.name}`),
  ];
}

/**
 * Leaves the whole system running, whatever a fault test did: when any node or gateway is
 * stopped, brings the network up (idempotent: starts only what is stopped) and the gateways.
 */
export async function restoreSystem(): Promise<void> {
  const stopped = systemProcessNames().filter((name) => runningProcess(name) === undefined);
  // A gateway answering on its port is up, tracked or not (starting another would only fail).
  const answering = await Promise.all(
    topology.organizations.map(async (org) =>
      (await checkHealth(`${gatewayUrl(org)}/health/live`)).healthy ? `gateway.${org.name}` : '',
    ),
  );
  const missing = stopped.filter((name) => !answering.includes(name));
  if (missing.length === 0) return;
  log(`restoring ${missing.join(', ')}`);
  await up(log, topology);
  await startGateways(topology, log);
}

/** Tracked names, for diagnostics. */
export function trackedSummary(): string {
  return trackedNames()
    .map((name) => `${name}:${runningProcess(name) === undefined ? 'stopped' : 'running'}`)
    .join(' ');
}

/**
 * Runs a steady load, injects a fault after the warm-up, keeps the load going after recovery,
 * then stops it and checks the five ledgers (every acknowledged transaction on every peer, the
 * same block hashes). Writes the figures to `test-results/faults/<name>.json`.
 */
export async function runFault(options: FaultRunOptions): Promise<FaultResult> {
  beginFaultInjection(`${options.name}: ${options.description}`);
  try {
    return await underLoad(options);
  } finally {
    // Restore before lifting the marker, so that no other run's setup starts the nodes itself.
    await restoreSystem();
    endFaultInjection();
  }
}

async function underLoad(options: FaultRunOptions): Promise<FaultResult> {
  const startHeight = await peerHeight('gov');
  const load = await createLoadGenerator({ workers: 4 });
  try {
    const start = Date.now();
    load.start();
    await load.waitForCommits(4, 60_000);
    await sleep(options.warmupMs);
    const faultAt = Date.now();
    log(`${options.name}: injecting after ${String(load.committed.length)} commits`);
    const details = await options.inject(load);
    const recoveredAt = Date.now();
    log(`${options.name}: recovered in ${String(recoveredAt - faultAt)} ms`);
    await sleep(options.afterMs);
    // At least one commit after recovery: the load resumed.
    await load.waitForCommits(1, options.resumeTimeoutMs ?? 60_000);
    await load.stop();
    const end = Date.now();
    const inDoubt = load.failures.flatMap((failure) =>
      failure.txId !== undefined && failure.kind.startsWith('commit:') ? [failure.txId] : [],
    );
    const ledger = await checkLedgers(load.committed, startHeight, inDoubt);
    const byKind: Record<string, number> = {};
    for (const tx of load.committed) byKind[tx.kind] = (byKind[tx.kind] ?? 0) + 1;
    const base = {
      name: options.name,
      description: options.description,
      details: { ...details, faultWindowMs: recoveredAt - faultAt },
      throughput: {
        before: load.window(start, faultAt),
        during: load.window(faultAt, recoveredAt),
        after: load.window(recoveredAt, end),
      },
      acknowledged: load.committed.length,
      byKind,
      ledger,
    };
    const extra = (await options.afterLoad?.(base, load)) ?? {};
    const result: FaultResult = { ...base, extra };
    writeReport(result);
    return result;
  } catch (error) {
    log(`${options.name} failed; load so far: ${JSON.stringify(load.window(0, Date.now()))}`);
    throw error;
  } finally {
    await load.stop();
    load.close();
  }
}

function writeReport(result: FaultResult): void {
  const dir = path.join(repoRoot, 'test-results', 'faults');
  mkdirSync(dir, { recursive: true });
  const { events, ...ledger } = result.ledger;
  const report = {
    ...result,
    finishedAt: new Date().toISOString(),
    ledger: {
      ...ledger,
      commonHeight: String(ledger.commonHeight),
      fromBlock: String(ledger.fromBlock),
      chaincodeEventsInRange: events.length,
      lostCount: ledger.lost.length,
    },
  };
  writeFileSync(path.join(dir, `${result.name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  log(
    `${result.name}: ${String(result.acknowledged)} acknowledged, ${String(ledger.lost.length)} lost; ` +
      `tx/s before ${String(result.throughput.before.txPerSecond)}, during ${String(result.throughput.during.txPerSecond)}, ` +
      `after ${String(result.throughput.after.txPerSecond)}`,
  );
}

import { createHash } from 'node:crypto';
import { ledgerCalls, type LedgerCalls } from './calls.ts';
import {
  waitWhileFaultInjection,
  bootstrapRegistry,
  connectAs,
  deployChaincode,
  ensureFabricBinaries,
  ensureIdentity,
  loadTopology,
  orgLayout,
  peerId,
  startGateways,
  trackedNames,
  up,
  userIdentity,
  type FabricInstall,
  type LedgerConnection,
  type Organization,
  type Topology,
} from '@consent-ledger/network';

/**
 * The benchmark's view of the network: the production chaincode (`consent-ledger`, which the REST
 * gateways call) and the benchmark's own deployment of the same package under another name, whose
 * package adds the flag file that enables `bench:SeedAccessEvents`. The separate namespace keeps
 * millions of synthetic events out of the production state, and other deployments of
 * `consent-ledger` (the tests redeploy it when chaincode/ changes) leave it alone.
 */

/** Name of the benchmark's chaincode definition. */
export const BENCH_CHAINCODE = 'consent-ledger-bench';

/** The flag file (chaincode/src/bench/bench.contract.ts SEEDING_FLAG_FILE). */
export const SEEDING_FLAG_FILE = 'bench-seeding.enabled';

/** The topology with the benchmark's chaincode name (same endorsement policy). */
export function benchTopology(topology: Topology): Topology {
  return { ...topology, chaincode: { ...topology.chaincode, name: BENCH_CHAINCODE } };
}

/** An application organization by short name. */
export function orgNamed(topology: Topology, name: string): Organization {
  const found = topology.organizations.find((org) => org.name === name);
  if (found === undefined) throw new Error(`no organization ${name}`);
  return found;
}

/**
 * Brings the network and its gateways up when the peers are not running (as the integration tests'
 * setup does), deploys the benchmark chaincode and bootstraps its registry.
 */
export async function prepareNetwork(
  log: (line: string) => void,
): Promise<{ topology: Topology; install: FabricInstall }> {
  const topology = loadTopology();
  // A node stopped by a fault-injection test is not ours to restart: wait for the test to end.
  await waitWhileFaultInjection({ log, timeoutMs: 600_000 });
  const running = new Set(trackedNames());
  const peersRunning = topology.organizations.every((org) =>
    org.peers.every((peer) => running.has(peerId(org, peer))),
  );
  const install = peersRunning ? await ensureFabricBinaries(topology) : await up(log, topology);
  if (!peersRunning) {
    await deployChaincode({ install, topology, log });
    await bootstrapRegistry({ topology, log });
    await startGateways(topology, log);
  }
  const bench = benchTopology(topology);
  await deployChaincode({
    install,
    topology: bench,
    log,
    extraFiles: { [SEEDING_FLAG_FILE]: 'benchmark seeding enabled\n' },
  });
  await bootstrapRegistry({ topology: bench, log });
  // Gateways of a running network are left as they are (someone may be restarting them).
  return { topology, install };
}

/** An enrolled identity connected to its organization's peer. */
export interface BenchUser {
  readonly org: Organization;
  readonly id: string;
  readonly connection: LedgerConnection;
  /** Typed calls of a chaincode (the benchmark's by default), inputs as transient data. */
  calls(chaincode?: string): LedgerCalls;
}

/** Options of {@link benchUser}. */
export interface BenchUserOptions {
  readonly install: FabricInstall;
  readonly topology: Topology;
  readonly org: string;
  /** Stable name of the user within the benchmark (reused across runs: the CA enrolls it once). */
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * The enrollment ID of a benchmark user: opaque (`u-` and 24 hex digits, as the network makes
 * them), since every block a user submits carries it (docs/privacy.md), yet stable across runs.
 */
export function benchEnrollmentId(name: string): string {
  return `u-${createHash('sha256').update(`consent-ledger-bench:${name}`).digest('hex').slice(0, 24)}`;
}

/** Registers and enrolls (once) a user with certificate attributes, and connects it. */
export async function benchUser(options: Readonly<BenchUserOptions>): Promise<BenchUser> {
  const org = orgNamed(options.topology, options.org);
  const layout = orgLayout(org);
  const id = benchEnrollmentId(options.name);
  const identity = userIdentity(layout, id);
  await ensureIdentity(
    options.install,
    layout,
    { id, type: 'client', attributes: options.attributes },
    identity,
  );
  const connection = connectAs({ org, identity });
  const channel = options.topology.channel.name;
  return {
    org,
    id,
    connection,
    calls: (chaincode = BENCH_CHAINCODE) =>
      ledgerCalls({ gateway: connection.gateway, channel, chaincode }),
  };
}

import type { Contract } from '@hyperledger/fabric-gateway';
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
  /** A contract of a chaincode (the benchmark's by default). */
  contract(name: string, chaincode?: string): Contract;
}

/** Options of {@link benchUser}. */
export interface BenchUserOptions {
  readonly install: FabricInstall;
  readonly topology: Topology;
  readonly org: string;
  /** Stable enrollment ID (reused across runs: the CA enrolls it once). */
  readonly id: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Registers and enrolls (once) a user with certificate attributes, and connects it. */
export async function benchUser(options: Readonly<BenchUserOptions>): Promise<BenchUser> {
  const org = orgNamed(options.topology, options.org);
  const layout = orgLayout(org);
  const identity = userIdentity(layout, options.id);
  await ensureIdentity(
    options.install,
    layout,
    { id: options.id, type: 'client', attributes: options.attributes },
    identity,
  );
  const connection = connectAs({ org, identity });
  const channel = connection.gateway.getNetwork(options.topology.channel.name);
  return {
    org,
    id: options.id,
    connection,
    contract: (name, chaincode = BENCH_CHAINCODE) => channel.getContract(chaincode, name),
  };
}

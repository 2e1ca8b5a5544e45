import { homedir } from 'node:os';
import path from 'node:path';

/** The repository's root folder. */
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** The topology file every artifact is generated from. */
export const topologyFile =
  process.env.CONSENT_LEDGER_TOPOLOGY ?? path.join(repoRoot, 'network', 'topology.yaml');

/** The gitignored run folder: generated crypto, configs, ledgers, logs and PID files. */
export const runDir = path.resolve(
  process.env.CONSENT_LEDGER_RUN_DIR ?? path.join(repoRoot, '.run'),
);

/** Machine-wide cache outside the repository (Fabric binaries, Node, chaincode dependencies). */
export const cacheDir = path.resolve(
  process.env.CONSENT_LEDGER_CACHE ?? path.join(homedir(), '.cache', 'consent-ledger'),
);

/** Folders inside the run folder. */
export const runPaths = {
  network: path.join(runDir, 'network'),
  organizations: path.join(runDir, 'network', 'organizations'),
  channelArtifacts: path.join(runDir, 'network', 'channel'),
  /** What the members share: MSP and TLS CA certificates, config blocks, ledger snapshots. */
  exchange: path.join(runDir, 'network', 'exchange'),
  nodes: path.join(runDir, 'network', 'nodes'),
  chaincode: path.join(runDir, 'chaincode'),
  gateways: path.join(runDir, 'gateways'),
  logs: path.join(runDir, 'logs'),
  pids: path.join(runDir, 'pids'),
} as const;

/** The external builder the peers use to run Node chaincode without Docker. */
export const externalBuilderDir = path.join(repoRoot, 'network', 'builders', 'node');

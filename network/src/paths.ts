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
  /** One workspace per organization (network/src/workspaces.ts). */
  organizations: path.join(runDir, 'network', 'organizations'),
  /**
   * What the members share, nothing secret (network/src/workspaces.ts): MSPs, orderer TLS
   * certificates, the channel's blocks, configuration updates and signatures, the member list
   * (members.json), snapshots, the chaincode package.
   */
  exchange: path.join(runDir, 'network', 'exchange'),
  /** The channel's configtx.yaml and genesis block, in the exchange. */
  channelArtifacts: path.join(runDir, 'network', 'exchange', 'channel'),
  /** The chaincode package and collections configuration, in the exchange. */
  chaincodeExchange: path.join(runDir, 'network', 'exchange', 'chaincode'),
  /** Where the operator stages the chaincode package before it goes to the exchange. */
  chaincode: path.join(runDir, 'chaincode'),
  logs: path.join(runDir, 'logs'),
  pids: path.join(runDir, 'pids'),
} as const;

/** The external builder the peers use to run Node chaincode without Docker. */
export const externalBuilderDir = path.join(repoRoot, 'network', 'builders', 'node');

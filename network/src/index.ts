/**
 * The network's programmatic API, for the tests, the benchmark and the tools: the same functions
 * the `npm start`/`stop`/`status` commands use.
 */
export { ensureFabricBinaries, fabricInstall, bin, type FabricInstall } from './binaries.ts';
export {
  deployChaincode,
  packageChaincode,
  endorsementPolicy,
  definitionVersion,
  retentionJson,
  type DeployResult,
} from './chaincode.ts';
export {
  collectionsConfig,
  collectionsConfigJson,
  writeCollectionsConfig,
  type CollectionConfig,
  type CollectionsFile,
} from './collections.ts';
export {
  channelHeight,
  channelInfo,
  exchangeSnapshotsDir,
  folderBytes,
  joinBySnapshotStatus,
  joinPeer,
  joinPeerBySnapshot,
  peerChannels,
  peerSnapshotsDir,
  readSnapshot,
  takeSnapshot,
  type ChannelSnapshot,
  type JoinBySnapshotOptions,
  type JoinBySnapshotResult,
  type TakeSnapshotOptions,
} from './channel.ts';
export {
  SnapshotError,
  hasChaincodePrivateHashes,
  latestSnapshotBlock,
  parseChannelInfo,
  parseJoinBySnapshotStatus,
  parseSnapshotMetadata,
  snapshotMismatches,
  type ChannelInfo,
  type JoinBySnapshotStatus,
  type SnapshotErrorCode,
  type SnapshotMetadata,
} from './snapshot-folders.ts';
export {
  extraPeerOf,
  removeExtraPeer,
  startExtraPeer,
  type ExtraPeerOptions,
} from './extra-peer.ts';
export { connectAs, peerClient, type LedgerConnection, type ConnectOptions } from './client.ts';
export {
  adminCredentials,
  adminPasswordFile,
  ensureAdminPassword,
  type AdminCredentials,
} from './admin-credentials.ts';
export {
  gatewayLines,
  gatewayMetricsToken,
  gatewayUrl,
  gatewayUrls,
  startGateway,
  startGateways,
  gatewayProcessName,
} from './gateways.ts';
export {
  beginFaultInjection,
  endFaultInjection,
  faultInjectionInProgress,
  waitWhileFaultInjection,
  type FaultInjection,
} from './faults.ts';
export { checkHealth, waitForHealth, waitUntil } from './health.ts';
export { run, CommandError, type RunOptions } from './exec.ts';
export { withFileLock } from './lock.ts';
export {
  orgLayout,
  ordererOrgLayout,
  peerIdentity,
  peerRuntime,
  ordererIdentity,
  ordererRuntime,
  userIdentity,
  type IdentityLayout,
  type OrgLayout,
} from './layout.ts';
export { startPeer, startOrderer } from './nodes.ts';
export { down, reset, status, up, type Log, type ProcessStatus } from './network.ts';
export {
  rebuildPeer,
  peerLedgerFolders,
  type RebuildPeerOptions,
  type RebuildResult,
} from './rebuild.ts';
export { runPaths, runDir, cacheDir, repoRoot, externalBuilderDir } from './paths.ts';
export {
  killProcess,
  logFile,
  processesMentioning,
  runningProcess,
  stopProcess,
  trackedNames,
} from './processes.ts';
export {
  loadTopology,
  endpoint,
  peerId,
  type Topology,
  type Organization,
  type Peer,
  type OrdererNode,
} from './topology.ts';
export { bootstrapRegistry, type BootstrapOptions } from './bootstrap.ts';
export {
  ensureIdentity,
  opaqueEnrollmentId,
  registrarCredentials,
  type IdentitySpec,
} from './ca.ts';
export { buildEvidence, mspCertificates, pinCheckpoint, type EvidenceOptions } from './evidence.ts';

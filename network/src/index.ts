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
  addOrganizationChange,
  applicationAclChange,
  applicationOrganizations,
  batchTimeoutChange,
  batchTimeoutOf,
  computeConfigUpdate,
  configOfBlock,
  configUpdateEnvelope,
  copyConfig,
  groupAt,
  groupsOf,
  modifiedElements,
  mspConfigOf,
  organizationGroup,
  organizationMsp,
  policiesOf,
  policyTree,
  removeOrganizationChange,
  requirementsOf,
  revocationListChange,
  signatureCreator,
  signatureValid,
  treeCandidates,
  treeSatisfied,
  valuesOf,
  NoConfigChangeError,
  type ConfigChange,
  type ConfigSigner,
  type ModifiedElement,
  type OrganizationDefinition,
  type PolicyRequirement,
  type PolicyTree,
} from './config-tx.ts';
export {
  adminSigner,
  configUpdateStatus,
  listProposals,
  organizationDefinitionFromMsp,
  ordererTargets,
  peerConfig,
  proposalDir,
  proposeConfigUpdate,
  readProposal,
  refusalCode,
  sendConfigUpdate,
  signConfigUpdate,
  submitConfigUpdate,
  waitForConfigSequence,
  ConfigUpdateError,
  type ConfigUpdateErrorCode,
  type ConfigUpdateProposal,
  type ConfigUpdateStatus,
  type ConfigUpdateSubmission,
  type OrdererTarget,
  type ProposeOptions,
  type SignOptions,
  type StatusOptions,
  type SubmitOptions,
} from './config-update.ts';
export {
  channelHeight,
  channelInfo,
  exchangeSnapshotsDir,
  folderBytes,
  joinBySnapshotStatus,
  joinPeer,
  joinPeerBySnapshot,
  SNAPSHOT_MEMBERSHIP_PATCH,
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
  SNAPSHOTS_KEPT,
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
  type RemoveExtraPeerOptions,
} from './extra-peer.ts';
export { connectAs, peerClient, type LedgerConnection, type ConnectOptions } from './client.ts';
export { endorseAgreed, isEndorsementMismatch, type EndorseAgreedOptions } from './endorsement.ts';
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
export { waitForGossip } from './gossip.ts';
export { run, CommandError, type RunOptions } from './exec.ts';
export { withFileLock } from './lock.ts';
export {
  orgLayout,
  gatewayDataDir,
  ordererPublicTlsCert,
  peerIdentity,
  peerRuntime,
  ordererIdentity,
  ordererRuntime,
  userIdentity,
  type IdentityLayout,
  type OrgLayout,
} from './layout.ts';
export { startPeer, startOrderer, adminCli, peerCliEnv } from './nodes.ts';
export {
  CONSORTIUM_GROUP,
  orgUser,
  orgUserName,
  separationEnabled,
  workspaceDir,
  type OrgUser,
} from './workspaces.ts';
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
  ordererNodes,
  ordererOrganizations,
  peerId,
  type Topology,
  type Organization,
  type Peer,
  type OrdererNode,
  type MemberList,
  membersFile,
  readMemberList,
} from './topology.ts';
export { publishRevocationList } from './revocation.ts';
export {
  bootstrapRegistry,
  deregisterOrganization,
  type BootstrapOptions,
  type DeregisterOptions,
} from './bootstrap.ts';
export { publishStandardNotices, standardNotice, type NoticeOptions } from './notices.ts';
export {
  changedMemberList,
  checkLeave,
  joinOrganization,
  removeOrganization,
  writeMemberList,
  MembershipError,
  SNAPSHOT_JOIN_MIN_HEIGHT,
  type JoinResult,
  type JoinTimings,
  type LeaveResult,
  type MembershipErrorCode,
  type MembershipOptions,
  type MembershipVote,
} from './membership.ts';
export { governanceVote, organizationDefinition } from './membership-vote.ts';
export {
  ensureIdentity,
  opaqueEnrollmentId,
  registrarCredentials,
  type IdentitySpec,
} from './ca.ts';
export { buildEvidence, mspCertificates, pinCheckpoint, type EvidenceOptions } from './evidence.ts';

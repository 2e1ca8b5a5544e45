import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { bin, type FabricInstall } from './binaries.ts';
import { waitForHealth } from './health.ts';
import { GOSSIP_ALIVE_EXPIRATION_MS } from './gossip.ts';
import type { RunOptions } from './exec.ts';
import { ordererIdentity, ordererRuntime, orgLayout, peerIdentity, peerRuntime } from './layout.ts';
import { externalBuilderDir } from './paths.ts';
import { startProcess } from './processes.ts';
import {
  endpoint,
  ordererOrganizations,
  type OrdererNode,
  type Organization,
  type Peer,
  type Topology,
} from './topology.ts';
import { orgUser, workspaceFolder, writeWorkspaceFile } from './workspaces.ts';

type Yaml = Record<string, unknown>;

function loadSample(install: FabricInstall, file: string): Yaml {
  return parse(readFileSync(path.join(install.sampleConfigDir, file), 'utf8')) as Yaml;
}

/** Sets a dotted path in a parsed YAML document, creating objects on the way. */
function set(document: Yaml, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  const last = keys.pop();
  if (last === undefined) return;
  let node = document;
  for (const key of keys) {
    const child = node[key];
    if (typeof child !== 'object' || child === null) node[key] = {};
    node = node[key] as Yaml;
  }
  node[last] = value;
}

/** The minimal environment for Fabric processes: nothing inherited but PATH and HOME. */
function baseEnv(configDir: string, home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    // A home of its own in its organization's workspace (an organization's user cannot write the
    // operator's).
    HOME: home,
    FABRIC_CFG_PATH: configDir,
  };
}

/** Generates a peer's core.yaml from Fabric's sample configuration and the topology. */
export function writePeerConfig(install: FabricInstall, org: Organization, peer: Peer): string {
  const runtime = peerRuntime(org, peer);
  const identity = peerIdentity(org, peer);
  const core = loadSample(install, 'core.yaml');
  const address = endpoint(peer);
  const values: Record<string, unknown> = {
    'peer.id': runtime.name,
    'peer.networkId': 'consent-ledger',
    'peer.listenAddress': address,
    'peer.address': address,
    'peer.chaincodeListenAddress': `${peer.host}:${peer.chaincodePort}`,
    'peer.chaincodeAddress': `${peer.host}:${peer.chaincodePort}`,
    'peer.gossip.bootstrap': address,
    'peer.gossip.endpoint': address,
    // Other organizations' peers (and their gateways, through discovery) find this one here.
    'peer.gossip.externalEndpoint': address,
    'peer.gossip.useLeaderElection': false,
    'peer.gossip.orgLeader': true,
    // Faster membership after a restart: the defaults (25 s reconnect) make `up` wait for gossip.
    'peer.gossip.aliveTimeInterval': '2s',
    'peer.gossip.aliveExpirationTimeout': `${String(GOSSIP_ALIVE_EXPIRATION_MS / 1000)}s`,
    'peer.gossip.reconnectInterval': '3s',
    // Private data (docs/privacy.md): a peer committing a block without the private data of its
    // collections pulls it from the other members for this long, then commits without it and lets
    // reconciliation fetch it. The default 60 s stalls a rebuilt peer (rebuildPeer) for a minute on
    // every block whose data no other peer holds (its organization's own lifecycle approvals);
    // reconciliation runs every 10 s instead of every minute.
    'peer.gossip.pvtData.pullRetryThreshold': '5s',
    'peer.gossip.pvtData.reconcileSleepInterval': '10s',
    'peer.gossip.pvtData.reconciliationEnabled': true,
    'peer.tls.enabled': true,
    'peer.tls.clientAuthRequired': false,
    'peer.tls.cert.file': identity.tlsCert,
    'peer.tls.key.file': identity.tlsKey,
    'peer.tls.rootcert.file': identity.tlsCa,
    'peer.tls.clientRootCAs.files': [identity.tlsCa],
    'peer.fileSystemPath': runtime.dataDir,
    'peer.mspConfigPath': identity.mspDir,
    'peer.localMspId': org.mspId,
    'peer.gateway.enabled': true,
    'peer.gateway.endorsementTimeout': '60s',
    'peer.gateway.broadcastTimeout': '30s',
    // No Docker: an empty endpoint turns the Docker chaincode runtime off.
    'vm.endpoint': '',
    'chaincode.externalBuilders': [
      {
        name: 'consent-ledger-node',
        path: externalBuilderDir,
        propagateEnvironment: ['PATH', 'HOME'],
      },
    ],
    'chaincode.executetimeout': '120s',
    'chaincode.installTimeout': '300s',
    'chaincode.startuptimeout': '120s',
    'chaincode.logging.level': 'info',
    'ledger.state.stateDatabase': 'goleveldb',
    'ledger.history.enableHistoryDatabase': true,
    'ledger.snapshots.rootDir': path.join(runtime.dataDir, 'snapshots'),
    'operations.listenAddress': `${peer.host}:${peer.operationsPort}`,
    'operations.tls.enabled': false,
    'metrics.provider': 'prometheus',
  };
  for (const [key, value] of Object.entries(values)) set(core, key, value);
  workspaceFolder(org.name, runtime.configDir);
  workspaceFolder(org.name, runtime.dataDir);
  writeWorkspaceFile(org.name, path.join(runtime.configDir, 'core.yaml'), stringify(core));
  return runtime.configDir;
}

/** Generates an orderer's orderer.yaml: etcdraft, no system channel, channel participation API on. */
export function writeOrdererConfig(
  install: FabricInstall,
  topology: Topology,
  node: OrdererNode,
): string {
  const runtime = ordererRuntime(node);
  const identity = ordererIdentity(node);
  const own = orgLayout(node.org);
  // The other orderer organizations' TLS CAs, as published in the exchange: the Raft cluster's
  // peers are the other members' orderers.
  const clusterRoots = ordererOrganizations(topology).map((org) =>
    org.name === node.org.name ? own.caCert : orgLayout(org).publicCaCert,
  );
  const config = loadSample(install, 'orderer.yaml');
  const values: Record<string, unknown> = {
    'General.ListenAddress': node.host,
    'General.ListenPort': node.port,
    'General.TLS.Enabled': true,
    'General.TLS.PrivateKey': identity.tlsKey,
    'General.TLS.Certificate': identity.tlsCert,
    'General.TLS.RootCAs': clusterRoots,
    'General.TLS.ClientAuthRequired': false,
    'General.Cluster.ClientCertificate': identity.tlsCert,
    'General.Cluster.ClientPrivateKey': identity.tlsKey,
    'General.Cluster.RootCAs': clusterRoots,
    'General.BootstrapMethod': 'none',
    'General.LocalMSPDir': identity.mspDir,
    'General.LocalMSPID': node.org.mspId,
    'FileLedger.Location': path.join(runtime.dataDir, 'ledger'),
    'Consensus.WALDir': path.join(runtime.dataDir, 'etcdraft', 'wal'),
    'Consensus.SnapDir': path.join(runtime.dataDir, 'etcdraft', 'snapshot'),
    'Operations.ListenAddress': `${node.host}:${node.operationsPort}`,
    'Operations.TLS.Enabled': false,
    'Metrics.Provider': 'prometheus',
    'Admin.ListenAddress': `${node.host}:${node.adminPort}`,
    'Admin.TLS.Enabled': true,
    'Admin.TLS.Certificate': identity.tlsCert,
    'Admin.TLS.PrivateKey': identity.tlsKey,
    'Admin.TLS.ClientAuthRequired': true,
    // Only the organization's own admin may join or remove its orderer from a channel.
    'Admin.TLS.ClientRootCAs': [own.caCert],
    'ChannelParticipation.Enabled': true,
    'ChannelParticipation.MaxRequestBodySize': '64 MB',
  };
  for (const [key, value] of Object.entries(values)) set(config, key, value);
  workspaceFolder(node.org.name, runtime.configDir);
  workspaceFolder(node.org.name, runtime.dataDir);
  writeWorkspaceFile(
    node.org.name,
    path.join(runtime.configDir, 'orderer.yaml'),
    stringify(config),
  );
  return runtime.configDir;
}

/** Starts a peer (if stopped) and waits until its /healthz answers OK. */
export async function startPeer(
  install: FabricInstall,
  org: Organization,
  peer: Peer,
): Promise<void> {
  const configDir = writePeerConfig(install, org, peer);
  const name = peerRuntime(org, peer).name;
  startProcess({
    name,
    command: bin(install, 'peer'),
    args: ['node', 'start'],
    env: baseEnv(configDir, path.dirname(configDir)),
    user: orgUser(org.name),
  });
  await waitForHealth({ name, url: `http://${peer.host}:${peer.operationsPort}/healthz` });
}

/** Starts an orderer (if stopped) and waits until its /healthz answers OK. */
export async function startOrderer(
  install: FabricInstall,
  topology: Topology,
  node: OrdererNode,
): Promise<void> {
  const configDir = writeOrdererConfig(install, topology, node);
  startProcess({
    name: node.name,
    command: bin(install, 'orderer'),
    args: [],
    env: baseEnv(configDir, path.dirname(configDir)),
    user: orgUser(node.org.name),
  });
  await waitForHealth({
    name: node.name,
    url: `http://${node.host}:${node.operationsPort}/healthz`,
  });
}

/** Environment for the `peer` CLI acting as an organization's admin against one of its peers. */
export function peerCliEnv(
  install: FabricInstall,
  org: Organization,
  peer: Peer,
): Record<string, string> {
  const layout = orgLayout(org);
  return {
    ...baseEnv(install.sampleConfigDir, layout.dir),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: layout.admin.mspDir,
    CORE_PEER_ADDRESS: endpoint(peer),
    CORE_PEER_TLS_ROOTCERT_FILE: layout.caCert,
  };
}

/**
 * How to run the `peer` CLI as an organization's admin against one of its peers: its environment
 * and, where organizations are separated, its Unix user (it reads only its own workspace and the
 * exchange).
 */
export function adminCli(install: FabricInstall, org: Organization, peer: Peer): RunOptions {
  return { env: peerCliEnv(install, org, peer), user: orgUser(org.name) };
}

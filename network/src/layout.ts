import path from 'node:path';
import { runPaths } from './paths.ts';
import type { Organization, OrdererNode, Peer, Topology } from './topology.ts';
import { peerId } from './topology.ts';

/**
 * Where an organization's generated material lives under .run/network/organizations/<name>/:
 * its CA server's home, its registrar's client home, the organization MSP used in the channel
 * configuration, and one folder per node and per user identity.
 */
export interface OrgLayout {
  readonly name: string;
  readonly mspId: string;
  readonly caName: string;
  readonly ca: Readonly<{ host: string; port: number; operationsPort: number }>;
  readonly dir: string;
  readonly caHome: string;
  /** The CA's root certificate: the trust anchor for identities and TLS alike. */
  readonly caCert: string;
  readonly registrarHome: string;
  /** The organization MSP for configtx.yaml (cacerts, tlscacerts, NodeOU config). */
  readonly mspDir: string;
  /** Generated enrollment secrets, kept so that a half-finished setup can resume. */
  readonly secretsFile: string;
  /** The organization's Fabric admin (NodeOU admin), used for channel and lifecycle operations. */
  readonly admin: IdentityLayout;
  readonly connectionProfile: string;
}

/** An enrolled identity: its MSP folder and, where it has one, its TLS key pair. */
export interface IdentityLayout {
  readonly dir: string;
  readonly mspDir: string;
  readonly tlsDir: string;
  /** TLS files after normalisation: server.crt, server.key, ca.crt. */
  readonly tlsCert: string;
  readonly tlsKey: string;
  readonly tlsCa: string;
}

function identityLayout(dir: string): IdentityLayout {
  const tlsDir = path.join(dir, 'tls');
  return {
    dir,
    mspDir: path.join(dir, 'msp'),
    tlsDir,
    tlsCert: path.join(tlsDir, 'server.crt'),
    tlsKey: path.join(tlsDir, 'server.key'),
    tlsCa: path.join(tlsDir, 'ca.crt'),
  };
}

function layout(name: string, mspId: string, ca: OrgLayout['ca']): OrgLayout {
  const dir = path.join(runPaths.organizations, name);
  const caHome = path.join(dir, 'ca');
  return {
    name,
    mspId,
    caName: `ca-${name}`,
    ca,
    dir,
    caHome,
    caCert: path.join(caHome, 'ca-cert.pem'),
    registrarHome: path.join(dir, 'registrar'),
    mspDir: path.join(dir, 'msp'),
    secretsFile: path.join(dir, 'secrets.json'),
    admin: identityLayout(path.join(dir, 'users', 'admin')),
    connectionProfile: path.join(dir, `connection-${name}.json`),
  };
}

/** Layout of an application organization. */
export function orgLayout(org: Organization): OrgLayout {
  return layout(org.name, org.mspId, org.ca);
}

/** Layout of the ordering service's organization. */
export function ordererOrgLayout(topology: Topology): OrgLayout {
  return layout(topology.orderer.name, topology.orderer.mspId, topology.orderer.ca);
}

/** Identity folders of a peer. */
export function peerIdentity(org: Organization, peer: Peer): IdentityLayout {
  return identityLayout(path.join(runPaths.organizations, org.name, 'peers', peer.name));
}

/** Identity folders of an orderer node. */
export function ordererIdentity(topology: Topology, node: OrdererNode): IdentityLayout {
  return identityLayout(
    path.join(runPaths.organizations, topology.orderer.name, 'orderers', node.name),
  );
}

/** Runtime folders of a peer: its generated core.yaml and its ledger data. */
export function peerRuntime(
  org: Organization,
  peer: Peer,
): { configDir: string; dataDir: string; name: string } {
  const name = peerId(org, peer);
  return {
    name,
    configDir: path.join(runPaths.nodes, name, 'config'),
    dataDir: path.join(runPaths.nodes, name, 'data'),
  };
}

/** Runtime folders of an orderer node. */
export function ordererRuntime(node: OrdererNode): {
  configDir: string;
  dataDir: string;
  name: string;
} {
  return {
    name: node.name,
    configDir: path.join(runPaths.nodes, node.name, 'config'),
    dataDir: path.join(runPaths.nodes, node.name, 'data'),
  };
}

/** Process name of an organization's CA. */
export function caProcessName(org: Pick<OrgLayout, 'name'>): string {
  return `ca.${org.name}`;
}

/** Identity folders of a user enrolled with an organization's CA (tests and tools). */
export function userIdentity(org: Pick<OrgLayout, 'dir'>, id: string): IdentityLayout {
  return identityLayout(path.join(org.dir, 'users', id));
}

import path from 'node:path';
import { runPaths } from './paths.ts';
import type { Organization, OrdererNode, Peer } from './topology.ts';
import { peerId } from './topology.ts';
import { workspaceDir } from './workspaces.ts';

/**
 * Where an organization's material lives: its workspace (.run/network/organizations/<name>/, only
 * its own: its CA server's home, its registrar's client home, one folder per node and per user
 * identity, its nodes' configs and ledgers, its gateway's data) and its public part in the
 * exchange (.run/network/exchange/msp/<name>/: the organization MSP the channel configuration
 * holds). See network/src/workspaces.ts.
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
  /**
   * The same certificate as published in the exchange: what the other members use to trust this
   * organization's TLS servers (peers, orderers).
   */
  readonly publicCaCert: string;
  readonly registrarHome: string;
  /** The organization MSP in the exchange, for configtx.yaml (cacerts, tlscacerts, NodeOU config). */
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

/** Layout of an application organization. */
export function orgLayout(org: Pick<Organization, 'name' | 'mspId' | 'ca'>): OrgLayout {
  const { name, mspId, ca } = org;
  const dir = workspaceDir(name);
  const caHome = path.join(dir, 'ca');
  const mspDir = path.join(runPaths.exchange, 'msp', name);
  return {
    name,
    mspId,
    caName: `ca-${name}`,
    ca,
    dir,
    caHome,
    caCert: path.join(caHome, 'ca-cert.pem'),
    publicCaCert: path.join(mspDir, 'cacerts', 'ca.pem'),
    registrarHome: path.join(dir, 'registrar'),
    mspDir,
    secretsFile: path.join(dir, 'secrets.json'),
    admin: identityLayout(path.join(dir, 'users', 'admin')),
    connectionProfile: path.join(dir, `connection-${name}.json`),
  };
}

/** Identity folders of a peer. */
export function peerIdentity(org: Organization, peer: Peer): IdentityLayout {
  return identityLayout(path.join(runPaths.organizations, org.name, 'peers', peer.name));
}

/** Identity folders of an orderer node, in its organization's workspace. */
export function ordererIdentity(node: OrdererNode): IdentityLayout {
  return identityLayout(path.join(workspaceDir(node.org.name), 'orderers', node.name));
}

/**
 * An orderer's TLS certificate as published in the exchange: the channel configuration names it
 * as a Raft consenter.
 */
export function ordererPublicTlsCert(node: Pick<OrdererNode, 'name'>): string {
  return path.join(runPaths.exchange, 'orderers', node.name, 'tls-cert.pem');
}

/** Runtime folders of a peer, in its organization's workspace: its core.yaml and its ledger. */
export function peerRuntime(
  org: Organization,
  peer: Peer,
): { configDir: string; dataDir: string; name: string } {
  const name = peerId(org, peer);
  const dir = path.join(workspaceDir(org.name), 'nodes', name);
  return { name, configDir: path.join(dir, 'config'), dataDir: path.join(dir, 'data') };
}

/** Runtime folders of an orderer node, in its organization's workspace. */
export function ordererRuntime(node: OrdererNode): {
  configDir: string;
  dataDir: string;
  name: string;
} {
  const dir = path.join(workspaceDir(node.org.name), 'nodes', node.name);
  return { name: node.name, configDir: path.join(dir, 'config'), dataDir: path.join(dir, 'data') };
}

/** An organization's gateway's data folder (SQLite, keys, secrets), in its workspace. */
export function gatewayDataDir(org: Pick<Organization, 'name'> | string): string {
  return path.join(workspaceDir(typeof org === 'string' ? org : org.name), 'gateway');
}

/** Process name of an organization's CA. */
export function caProcessName(org: Pick<OrgLayout, 'name'>): string {
  return `ca.${org.name}`;
}

/** Identity folders of a user enrolled with an organization's CA (tests and tools). */
export function userIdentity(org: Pick<OrgLayout, 'dir'>, id: string): IdentityLayout {
  return identityLayout(path.join(org.dir, 'users', id));
}

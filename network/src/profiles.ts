import { registrarCredentials } from './ca.ts';
import { orgLayout, peerIdentity } from './layout.ts';
import { endpoint, peerId, type Topology } from './topology.ts';
import { readWorkspaceFile, writeWorkspaceFile } from './workspaces.ts';

/**
 * A connection profile for one organization's clients, in the common connection profile format
 * (what fabric-network and fabric-ca-client read), with the project's own additions under
 * `x-consent-ledger`: channel, chaincode, the organization's type and region, its gateway's
 * address, and where its CA registrar's credentials are.
 */
export interface ConnectionProfile {
  readonly name: string;
  readonly version: '1.0.0';
  readonly client: { readonly organization: string };
  readonly organizations: Record<
    string,
    { mspid: string; peers: string[]; certificateAuthorities: string[] }
  >;
  readonly peers: Record<
    string,
    { url: string; tlsCACerts: { pem: string }; grpcOptions: Record<string, string> }
  >;
  readonly certificateAuthorities: Record<
    string,
    { url: string; caName: string; tlsCACerts: { pem: string[] }; httpOptions: { verify: boolean } }
  >;
  readonly 'x-consent-ledger': {
    readonly channel: string;
    readonly chaincode: string;
    readonly mspId: string;
    readonly displayName: string;
    readonly type: string;
    readonly tier?: string;
    readonly region: Readonly<Record<string, string>>;
    readonly gateway: { host: string; port: number };
    readonly registrar: { enrollmentId: string; enrollmentSecret: string };
  };
}

/** Writes one connection profile per application organization. */
export function writeConnectionProfiles(topology: Topology): void {
  for (const org of topology.organizations) {
    const layout = orgLayout(org);
    const caPem = readWorkspaceFile(org.name, layout.caCert);
    const peers = Object.fromEntries(
      org.peers.map((peer) => [
        peerId(org, peer),
        {
          url: `grpcs://${endpoint(peer)}`,
          tlsCACerts: { pem: readWorkspaceFile(org.name, peerIdentity(org, peer).tlsCa) },
          grpcOptions: { 'ssl-target-name-override': peer.host },
        },
      ]),
    );
    const profile: ConnectionProfile = {
      name: `consent-ledger-${org.name}`,
      version: '1.0.0',
      client: { organization: org.mspId },
      organizations: {
        [org.mspId]: {
          mspid: org.mspId,
          peers: Object.keys(peers),
          certificateAuthorities: [layout.caName],
        },
      },
      peers,
      certificateAuthorities: {
        [layout.caName]: {
          url: `https://${endpoint(org.ca)}`,
          caName: layout.caName,
          tlsCACerts: { pem: [caPem] },
          httpOptions: { verify: true },
        },
      },
      'x-consent-ledger': {
        channel: topology.channel.name,
        chaincode: topology.chaincode.name,
        mspId: org.mspId,
        displayName: org.displayName,
        type: org.type,
        ...(org.tier === undefined ? {} : { tier: org.tier }),
        region: org.region,
        gateway: org.gateway,
        registrar: registrarCredentials(layout),
      },
    };
    writeWorkspaceFile(org.name, layout.connectionProfile, `${JSON.stringify(profile, null, 2)}\n`);
  }
}

import {
  addOrganizationChange,
  applicationOrganizations,
  removeOrganizationChange,
  type ConfigChange,
  type OrganizationDefinition,
} from './config-tx.ts';
import {
  configUpdateStatus,
  organizationDefinitionFromMsp,
  peerConfig,
  proposeConfigUpdate,
  signConfigUpdate,
  submitConfigUpdate,
} from './config-update.ts';
import { orgLayout } from './layout.ts';
import type { MembershipVote } from './membership.ts';
import type { Log } from './network.ts';
import type { Organization, Topology } from './topology.ts';

/**
 * An organization's definition for the channel configuration, from what it published in the
 * exchange (its MSP: its CA's root certificate, the trust anchor of its identities and of its TLS
 * certificates alike, and NodeOU roles), with its first peer as anchor peer. Nothing of its
 * workspace is read: the members who vote cannot open it.
 */
export function organizationDefinition(org: Organization): OrganizationDefinition {
  return organizationDefinitionFromMsp({
    mspId: org.mspId,
    mspDir: orgLayout(org).mspDir,
    anchorPeers: org.peers.slice(0, 1).map((peer) => ({ host: peer.host, port: peer.port })),
  });
}

/** A membership change as a proposal: its description, its kind and the change it makes. */
export interface MembershipUpdate {
  readonly description: string;
  readonly kind: 'add-org' | 'remove-org';
  readonly change: ConfigChange;
}

/** The update that adds an organization's MSP to the channel's application group. */
export function addOrganizationUpdate(org: Organization): MembershipUpdate {
  return {
    description: `add ${org.mspId} (${org.displayName})`,
    kind: 'add-org',
    change: addOrganizationChange(organizationDefinition(org)),
  };
}

/** The update that removes an organization from the channel's application group. */
export function removeOrganizationUpdate(org: Organization): MembershipUpdate {
  return {
    description: `remove ${org.mspId} (${org.displayName})`,
    kind: 'remove-org',
    change: removeOrganizationChange(org.mspId),
  };
}

/** The government first (it proposes), then the others in the topology's order. */
function signingOrder(topology: Topology, leaving?: Organization): Organization[] {
  const members = topology.organizations.filter((org) => org.name !== leaving?.name);
  return [
    ...members.filter((org) => org.type === 'government'),
    ...members.filter((org) => org.type !== 'government'),
  ];
}

/**
 * Proposes a change, has the members' admins sign it one after another (each from its own admin
 * MSP) until the channel's policy is met (a majority of the members' admins), and submits it.
 */
async function majorityUpdate(
  topology: Topology,
  update: MembershipUpdate,
  log: Log,
): Promise<void> {
  const signers = signingOrder(topology);
  const [proposer] = signers;
  if (proposer === undefined) throw new Error('the consortium has no member to propose');
  const proposal = await proposeConfigUpdate({
    topology,
    proposer,
    description: update.description,
    kind: update.kind,
    change: update.change,
  });
  for (const org of signers) {
    if (configUpdateStatus({ id: proposal.id }).enough) break;
    await signConfigUpdate({ topology, id: proposal.id, org });
  }
  const status = configUpdateStatus({ id: proposal.id });
  log(`Proposal ${proposal.id} (${update.description}) signed by ${status.signedBy.join(', ')}`);
  await submitConfigUpdate({ topology, id: proposal.id, org: proposer });
}

/** The membership vote through the governance module (network/src/config-update.ts). */
export function governanceVote(log: Log): MembershipVote {
  return {
    isChannelMember: async (topology, org) => {
      const [asker] = signingOrder(topology, org);
      if (asker === undefined) throw new Error('the consortium has no member to ask');
      const { config } = await peerConfig({ topology, org: asker });
      return applicationOrganizations(config).includes(org.mspId);
    },
    addOrganization: (topology, org) => majorityUpdate(topology, addOrganizationUpdate(org), log),
    removeOrganization: (topology, org) =>
      majorityUpdate(topology, removeOrganizationUpdate(org), log),
  };
}

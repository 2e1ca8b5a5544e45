import { isDeepStrictEqual } from 'node:util';
import {
  decodeResult,
  newSalt,
  openResult,
  transientRequest,
  type Organization as Registration,
  type OrganizationInput,
} from '@consent-ledger/ledger-api';
import { connectAs } from './client.ts';
import { endorseAgreed } from './endorsement.ts';
import { orgLayout } from './layout.ts';
import { publishStandardNotices } from './notices.ts';
import type { Organization, Topology } from './topology.ts';

/** Options of {@link bootstrapRegistry}. */
export interface BootstrapOptions {
  readonly topology: Topology;
  readonly log?: (line: string) => void;
}

function registration(org: Organization): OrganizationInput {
  return {
    mspId: org.mspId,
    type: org.type,
    ...(org.tier === undefined ? {} : { tier: org.tier }),
    region: org.region,
    // Codes, types and regions only: the institutions' display names stay off the ledger.
    ...(org.institutions === undefined
      ? {}
      : {
          institutions: org.institutions.map(({ institutionId, type, region }) => ({
            institutionId,
            type,
            region,
          })),
        }),
  };
}

/** The institutions of a registration, by ID (the registry keeps them sorted). */
function institutionsOf(entry: Pick<OrganizationInput, 'institutions'>): unknown[] {
  return [...(entry.institutions ?? [])].sort((a, b) =>
    a.institutionId < b.institutionId ? -1 : 1,
  );
}

/** Whether the registry holds what is wanted (a tier only compared when one is wanted). */
function sameRegistration(existing: Registration, wanted: OrganizationInput): boolean {
  return (
    existing.type === wanted.type &&
    (wanted.tier === undefined || existing.tier === wanted.tier) &&
    isDeepStrictEqual(existing.region, wanted.region) &&
    isDeepStrictEqual(institutionsOf(existing), institutionsOf(wanted))
  );
}

/**
 * Registers every organization of the topology (type, tier, region codes, member institutions) in
 * the chaincode's organization registry, as the government organization's admin, then has each
 * publish its standard notice ({@link publishStandardNotices}). Idempotent: an organization already
 * registered with the same details, or with its notice published, is left alone.
 */
export async function bootstrapRegistry(options: BootstrapOptions): Promise<void> {
  const { topology } = options;
  const gov = topology.organizations.find((org) => org.type === 'government');
  if (gov === undefined) throw new Error('the topology has no government organization');
  const connection = connectAs({ org: gov, identity: orgLayout(gov).admin });
  try {
    const contract = connection.gateway
      .getNetwork(topology.channel.name)
      .getContract(topology.chaincode.name, 'registry');
    const listed = decodeResult(
      'registry:ListOrganizations',
      await contract
        .newProposal('ListOrganizations', { transientData: transientRequest({ args: [] }) })
        .evaluate(),
    );
    // The registry is public state: the chaincode's own policy (any two organizations) applies.
    // Its input still travels as transient data, so the endorsers are named.
    const endorsers = topology.organizations
      .slice(0, topology.chaincode.endorsement.outOf)
      .map((org) => org.mspId);
    const registered = new Map(listed.map((entry) => [entry.mspId, entry]));
    for (const org of topology.organizations) {
      const wanted = registration(org);
      const existing = registered.get(org.mspId);
      if (existing !== undefined && sameRegistration(existing, wanted)) continue;
      // The previous registration is committed on the government's peer; the other endorser
      // may be a block behind, and then answers differently: propose again.
      const transaction = await endorseAgreed(() =>
        contract.newProposal('RegisterOrganization', {
          transientData: transientRequest({ args: [wanted], salt: newSalt() }),
          endorsingOrganizations: endorsers,
        }),
      );
      const status = await (await transaction.submit()).getStatus();
      if (!status.successful) {
        throw new Error(
          `registering ${org.mspId} failed to commit: code ${String(status.code)} (${status.transactionId})`,
        );
      }
      options.log?.(`Registered ${org.mspId} (${org.type}) in the organization registry`);
    }
  } finally {
    connection.close();
  }
  await publishStandardNotices(options);
}

/** Options of {@link deregisterOrganization}. */
export interface DeregisterOptions {
  readonly topology: Topology;
  /** The leaving organization's MSP ID. */
  readonly mspId: string;
  readonly log?: (line: string) => void;
}

/**
 * Removes an organization from the chaincode's organization registry (registry:
 * DeregisterOrganization, as the government organization's admin), so that the chaincode's member
 * list, its collections and the patients' possible homes leave it out. Idempotent.
 */
export async function deregisterOrganization(options: DeregisterOptions): Promise<void> {
  const { topology, mspId } = options;
  const gov = topology.organizations.find((org) => org.type === 'government');
  if (gov === undefined) throw new Error('the topology has no government organization');
  const connection = connectAs({ org: gov, identity: orgLayout(gov).admin });
  try {
    const contract = connection.gateway
      .getNetwork(topology.channel.name)
      .getContract(topology.chaincode.name, 'registry');
    const endorsers = [
      gov.mspId,
      ...topology.organizations
        .filter((org) => org.mspId !== gov.mspId && org.mspId !== mspId)
        .map((org) => org.mspId),
    ].slice(0, topology.chaincode.endorsement.outOf);
    const salt = newSalt();
    const transaction = await endorseAgreed(() =>
      contract.newProposal('DeregisterOrganization', {
        transientData: transientRequest({ args: [mspId], salt }),
        endorsingOrganizations: endorsers,
      }),
    );
    // A submit's result is sealed for its salt (it is written into the block).
    const removal = await openResult('registry:DeregisterOrganization', transaction.getResult(), {
      salt,
      txId: transaction.getTransactionId(),
    });
    const status = await (await transaction.submit()).getStatus();
    if (!status.successful) {
      throw new Error(
        `deregistering ${mspId} failed to commit: code ${String(status.code)} (${status.transactionId})`,
      );
    }
    options.log?.(
      removal.removed
        ? `Deregistered ${mspId} from the organization registry`
        : `${mspId} was not in the organization registry`,
    );
  } finally {
    connection.close();
  }
}

import { isDeepStrictEqual } from 'node:util';
import { connectAs } from './client.ts';
import { orgLayout } from './layout.ts';
import type { Topology } from './topology.ts';

/** Options of {@link bootstrapRegistry}. */
export interface BootstrapOptions {
  readonly topology: Topology;
  readonly log?: (line: string) => void;
}

const decoder = new TextDecoder();

function registration(org: Topology['organizations'][number]): Record<string, unknown> {
  return {
    mspId: org.mspId,
    type: org.type,
    ...(org.tier === undefined ? {} : { tier: org.tier }),
    region: org.region,
  };
}

function sameRegistration(
  existing: Record<string, unknown>,
  wanted: Record<string, unknown>,
): boolean {
  return Object.entries(wanted).every(([key, value]) => isDeepStrictEqual(existing[key], value));
}

/**
 * Registers every organization of the topology (type, tier, region codes) in the chaincode's
 * organization registry, as the government organization's admin. Idempotent: an organization
 * already registered with the same details is left alone.
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
    const listed = JSON.parse(
      decoder.decode(await contract.evaluateTransaction('ListOrganizations')),
    ) as Record<string, unknown>[];
    const registered = new Map(listed.map((entry) => [entry.mspId, entry]));
    for (const org of topology.organizations) {
      const wanted = registration(org);
      const existing = registered.get(org.mspId);
      if (existing !== undefined && sameRegistration(existing, wanted)) continue;
      await contract.submitTransaction('RegisterOrganization', JSON.stringify(wanted));
      options.log?.(`Registered ${org.mspId} (${org.type}) in the organization registry`);
    }
  } finally {
    connection.close();
  }
}

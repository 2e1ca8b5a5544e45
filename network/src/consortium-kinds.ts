import {
  addOrganizationChange,
  batchTimeoutChange,
  removeOrganizationChange,
  type ConfigChange,
} from './config-tx.ts';
import { organizationDefinition } from './membership-vote.ts';
import type { Organization, Topology } from './topology.ts';

/** The organization a kind's argument names: a member or a candidate of the topology. */
function namedOrganization(
  topology: Topology,
  kind: string,
  name: string | undefined,
): Organization {
  const org = [...topology.organizations, ...topology.candidates].find(
    (each) => each.name === name || each.mspId === name,
  );
  if (org === undefined) throw new UsageError(`${kind} needs an organization of the topology`);
  return org;
}

/** A kind of change `propose` knows: its arguments, and the change they make. */
export interface ProposalKind {
  readonly usage: string;
  readonly describe: string;
  /** The change and its description, from the arguments after the kind. */
  build(
    args: readonly string[],
    topology: Topology,
  ):
    | { description: string; change: ConfigChange }
    | Promise<{ description: string; change: ConfigChange }>;
}

/** Thrown for a command line the CLI cannot run; printed as its one sentence. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'BAD_USAGE';
}

/**
 * The kinds of change `propose` makes. Adding and removing an organization by hand (`add-org
 * <name>`, `remove-org <name>`); `npm run consortium -- join|leave <name>` runs the whole change
 * (network/src/membership.ts).
 */
export const proposalKinds = new Map<string, ProposalKind>([
  [
    'batch-timeout',
    {
      usage: 'batch-timeout <duration>',
      describe: "the orderers' block timer (Orderer group: the orderer organizations' majority)",
      build: ([duration]) => {
        if (duration === undefined)
          throw new UsageError('batch-timeout needs a duration such as 500ms');
        let change: ConfigChange;
        try {
          change = batchTimeoutChange(duration);
        } catch (error) {
          throw new UsageError(error instanceof Error ? error.message : String(error));
        }
        return { description: `set the block timer to ${duration}`, change };
      },
    },
  ],
  [
    'add-org',
    {
      usage: 'add-org <name>',
      describe:
        "a new member's MSP, from its enrolled CA (Application group: the members' majority); `join` does the rest",
      build: ([name], topology) => {
        const org = namedOrganization(topology, 'add-org', name);
        return {
          description: `add ${org.mspId} (${org.displayName})`,
          change: addOrganizationChange(organizationDefinition(org)),
        };
      },
    },
  ],
  [
    'remove-org',
    {
      usage: 'remove-org <name>',
      describe:
        "a member's removal (Application group: the members' majority); `leave` does the rest",
      build: ([name], topology) => {
        const org = namedOrganization(topology, 'remove-org', name);
        return {
          description: `remove ${org.mspId} (${org.displayName})`,
          change: removeOrganizationChange(org.mspId),
        };
      },
    },
  ],
]);

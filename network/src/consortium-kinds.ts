import { batchTimeoutChange, type ConfigChange } from './config-tx.ts';
import { addOrganizationUpdate, removeOrganizationUpdate } from './membership-vote.ts';
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
      build: ([name], topology) =>
        addOrganizationUpdate(namedOrganization(topology, 'add-org', name)),
    },
  ],
  [
    'remove-org',
    {
      usage: 'remove-org <name>',
      build: ([name], topology) =>
        removeOrganizationUpdate(namedOrganization(topology, 'remove-org', name)),
    },
  ],
]);

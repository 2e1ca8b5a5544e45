import { batchTimeoutChange, type ConfigChange } from './config-tx.ts';
import type { Topology } from './topology.ts';

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
 * The kinds of change `propose` makes. Adding and removing an organization (`add-org <name>`,
 * `remove-org <name>`) are registered here by the organization-joining work
 * (addOrganizationChange/removeOrganizationChange in config-tx.ts).
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
]);

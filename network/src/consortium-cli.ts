import { parseArgs } from 'node:util';
import {
  configUpdateStatus,
  listProposals,
  proposeConfigUpdate,
  signConfigUpdate,
  submitConfigUpdate,
  type ConfigUpdateStatus,
} from './config-update.ts';
import { ensureFabricBinaries } from './binaries.ts';
import { proposalKinds, UsageError } from './consortium-kinds.ts';
import { joinOrganization, removeOrganization } from './membership.ts';
import { governanceVote } from './membership-vote.ts';
import { loadTopology, type Organization, type Topology } from './topology.ts';

/**
 * `npm run consortium -- <verb>`: channel configuration updates decided by the members
 * (docs/governance.md). `propose <kind> [args] [--as <org>]`, `sign <id> --as <org>`,
 * `status [<id>]`, `submit <id> --as <org>`. Each organization runs `sign` in its own workspace.
 */

function orgArgument(topology: Topology, name: string | undefined, verb: string): Organization {
  if (name === undefined) throw new UsageError(`${verb} needs --as <org>`);
  const found = topology.organizations.find((org) => org.name === name || org.mspId === name);
  if (found === undefined)
    throw new UsageError(
      `no organization ${name}: one of ${topology.organizations.map((org) => org.name).join(', ')}`,
    );
  return found;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows.reduce<number[]>(
    (max, row) => row.map((cell, column) => Math.max(max[column] ?? 0, cell.length)),
    [],
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function statusRow(status: ConfigUpdateStatus): string[] {
  const { proposal } = status;
  const counted = status.requirements.map(
    (requirement) =>
      `${requirement.signed.length} of ${requirement.needed} (${requirement.policy})`,
  );
  return [
    proposal.id,
    `${proposal.kind}: ${proposal.description}`,
    status.signedBy.join(', ') || '-',
    counted.join('; '),
    status.submission === undefined
      ? status.enough
        ? 'yes'
        : 'no'
      : `submitted (${status.submission.submitter})`,
  ];
}

/** How a join's peers joined, in words. */
const JOINED_FROM = {
  snapshot: 'joined from a snapshot',
  'first-block': 'joined from the first block',
  'own-ledger': 'kept their own ledger',
} as const;

const HEADER = ['PROPOSAL', 'CHANGES', 'SIGNED BY', 'NEEDED', 'ENOUGH?'];

async function main(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    // --wait-for: the organizations whose peers a submit waits for (a removal: the remaining ones).
    // --snapshot-from: a join's peers start from a ledger snapshot from this channel height on
    // (membership.ts SNAPSHOT_JOIN_MIN_HEIGHT by default; 0 always).
    options: {
      as: { type: 'string' },
      'wait-for': { type: 'string' },
      'snapshot-from': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [verb, ...rest] = positionals;
  const topology = loadTopology();
  switch (verb) {
    case 'propose': {
      const [kindName, ...args] = rest;
      const kind = kindName === undefined ? undefined : proposalKinds.get(kindName);
      if (kind === undefined)
        throw new UsageError(
          `propose needs a kind: ${[...proposalKinds.values()].map((each) => each.usage).join(', ')}`,
        );
      const proposer = orgArgument(
        topology,
        values.as ?? topology.organizations[0]?.name,
        'propose',
      );
      const { description, change } = await kind.build(args, topology);
      const proposal = await proposeConfigUpdate({
        topology,
        proposer,
        description,
        kind: kindName ?? '',
        change,
      });
      const status = configUpdateStatus({ id: proposal.id });
      console.log(`Proposed ${proposal.id}: ${description}.`);
      for (const requirement of status.requirements)
        console.log(
          `  needs ${requirement.rule} (${requirement.needed} of ${requirement.candidates.join(', ')})`,
        );
      console.log(
        `Each organization signs with: npm run consortium -- sign ${proposal.id} --as <org>`,
      );
      return;
    }
    case 'sign': {
      const [id] = rest;
      if (id === undefined) throw new UsageError('sign needs a proposal id');
      const org = orgArgument(topology, values.as, 'sign');
      const signed = await signConfigUpdate({ topology, id, org });
      const status = configUpdateStatus({ id });
      console.log(
        `${signed.mspId} signed ${id}; signed by ${status.signedBy.join(', ')}: ${status.enough ? 'enough to submit' : 'not enough yet'}.`,
      );
      return;
    }
    case 'status': {
      const [id] = rest;
      const statuses =
        id === undefined
          ? listProposals().map((proposal) => configUpdateStatus({ id: proposal.id }))
          : [configUpdateStatus({ id })];
      if (statuses.length === 0) {
        console.log('No proposals.');
        return;
      }
      console.log(table([HEADER, ...statuses.map(statusRow)]));
      for (const status of statuses)
        if (status.invalidSignatures.length > 0)
          console.log(
            `${status.proposal.id}: ignored signature files ${status.invalidSignatures.join(', ')}`,
          );
      return;
    }
    case 'submit': {
      const [id] = rest;
      if (id === undefined) throw new UsageError('submit needs a proposal id');
      const org = orgArgument(topology, values.as, 'submit');
      const waitFor = values['wait-for']?.split(',').filter((name) => name.length > 0);
      const submission = await submitConfigUpdate({
        topology,
        id,
        org,
        ...(waitFor === undefined ? {} : { waitFor }),
      });
      console.log(`${id} is on the channel: every peer has configuration ${submission.sequence}.`);
      return;
    }
    case 'join':
    case 'leave': {
      // The whole change for an organization of network/topology.yaml (network/src/membership.ts):
      // the majority-signed update in the middle, its CA, peer, chaincode, registry entry and
      // gateway around it.
      const [name] = rest;
      if (name === undefined) throw new UsageError(`${verb} needs an organization's name`);
      const log = (line: string): void => {
        console.log(`[consortium] ${line}`);
      };
      const snapshotFrom = values['snapshot-from'];
      const snapshotFromHeight = snapshotFrom === undefined ? undefined : Number(snapshotFrom);
      if (
        snapshotFromHeight !== undefined &&
        !(Number.isInteger(snapshotFromHeight) && snapshotFromHeight >= 0)
      )
        throw new UsageError('--snapshot-from needs a channel height (a whole number, 0 or more)');
      const options = {
        install: await ensureFabricBinaries(topology, log),
        name,
        vote: governanceVote(log),
        log,
        ...(snapshotFromHeight === undefined ? {} : { snapshotFromHeight }),
      };
      if (verb === 'join') {
        const joined = await joinOrganization(options);
        const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
        console.log(
          table([
            ['STEP', 'TIME'],
            ...Object.entries(joined.timings).map(([step, ms]: [string, number]) => [
              step,
              seconds(ms),
            ]),
          ]),
        );
        console.log(
          `${joined.org.mspId} is a member (its peers ${JOINED_FROM[joined.joinedFrom]}); its gateway: ${joined.gatewayUrl}`,
        );
      } else {
        const left = await removeOrganization(options);
        console.log(`${left.org.mspId} has left the consortium.`);
      }
      return;
    }
    default:
      throw new UsageError(
        'usage: npm run consortium -- propose <kind> [args] [--as <org>] | sign <id> --as <org> | status [<id>] | submit <id> --as <org> | join <org> [--snapshot-from <height>] | leave <org>',
      );
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error && 'code' in error ? ` (${String(error.code)})` : '';
  console.error(`consortium: ${message}${code}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}

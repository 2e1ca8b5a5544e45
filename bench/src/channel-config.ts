import type { Gateway } from '@hyperledger/fabric-gateway';
import {
  batchTimeoutChange,
  batchTimeoutOf,
  computeConfigUpdate,
  configOfBlock,
  configUpdateEnvelope,
  copyConfig,
  ordererOrganizations,
  proposeConfigUpdate,
  signConfigUpdate,
  submitConfigUpdate,
  type FabricInstall,
  type Topology,
} from '@consent-ledger/network';

export { batchTimeoutOf, configOfBlock, configUpdateEnvelope };

/** A channel configuration and an update, as the network package's fabric-protos decodes them. */
type Config = ReturnType<typeof configOfBlock>;
type ConfigUpdate = ReturnType<typeof computeConfigUpdate>;

/**
 * The orderers' block timer (the channel's `BatchTimeout`: a block is cut when it runs out, unless
 * enough transactions arrived first). The benchmark reads it from the channel's latest config
 * block, so that every run reports the setting it measured, and can change it for a run by a
 * channel configuration update signed by a majority of the orderer organizations' admins (the
 * `Admins` policy of the orderer group), to show what the timer costs (docs/benchmark.md, "The block timer"). The
 * network's own setting is network/topology.yaml `channel.batchTimeout`, used when the channel is
 * created; the benchmark never changes that file.
 */

const UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds of a Go duration as Fabric writes them (`500ms`, `2s`, `1m30s`, `1.5s`). */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text)
    throw new RangeError(`${JSON.stringify(text)} is not a duration such as 500ms or 2s`);
  return parts.reduce((sum, part) => sum + Number(part[1]) * (UNITS[part[2] ?? ''] ?? 0), 0);
}

/**
 * The configuration update that sets BatchTimeout to `timeout`, as `configtxlator compute_update`
 * makes it (network/src/config-tx.ts): the channel and orderer groups at their versions in the read
 * set, and in the write set the same groups with the value at its next version.
 */
export function batchTimeoutUpdate(
  options: Readonly<{ config: Config; channel: string; timeout: string }>,
): ConfigUpdate {
  parseDuration(options.timeout);
  const updated = copyConfig(options.config);
  batchTimeoutChange(options.timeout)(updated);
  return computeConfigUpdate({ channel: options.channel, original: options.config, updated });
}

/** The channel's latest config block, read through a peer (cscc GetConfigBlock). */
export async function fetchConfigBlock(gateway: Gateway, channel: string): Promise<Uint8Array> {
  return gateway
    .getNetwork(channel)
    .getContract('cscc')
    .evaluateTransaction('GetConfigBlock', channel);
}

/** The channel's BatchTimeout, as the peer of `gateway`'s organization has it. */
export async function readBatchTimeout(gateway: Gateway, channel: string): Promise<string> {
  return batchTimeoutOf(configOfBlock(await fetchConfigBlock(gateway, channel)));
}

/**
 * Sets the channel's BatchTimeout: a configuration update (network/src/config-update.ts) proposed
 * by the first organization, signed by a majority of the orderer organizations' admins (the
 * `Admins` policy of the orderer group) and submitted by the last of them, which waits until every
 * peer has the new configuration. Answers the setting before.
 */
export async function setBatchTimeout(
  options: Readonly<{
    install: FabricInstall;
    topology: Topology;
    gateway: Gateway;
    timeout: string;
    log: (line: string) => void;
  }>,
): Promise<string> {
  const { install, topology, gateway, timeout } = options;
  const channel = topology.channel.name;
  const before = batchTimeoutOf(configOfBlock(await fetchConfigBlock(gateway, channel)));
  if (parseDuration(before) === parseDuration(timeout)) return before;
  const proposer = topology.organizations[0];
  if (proposer === undefined) throw new Error('the topology has no organization');
  options.log(`setting the channel's BatchTimeout from ${before} to ${timeout}`);
  const proposal = await proposeConfigUpdate({
    install,
    topology,
    proposer,
    kind: 'batch-timeout',
    description: `set the block timer to ${timeout} (benchmark)`,
    change: batchTimeoutChange(timeout),
  });
  // The orderer group's Admins: a majority of the organizations that run orderers, each signing
  // as its own admin; the last of them submits.
  const signers = ordererOrganizations(topology);
  const needed = signers.slice(0, Math.floor(signers.length / 2) + 1);
  for (const org of needed) await signConfigUpdate({ install, topology, id: proposal.id, org });
  const submitter = needed.at(-1);
  if (submitter === undefined) throw new Error('the topology has no orderer organization');
  // Returns once every peer, the gateway's too, has the new configuration.
  await submitConfigUpdate({ install, topology, id: proposal.id, org: submitter });
  return before;
}

import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { common, orderer } from '@hyperledger/fabric-protos';
import type { Gateway } from '@hyperledger/fabric-gateway';
import {
  adminCli,
  bin,
  endpoint,
  exchangeUpdateFolder,
  ordererNodes,
  ordererOrganizations,
  orgLayout,
  run,
  type FabricInstall,
  type Topology,
} from '@consent-ledger/network';

/**
 * The orderers' block timer (the channel's `BatchTimeout`: a block is cut when it runs out, unless
 * enough transactions arrived first). The benchmark reads it from the channel's latest config
 * block, so that every run reports the setting it measured, and can change it for a run by a
 * channel configuration update signed by the orderer organization's admin (the `Admins` policy of
 * the orderer group), to show what the timer costs (docs/benchmark.md, "The block timer"). The
 * network's own setting is network/topology.yaml `channel.batchTimeout`, used when the channel is
 * created; the benchmark never changes that file.
 */

/** The part of jspb.Map used here (google-protobuf's types are not installed). */
interface ProtoMap<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): unknown;
}

const groups = (group: common.ConfigGroup) =>
  group.getGroupsMap() as unknown as ProtoMap<common.ConfigGroup>;
const values = (group: common.ConfigGroup) =>
  group.getValuesMap() as unknown as ProtoMap<common.ConfigValue>;

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

/** The channel configuration a config block carries. */
export function configOfBlock(blockBytes: Uint8Array): common.Config {
  const block = common.Block.deserializeBinary(blockBytes);
  const [envelopeBytes] = block.getData()?.getDataList_asU8() ?? [];
  if (envelopeBytes === undefined) throw new Error('a config block without a transaction');
  const payload = common.Payload.deserializeBinary(
    common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
  );
  const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  if (config === undefined) throw new Error('a config block without a configuration');
  return config;
}

function ordererGroup(config: common.Config): {
  channel: common.ConfigGroup;
  orderer: common.ConfigGroup;
  value: common.ConfigValue;
} {
  const channel = config.getChannelGroup();
  const ordererGroup = channel === undefined ? undefined : groups(channel).get('Orderer');
  const value = ordererGroup === undefined ? undefined : values(ordererGroup).get('BatchTimeout');
  if (channel === undefined || ordererGroup === undefined || value === undefined)
    throw new Error('the channel configuration has no Orderer BatchTimeout');
  return { channel, orderer: ordererGroup, value };
}

/** The channel's BatchTimeout (`500ms`). */
export function batchTimeoutOf(config: common.Config): string {
  const { value } = ordererGroup(config);
  return orderer.BatchTimeout.deserializeBinary(value.getValue_asU8()).getTimeout();
}

/**
 * The configuration update that sets BatchTimeout to `timeout`, as `configtxlator compute_update`
 * makes it: the channel and orderer groups at their versions in the read set, and in the write set
 * the same groups with the value at its next version.
 */
export function batchTimeoutUpdate(
  options: Readonly<{ config: common.Config; channel: string; timeout: string }>,
): common.ConfigUpdate {
  parseDuration(options.timeout);
  const { channel, orderer: ordererGroupNow, value } = ordererGroup(options.config);
  const batchTimeout = new orderer.BatchTimeout();
  batchTimeout.setTimeout(options.timeout);
  const newValue = new common.ConfigValue();
  newValue.setVersion(value.getVersion() + 1);
  newValue.setModPolicy(value.getModPolicy());
  newValue.setValue(batchTimeout.serializeBinary());
  const set = (withValue: boolean): common.ConfigGroup => {
    const ordererSet = new common.ConfigGroup();
    ordererSet.setVersion(ordererGroupNow.getVersion());
    if (withValue) values(ordererSet).set('BatchTimeout', newValue);
    const channelSet = new common.ConfigGroup();
    channelSet.setVersion(channel.getVersion());
    groups(channelSet).set('Orderer', ordererSet);
    return channelSet;
  };
  const update = new common.ConfigUpdate();
  update.setChannelId(options.channel);
  update.setReadSet(set(false));
  update.setWriteSet(set(true));
  return update;
}

/**
 * An unsigned CONFIG_UPDATE envelope of `update`, as `peer channel update -f` takes it (the peer
 * CLI adds the signer's signature and signs the envelope).
 */
export function configUpdateEnvelope(update: common.ConfigUpdate): Uint8Array {
  const updateEnvelope = new common.ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(update.serializeBinary());
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG_UPDATE);
  channelHeader.setChannelId(update.getChannelId());
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(updateEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
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
 * Sets the channel's BatchTimeout: an update signed by a majority of the orderer organizations'
 * admins (each as its own user, in the exchange) and sent to the first orderer with the peer CLI, then waits until the peer of `gateway` has the new
 * configuration. Answers the setting before.
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
  const config = configOfBlock(await fetchConfigBlock(gateway, channel));
  const before = batchTimeoutOf(config);
  if (parseDuration(before) === parseDuration(timeout)) return before;
  // The orderer group's Admins policy: a majority of the organizations that run orderers, each
  // signing as its own admin; the last of them submits (`peer channel update` adds its signature).
  const signers = ordererOrganizations(topology);
  const needed = Math.floor(signers.length / 2) + 1;
  const [node] = ordererNodes(topology);
  if (node === undefined) throw new Error('the topology has no orderer');
  const dir = exchangeUpdateFolder(`bench-batch-timeout-${Date.now()}`);
  try {
    const file = path.join(dir, 'update.pb');
    writeFileSync(file, configUpdateEnvelope(batchTimeoutUpdate({ config, channel, timeout })), {
      mode: 0o664,
    });
    options.log(`setting the channel's BatchTimeout from ${before} to ${timeout}`);
    for (const [index, org] of signers.slice(0, needed).entries()) {
      const [peer] = org.peers;
      if (peer === undefined) throw new Error(`${org.name} has no peer`);
      const last = index === needed - 1;
      await run(
        bin(install, 'peer'),
        last
          ? [
              'channel',
              'update',
              '-f',
              file,
              '-c',
              channel,
              '-o',
              endpoint(node),
              '--tls',
              '--cafile',
              orgLayout(node.org).publicCaCert,
            ]
          : ['channel', 'signconfigtx', '-f', file],
        { ...adminCli(install, org, peer), timeoutMs: 60_000 },
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const deadline = Date.now() + 60_000;
  while (parseDuration(await readBatchTimeout(gateway, channel)) !== parseDuration(timeout)) {
    if (Date.now() > deadline)
      throw new Error(`the channel's BatchTimeout did not become ${timeout} within 60 s`);
    await sleep(500);
  }
  return before;
}

import { common, orderer } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import {
  batchTimeoutOf,
  batchTimeoutUpdate,
  configOfBlock,
  configUpdateEnvelope,
  parseDuration,
} from './channel-config.ts';

interface ProtoMap<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): unknown;
}
/** A config group of either fabric-protos copy (the network package decodes with its own). */
interface AnyGroup {
  getGroupsMap(): unknown;
  getValuesMap(): unknown;
}
const groupsOf = (group: AnyGroup | undefined) =>
  group?.getGroupsMap() as ProtoMap<common.ConfigGroup>;
const valuesOf = (group: AnyGroup | undefined) =>
  group?.getValuesMap() as ProtoMap<common.ConfigValue>;

/** A config block whose orderer group has BatchTimeout `timeout` (value version 4). */
function configBlock(timeout: string): Uint8Array {
  const batchTimeout = new orderer.BatchTimeout();
  batchTimeout.setTimeout(timeout);
  const value = new common.ConfigValue();
  value.setVersion(4);
  value.setModPolicy('Admins');
  value.setValue(batchTimeout.serializeBinary());
  const ordererGroup = new common.ConfigGroup();
  ordererGroup.setVersion(2);
  valuesOf(ordererGroup).set('BatchTimeout', value);
  const channel = new common.ConfigGroup();
  channel.setVersion(3);
  groupsOf(channel).set('Orderer', ordererGroup);
  const config = new common.Config();
  config.setSequence(9);
  config.setChannelGroup(channel);
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);
  const payload = new common.Payload();
  payload.setData(configEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  const data = new common.BlockData();
  data.setDataList([envelope.serializeBinary()]);
  const block = new common.Block();
  block.setData(data);
  return block.serializeBinary();
}

describe('the channel block timer', () => {
  it('parses Go durations as Fabric writes them', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2s')).toBe(2_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(() => parseDuration('500')).toThrow(RangeError);
    expect(() => parseDuration('fast')).toThrow(RangeError);
  });

  it('reads BatchTimeout from a config block', () => {
    expect(batchTimeoutOf(configOfBlock(configBlock('500ms')))).toBe('500ms');
  });

  it("builds the update configtxlator's compute_update would: groups at their versions, the value at its next", () => {
    const config = configOfBlock(configBlock('500ms'));
    const update = batchTimeoutUpdate({ config, channel: 'health', timeout: '100ms' });
    expect(update.getChannelId()).toBe('health');
    const read = update.getReadSet();
    const write = update.getWriteSet();
    expect(read?.getVersion()).toBe(3);
    expect(groupsOf(read).get('Orderer')?.getVersion()).toBe(2);
    expect(valuesOf(groupsOf(read).get('Orderer')).get('BatchTimeout')).toBeUndefined();
    expect(write?.getVersion()).toBe(3);
    const ordererWrite = groupsOf(write).get('Orderer');
    expect(ordererWrite?.getVersion()).toBe(2);
    expect(ordererWrite?.getModPolicy()).toBe('');
    const value = valuesOf(ordererWrite).get('BatchTimeout');
    expect(value?.getVersion()).toBe(5);
    expect(value?.getModPolicy()).toBe('Admins');
    expect(
      orderer.BatchTimeout.deserializeBinary(
        value?.getValue_asU8() ?? new Uint8Array(),
      ).getTimeout(),
    ).toBe('100ms');
    expect(() => batchTimeoutUpdate({ config, channel: 'health', timeout: 'soon' })).toThrow(
      RangeError,
    );
  });

  it('wraps the update in an unsigned CONFIG_UPDATE envelope for the peer CLI', () => {
    const config = configOfBlock(configBlock('500ms'));
    const update = batchTimeoutUpdate({ config, channel: 'health', timeout: '250ms' });
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(configUpdateEnvelope(update)).getPayload_asU8(),
    );
    const header = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    expect(header.getType()).toBe(common.HeaderType.CONFIG_UPDATE);
    expect(header.getChannelId()).toBe('health');
    const inner = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
    expect(inner.getSignaturesList()).toEqual([]);
    expect(inner.getConfigUpdate_asU8()).toEqual(update.serializeBinary());
  });
});

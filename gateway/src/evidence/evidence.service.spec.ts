import {
  batchLeaf,
  leafHash,
  rootOfLevels,
  toHex,
  treeLevels,
  type RecordItem,
} from '@consent-ledger/ledger-api';
import { common, msp } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../common/errors.js';
import { loadConfig } from '../config/gateway.config.js';
import { AuditService } from '../audit/audit.service.js';
import { createBatchStore } from '../records/batch.store.js';
import { RecordsService } from '../records/records.service.js';
import { openDatabase } from '../storage/database.js';
import { FakeLedgerClient, jsonArg } from '../testing/fake-ledger.client.js';
import { principal } from '../testing/principals.js';
import { testProfile } from '../testing/test-app.js';
import { EvidenceService } from './evidence.service.js';

const SHA = 'ab'.repeat(32);
const EVT = `evt-${'0'.repeat(24)}`;

/** A block holding one endorser transaction envelope per txId. */
function block(txIds: readonly string[]): Uint8Array {
  const header = new common.BlockHeader();
  header.setNumber(7);
  header.setPreviousHash(new Uint8Array(32).fill(1));
  header.setDataHash(new Uint8Array(32).fill(2));
  const data = new common.BlockData();
  data.setDataList(
    txIds.map((txId) => {
      const channelHeader = new common.ChannelHeader();
      channelHeader.setTxId(txId);
      const payloadHeader = new common.Header();
      payloadHeader.setChannelHeader(channelHeader.serializeBinary());
      const payload = new common.Payload();
      payload.setHeader(payloadHeader);
      const envelope = new common.Envelope();
      envelope.setPayload(payload.serializeBinary());
      return envelope.serializeBinary();
    }),
  );
  const result = new common.Block();
  result.setHeader(header);
  result.setData(data);
  return result.serializeBinary();
}

/** A channel configuration with one application organization. */
function channelConfig(mspId: string): Uint8Array {
  const fabric = new msp.FabricMSPConfig();
  fabric.setName(mspId);
  fabric.setRootCertsList([Buffer.from('-----BEGIN CERTIFICATE-----root')]);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setConfig(fabric.serializeBinary());
  const value = new common.ConfigValue();
  value.setValue(mspConfig.serializeBinary());
  const org = new common.ConfigGroup();
  (org.getValuesMap() as unknown as Map<string, common.ConfigValue>).set('MSP', value);
  const application = new common.ConfigGroup();
  (application.getGroupsMap() as unknown as Map<string, common.ConfigGroup>).set(mspId, org);
  const root = new common.ConfigGroup();
  (root.getGroupsMap() as unknown as Map<string, common.ConfigGroup>).set(
    'Application',
    application,
  );
  const config = new common.Config();
  config.setChannelGroup(root);
  return config.serializeBinary();
}

const anchor = (version: number, txId: string) => ({
  recordId: 'rec-1',
  version,
  patientId: 'pid-abcdefghijklmnop',
  category: 'imaging',
  sha256: SHA,
  owner: 'TertiaryHospitalMSP',
  timestamp: '2026-01-01T00:00:00.000Z',
  txId,
});

function setup() {
  const ledger = new FakeLedgerClient()
    .on('records:GetRecord', () => ({
      head: anchor(2, 'tx-v2'),
      versions: [anchor(1, 'tx-v1'), anchor(2, 'tx-v2')],
    }))
    .on('audit:GetAccessEvent', () => ({ eventId: EVT, txId: 'tx-evt' }))
    .onSystem('qscc:GetBlockByTxID', (call) => block(['other', call.args?.[1] ?? '']))
    .onSystem('cscc:GetChannelConfig', () => channelConfig('TertiaryHospitalMSP'));
  const batches = createBatchStore(openDatabase(':memory:'));
  const config = loadConfig({
    GATEWAY_ORG: 'test',
    GATEWAY_PORT: '0',
    CONNECTION_PROFILE: '/dev/null',
    GATEWAY_DATA_DIR: '/tmp',
  });
  const service = new EvidenceService(
    ledger,
    testProfile(),
    config,
    batches,
    new RecordsService(ledger, batches),
    new AuditService(ledger),
  );
  return { ledger, batches, service };
}

describe('EvidenceService', () => {
  const caller = principal('clinician');

  it('bundles the latest anchor of a record, read as the caller', async () => {
    const { ledger, service } = setup();
    const bundle = await service.recordProof(caller, 'rec-1');
    expect(bundle.subject).toEqual({ kind: 'record', recordId: 'rec-1', sha256: SHA, version: 2 });
    expect(bundle.transaction.txId).toBe('tx-v2');
    expect(bundle.block.data).toHaveLength(2);
    expect(bundle.channel).toBe('health');
    expect(bundle.endorsementPolicy).toEqual({ outOf: 2, orgs: ['TertiaryHospitalMSP'] });
    expect(ledger.systemCalls.map((call) => call.identity)).toEqual([
      caller.walletLabel,
      caller.walletLabel,
    ]);
    expect(ledger.systemCalls[0]?.args).toEqual(['health', 'tx-v2']);
  });

  it('bundles a named version, and answers not found for a missing one', async () => {
    const { service } = setup();
    expect((await service.recordProof(caller, 'rec-1', { version: 1 })).transaction.txId).toBe(
      'tx-v1',
    );
    await expect(service.recordProof(caller, 'rec-1', { version: 9 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('reads no block when the chaincode refuses the record', async () => {
    const { ledger, service } = setup();
    ledger.on('records:GetRecord', () => {
      throw new ForbiddenError('not yours');
    });
    await expect(service.recordProof(caller, 'rec-1')).rejects.toBeInstanceOf(ForbiddenError);
    expect(ledger.systemCalls).toHaveLength(0);
  });

  it('bundles a batch member with its Merkle subject', async () => {
    const { ledger, batches, service } = setup();
    const items: RecordItem[] = [0, 1, 2].map((i) => ({
      recordId: `rec-${String(i)}`,
      patientId: 'pid-abcdefghijklmnop',
      category: 'imaging',
      sha256: String(i).repeat(64),
    }));
    const root = toHex(rootOfLevels(treeLevels(items.map((item) => leafHash(batchLeaf(item))))));
    batches.save(
      { batchId: 'bat-1', root, size: 3, txId: 'tx-bat', createdAt: '2026-01-01T00:00:00Z' },
      items,
    );
    ledger.on('records:VerifyBatchMember', () => ({
      verified: true,
      reason: 'MATCH',
      batch: { batchId: 'bat-1', root, size: 3, txId: 'tx-bat' },
    }));
    const bundle = await service.recordProof(caller, 'rec-2', { batchId: 'bat-1' });
    expect(bundle.transaction.txId).toBe('tx-bat');
    expect(bundle.subject).toMatchObject({
      kind: 'batch-member',
      batchId: 'bat-1',
      leafIndex: 2,
      treeSize: 3,
      root,
    });
    expect(jsonArg(ledger.callsOf('records:VerifyBatchMember')[0])).toMatchObject({
      batchId: 'bat-1',
      leafIndex: 2,
    });
    await expect(service.recordProof(caller, 'rec-9', { batchId: 'bat-1' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('bundles an access event', async () => {
    const { service } = setup();
    const bundle = await service.accessEventProof(caller, EVT);
    expect(bundle.subject).toEqual({ kind: 'access-event', eventId: EVT });
    expect(bundle.transaction.txId).toBe('tx-evt');
  });
});

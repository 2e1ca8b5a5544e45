import {
  batchLeaf,
  leafHash,
  rootOfLevels,
  toHex,
  treeLevels,
  type BatchItem,
  type ConsentRequest,
} from '@consent-ledger/ledger-api';
import { parseBundle } from '@consent-ledger/verifier';
import { common, msp, type peer } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../common/errors.js';
import { loadConfig } from '../config/gateway.config.js';
import { AuditService } from '../audit/audit.service.js';
import { createReviewCommentStore } from '../audit/review-comment.store.js';
import { ConsentsService } from '../consents/consents.service.js';
import { createBatchStore } from '../records/batch.store.js';
import { RecordsService } from '../records/records.service.js';
import { openDatabase } from '../storage/database.js';
import { compositeKey, testBlock } from '../testing/blocks.js';
import { testEndorsers } from '../testing/endorsers.js';
import { FakeLedgerClient, jsonArg } from '../testing/fake-ledger.client.js';
import { patientSession, principal } from '../testing/principals.js';
import { testProfile } from '../testing/test-app.js';
import { EvidenceService } from './evidence.service.js';

const SHA = 'ab'.repeat(32);
const EVT = `evt-${'0'.repeat(24)}`;
const CON = `con-${'0'.repeat(23)}1`;
const PAIR = 'pair_CommunityHospitalMSP_TertiaryHospitalMSP';
const PATIENT = 'pid-abcdefghijklmnop';
const OTHER_PATIENT = 'pid-someoneelseaaaaaa';

/** What the transactions of the private subjects wrote (the peer holds them for its members). */
const EVENT_VALUE = { eventId: EVT, patientId: PATIENT, txId: 'tx-evt', salt: 'c2FsdA' };
const CONSENT_V2 = { consentId: CON, version: 2, patientId: PATIENT, salt: 'c2FsdA' };
const REQ = `req-${'0'.repeat(23)}1`;
const DECLINED: ConsentRequest = {
  requestId: REQ,
  patientId: PATIENT,
  patientHome: 'TertiaryHospitalMSP',
  requesterOrg: 'CommunityHospitalMSP',
  requestedBy: 'a'.repeat(64),
  terms: {
    grantee: { org: 'CommunityHospitalMSP' },
    purposes: ['treatment'],
    categories: ['outpatient'],
    validUntil: '2099-01-01T00:00:00.000Z',
  },
  reason: 'SECOND_OPINION',
  status: 'declined',
  createdAt: '2026-12-01T00:00:00.000Z',
  expiresAt: '2026-12-31T00:00:00.000Z',
  answeredAt: '2026-12-02T00:00:00.000Z',
  answeredBy: { kind: 'patient', id: PATIENT },
  declineReason: 'NOT_NEEDED',
  txId: 'tx-decline',
  salt: 'c2FsdA',
};
/** The same request as RequestConsent wrote it. */
const { answeredAt: _at, answeredBy: _by, declineReason: _reason, ...asked } = DECLINED;
const ASKED: ConsentRequest = { ...asked, status: 'open', txId: 'tx-ask' };

/**
 * Blocks with the private data this peer holds: block 7 has another patient's access event beside
 * the subject's; block 8 the consent's second version (and its first version's snapshot); block 9
 * a consent request's decline (with the signed statement's nonce).
 */
function privateBlocks(): peer.BlockAndPrivateData[] {
  return [
    testBlock(7, [
      {
        txId: 'other',
        eventName: 'AccessRecorded',
        privateWrites: [
          {
            collection: PAIR,
            key: compositeKey('evt', 'evt-other'),
            value: { eventId: 'evt-other', patientId: OTHER_PATIENT, salt: 'c2FsdA' },
          },
        ],
      },
      {
        txId: 'tx-evt',
        eventName: 'AccessRecorded',
        privateWrites: [
          { collection: PAIR, key: compositeKey('evt', EVT), value: EVENT_VALUE },
          {
            collection: PAIR,
            key: compositeKey('evt~pat', PATIENT, EVT),
            value: Uint8Array.of(1, 2, 3),
          },
        ],
      },
    ]),
    testBlock(8, [
      {
        txId: 'tx-c2',
        eventName: 'ConsentUpdated',
        privateWrites: [
          {
            collection: 'org_TertiaryHospitalMSP',
            key: compositeKey('con~ver', CON, '0000000001'),
            value: { consentId: CON, version: 1, consent: { consentId: CON, version: 1 } },
          },
          {
            collection: 'org_TertiaryHospitalMSP',
            key: compositeKey('con', CON),
            value: CONSENT_V2,
          },
        ],
      },
    ]),
    testBlock(9, [
      {
        txId: 'tx-decline',
        eventName: 'ConsentRequestAnswered',
        privateWrites: [
          { collection: PAIR, key: compositeKey('non', 'nonce-1'), value: { txId: 'tx-decline' } },
          { collection: PAIR, key: compositeKey('req', REQ), value: DECLINED },
        ],
      },
    ]),
    testBlock(10, [
      {
        txId: 'tx-ask',
        eventName: 'ConsentRequested',
        privateWrites: [{ collection: PAIR, key: compositeKey('req', REQ), value: ASKED }],
      },
    ]),
  ];
}

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
    .on('audit:GetAccessEvent', () => ({ eventId: EVT, patientId: PATIENT, txId: 'tx-evt' }))
    .on('consent:GetConsentHistory', () => [
      { consentId: CON, version: 1, txId: 'tx-c1', consent: { patientId: PATIENT } },
      { consentId: CON, version: 2, txId: 'tx-c2', consent: { patientId: PATIENT } },
    ])
    .onSystem('qscc:GetBlockByTxID', (call) => {
      const txId = call.args?.[1] ?? '';
      const held = blocks.find((each) =>
        decodeTxIds(each.getBlock()?.serializeBinary()).includes(txId),
      );
      return held?.getBlock()?.serializeBinary() ?? block(['other', txId]);
    })
    .onSystem('cscc:GetChannelConfig', () => channelConfig('TertiaryHospitalMSP'));
  const blocks = privateBlocks();
  for (const each of blocks) ledger.pushBlock(each);
  const batches = createBatchStore(openDatabase(':memory:'));
  const config = loadConfig({
    GATEWAY_ORG: 'test',
    GATEWAY_PORT: '0',
    CONNECTION_PROFILE: '/dev/null',
    GATEWAY_DATA_DIR: '/tmp',
  });
  const endorsers = testEndorsers(ledger);
  const service = new EvidenceService(
    ledger,
    testProfile(),
    config,
    batches,
    new RecordsService(ledger, batches, endorsers),
    new AuditService(ledger, endorsers, createReviewCommentStore(openDatabase(':memory:'))),
    new ConsentsService(ledger, endorsers, testProfile()),
  );
  return { ledger, batches, service };
}

/** The transaction IDs of a block's envelopes. */
function decodeTxIds(bytes: Uint8Array | undefined): string[] {
  if (bytes === undefined) return [];
  return (common.Block.deserializeBinary(bytes).getData()?.getDataList_asU8() ?? []).map(
    (entry) => {
      const header = common.Payload.deserializeBinary(
        common.Envelope.deserializeBinary(entry).getPayload_asU8(),
      ).getHeader();
      return header === undefined
        ? ''
        : common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()).getTxId();
    },
  );
}

describe('EvidenceService', () => {
  const caller = principal('clinician');

  it('bundles the latest anchor of a record, read as the caller', async () => {
    const { ledger, service } = setup();
    const bundle = await service.recordProof(caller, 'rec-1');
    expect(bundle.version).toBe(2);
    expect(bundle.subject).toEqual({
      kind: 'record',
      recordId: 'rec-1',
      owner: 'TertiaryHospitalMSP',
      sha256: SHA,
      version: 2,
    });
    expect(bundle).not.toHaveProperty('privateWrite');
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

  it("reads another organization's record of the ID when its owner is named", async () => {
    const { ledger, service } = setup();
    await service.recordProof(caller, 'rec-1');
    await service.recordProof(caller, 'rec-1', { owner: 'CommunityHospitalMSP' });
    expect(ledger.callsOf('records:GetRecord').map((call) => call.args)).toEqual([
      ['rec-1', 'TertiaryHospitalMSP'],
      ['rec-1', 'CommunityHospitalMSP'],
    ]);
    // A batch member's proof comes from the gateway of the organization that anchored the batch.
    await expect(
      service.recordProof(caller, 'rec-1', { batchId: 'b-1', owner: 'CommunityHospitalMSP' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
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

  it('bundles a batch member with its Merkle subject and its salt', async () => {
    const { ledger, batches, service } = setup();
    const items: BatchItem[] = [0, 1, 2].map((i) => ({
      recordId: `rec-${String(i)}`,
      patientId: 'pid-abcdefghijklmnop',
      category: 'imaging',
      sha256: String(i).repeat(64),
      salt: `c2FsdHNhbHRzYWx0c2Fsd${String(i)}`,
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
      item: { recordId: 'rec-2', salt: 'c2FsdHNhbHRzYWx0c2Fsd2' },
    });
    expect(jsonArg(ledger.callsOf('records:VerifyBatchMember')[0])).toMatchObject({
      batchId: 'bat-1',
      leafIndex: 2,
    });
    await expect(service.recordProof(caller, 'rec-9', { batchId: 'bat-1' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      service.recordProof(patientSession({ patientId: OTHER_PATIENT }), 'rec-2', {
        batchId: 'bat-1',
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("bundles an access event with its private write only, taken from the peer's private data as the service identity", async () => {
    const { ledger, service } = setup();
    const bundle = await service.accessEventProof(caller, EVT);
    expect(parseBundle(JSON.parse(JSON.stringify(bundle)))).toBeDefined();
    expect(bundle).toMatchObject({ version: 2, subject: { kind: 'access-event', eventId: EVT } });
    expect(bundle.transaction.txId).toBe('tx-evt');
    if (bundle.version !== 2) throw new Error('a version 2 bundle');
    expect(bundle.privateWrite).toEqual({
      collection: PAIR,
      key: compositeKey('evt', EVT),
      value: Buffer.from(JSON.stringify(EVENT_VALUE)).toString('base64'),
    });
    // The collection's members endorse what is written to it: any two of the pair's three.
    expect(bundle.endorsementPolicy).toEqual({
      outOf: 2,
      orgs: ['CommunityHospitalMSP', 'TertiaryHospitalMSP', 'GovMSP'],
    });
    // The block's other transactions are there for its data hash, but no other private value.
    expect(bundle.block.data).toHaveLength(2);
    expect(JSON.stringify(bundle)).not.toContain(OTHER_PATIENT);
    expect(JSON.stringify(bundle)).not.toContain(
      Buffer.from(JSON.stringify({ eventId: 'evt-other' }).slice(0, 10)).toString('base64'),
    );
    expect(ledger.blockRequests).toEqual([{ identity: 'gateway-service', startBlock: 7n }]);
    expect(ledger.systemCalls.map((call) => [call.identity, call.transaction])).toEqual([
      [caller.walletLabel, 'GetBlockByTxID'],
      [caller.walletLabel, 'GetChannelConfig'],
    ]);
  });

  it("bundles a consent's version: the latest by default, or the one named", async () => {
    const { ledger, service } = setup();
    const bundle = await service.consentProof(caller, CON);
    expect(bundle).toMatchObject({
      version: 2,
      subject: { kind: 'consent', consentId: CON, version: 2 },
      transaction: { txId: 'tx-c2' },
      privateWrite: {
        collection: 'org_TertiaryHospitalMSP',
        key: compositeKey('con', CON),
        value: Buffer.from(JSON.stringify(CONSENT_V2)).toString('base64'),
      },
      endorsementPolicy: { outOf: 2, orgs: ['TertiaryHospitalMSP', 'GovMSP'] },
    });
    expect(ledger.blockRequests.at(-1)).toEqual({ identity: 'gateway-service', startBlock: 8n });
    await expect(service.consentProof(caller, CON, { version: 3 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    // Version 1's transaction is in a block whose private data this peer does not hold.
    await expect(service.consentProof(caller, CON, { version: 1 })).rejects.toThrow(
      "this organization's peer holds no private value",
    );
  });

  it("bundles a consent request's decline: the request as the declining transaction wrote it", async () => {
    const { ledger, service } = setup();
    const bundle = await service.consentRequestProof(caller, DECLINED);
    expect(parseBundle(JSON.parse(JSON.stringify(bundle)))).toBeDefined();
    expect(bundle).toMatchObject({
      version: 2,
      subject: { kind: 'consent-request', requestId: REQ, status: 'declined' },
      transaction: { txId: 'tx-decline' },
      privateWrite: {
        collection: PAIR,
        key: compositeKey('req', REQ),
        value: Buffer.from(JSON.stringify(DECLINED)).toString('base64'),
      },
      endorsementPolicy: {
        outOf: 2,
        orgs: ['CommunityHospitalMSP', 'TertiaryHospitalMSP', 'GovMSP'],
      },
    });
    expect(ledger.blockRequests.at(-1)).toEqual({ identity: 'gateway-service', startBlock: 9n });
    // An expired request is stored open: its bundle names the status its transaction wrote.
    const expired = await service.consentRequestProof(caller, { ...ASKED, status: 'expired' });
    expect(expired.subject).toEqual({ kind: 'consent-request', requestId: REQ, status: 'open' });
    expect(expired.transaction.txId).toBe('tx-ask');
    // A status the transaction did not write is not its subject's.
    await expect(
      service.consentRequestProof(caller, { ...DECLINED, txId: 'tx-ask' }),
    ).rejects.toThrow("this organization's peer holds no private value");
  });

  it("reads for a patient's session as the service identity, and only the patient's own", async () => {
    const { ledger, service } = setup();
    const bundle = await service.accessEventProof(patientSession(), EVT);
    expect(bundle.subject).toEqual({ kind: 'access-event', eventId: EVT });
    expect(ledger.systemCalls.map((call) => call.identity)).toEqual([
      'gateway-service',
      'gateway-service',
    ]);
    await expect(
      service.accessEventProof(patientSession({ patientId: OTHER_PATIENT }), EVT),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

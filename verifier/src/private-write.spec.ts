import { createHash, sign } from 'node:crypto';
import { createRequire } from 'node:module';
import { batchLeaf, inclusionProof, merkleRoot, toHex } from '@consent-ledger/ledger-api';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataHash } from './block-hash.ts';
import { buildBundle, type Evaluate } from './build-bundle.ts';
import { parseBundle, type EvidenceBundle } from './bundle.ts';
import { privateWriteInBlock, privateWriteOf } from './private-write.ts';
import { certificateMaker, type CertificateMaker, type Identity } from './testing/certificates.ts';
import { compositeKey } from './transaction.ts';
import { verifyBundle, type CheckName, type Report } from './verify-bundle.ts';

/**
 * Evidence bundles of version 2 for private subjects, on transactions built here as a Fabric 2.5
 * peer writes them: an access event written to a pair's collection is in the block only as the
 * SHA-256 of its key and of its value; the bundle carries the value and the verifier checks it
 * against those hashes, which the endorsers signed.
 */

const CHANNEL = 'health';
const CHAINCODE = 'consent-ledger';
const COLLECTION = 'pair_CommunityHospitalMSP_TertiaryHospitalMSP';
const MSPS = ['CommunityHospitalMSP', 'GovMSP', 'TertiaryHospitalMSP'] as const;
type MspId = (typeof MSPS)[number];

/** google.protobuf.Timestamp from google-protobuf (whose types are not installed). */
const { Timestamp } = createRequire(import.meta.url)(
  'google-protobuf/google/protobuf/timestamp_pb',
) as { Timestamp: { fromDate(date: Date): unknown } };

/** The part of jspb.Map used here. */
interface ProtoMap<V> {
  set(key: string, value: V): unknown;
}

interface Member {
  readonly ca: Identity;
  readonly peer: Identity;
  readonly client: Identity;
}

const sha256 = (bytes: Uint8Array | string): Buffer => createHash('sha256').update(bytes).digest();
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

function serialized(mspId: string, identity: Identity): Uint8Array {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(mspId);
  creator.setIdBytes(utf8(identity.cert));
  return creator.serializeBinary();
}

/** A write of the transaction: public, or private (in the block as hashes only). */
interface Write {
  readonly key: string;
  readonly value: Uint8Array;
  /** The collection of a private write. */
  readonly collection?: string;
}

interface TransactionSpec {
  readonly txId: string;
  readonly creator: MspId;
  readonly endorsers: readonly MspId[];
  readonly writes: readonly Write[];
}

/** A committed endorser transaction's envelope, and its private data as the members hold it. */
interface BuiltTransaction {
  readonly envelope: Uint8Array;
  readonly privateData: ledger.rwset.TxPvtReadWriteSet;
}

let maker: CertificateMaker;
let members: Record<MspId, Member>;

function member(mspId: MspId): Member {
  return members[mspId];
}

function transaction(spec: TransactionSpec): BuiltTransaction {
  const kv = new ledger.rwset.kvrwset.KVRWSet();
  const byCollection = new Map<string, Write[]>();
  for (const write of spec.writes) {
    if (write.collection === undefined) {
      const kvWrite = new ledger.rwset.kvrwset.KVWrite();
      kvWrite.setKey(write.key);
      kvWrite.setValue(write.value);
      kv.addWrites(kvWrite);
    } else {
      byCollection.set(write.collection, [...(byCollection.get(write.collection) ?? []), write]);
    }
  }
  const ns = new ledger.rwset.NsReadWriteSet();
  ns.setNamespace(CHAINCODE);
  ns.setRwset(kv.serializeBinary());
  const nsPrivate = new ledger.rwset.NsPvtReadWriteSet();
  nsPrivate.setNamespace(CHAINCODE);
  for (const [collection, writes] of byCollection) {
    const hashed = new ledger.rwset.kvrwset.HashedRWSet();
    const plain = new ledger.rwset.kvrwset.KVRWSet();
    for (const write of writes) {
      const hashedWrite = new ledger.rwset.kvrwset.KVWriteHash();
      hashedWrite.setKeyHash(sha256(write.key));
      hashedWrite.setValueHash(sha256(write.value));
      hashed.addHashedWrites(hashedWrite);
      const kvWrite = new ledger.rwset.kvrwset.KVWrite();
      kvWrite.setKey(write.key);
      kvWrite.setValue(write.value);
      plain.addWrites(kvWrite);
    }
    const plainBytes = plain.serializeBinary();
    const collectionHashed = new ledger.rwset.CollectionHashedReadWriteSet();
    collectionHashed.setCollectionName(collection);
    collectionHashed.setHashedRwset(hashed.serializeBinary());
    collectionHashed.setPvtRwsetHash(sha256(plainBytes));
    ns.addCollectionHashedRwset(collectionHashed);
    const collectionPrivate = new ledger.rwset.CollectionPvtReadWriteSet();
    collectionPrivate.setCollectionName(collection);
    collectionPrivate.setRwset(plainBytes);
    nsPrivate.addCollectionPvtRwset(collectionPrivate);
  }
  const rwset = new ledger.rwset.TxReadWriteSet();
  rwset.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  rwset.addNsRwset(ns);
  const privateData = new ledger.rwset.TxPvtReadWriteSet();
  privateData.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  privateData.addNsPvtRwset(nsPrivate);

  const action = new peer.ChaincodeAction();
  action.setResults(rwset.serializeBinary());
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setProposalHash(sha256(spec.txId));
  responsePayload.setExtension$(action.serializeBinary());
  const responseBytes = responsePayload.serializeBinary();
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responseBytes);
  for (const mspId of spec.endorsers) {
    const endorserBytes = serialized(mspId, member(mspId).peer);
    const endorsement = new peer.Endorsement();
    endorsement.setEndorser(endorserBytes);
    endorsement.setSignature(
      sign('sha256', Buffer.concat([responseBytes, endorserBytes]), member(mspId).peer.key),
    );
    endorsed.addEndorsements(endorsement);
  }
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsed);
  const transactionAction = new peer.TransactionAction();
  transactionAction.setPayload(actionPayload.serializeBinary());
  const tx = new peer.Transaction();
  tx.addActions(transactionAction);

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(CHANNEL);
  channelHeader.setTxId(spec.txId);
  channelHeader.setTimestamp(Timestamp.fromDate(new Date()));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(serialized(spec.creator, member(spec.creator).client));
  signatureHeader.setNonce(sha256(`nonce ${spec.txId}`));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(tx.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(sign('sha256', payloadBytes, member(spec.creator).client.key));
  return { envelope: envelope.serializeBinary(), privateData };
}

/** A block of envelopes, every transaction valid. */
function block(envelopes: readonly Uint8Array[]): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(42);
  header.setPreviousHash(sha256('block 41'));
  header.setDataHash(dataHash(envelopes));
  const data = new common.BlockData();
  data.setDataList([...envelopes]);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([
    new Uint8Array(0),
    new Uint8Array(0),
    new Uint8Array(envelopes.length),
    new Uint8Array(0),
    new Uint8Array(0),
  ]);
  const result = new common.Block();
  result.setHeader(header);
  result.setData(data);
  result.setMetadata(metadata);
  return result;
}

/** A channel configuration with the application organizations' root CAs. */
function channelConfig(): common.Config {
  const application = new common.ConfigGroup();
  const groups = application.getGroupsMap() as unknown as ProtoMap<common.ConfigGroup>;
  for (const mspId of MSPS) {
    const fabric = new msp.FabricMSPConfig();
    fabric.setName(mspId);
    fabric.setRootCertsList([utf8(member(mspId).ca.cert)]);
    const mspConfig = new msp.MSPConfig();
    mspConfig.setConfig(fabric.serializeBinary());
    const value = new common.ConfigValue();
    value.setValue(mspConfig.serializeBinary());
    const org = new common.ConfigGroup();
    (org.getValuesMap() as unknown as ProtoMap<common.ConfigValue>).set('MSP', value);
    groups.set(mspId, org);
  }
  const channel = new common.ConfigGroup();
  (channel.getGroupsMap() as unknown as ProtoMap<common.ConfigGroup>).set(
    'Application',
    application,
  );
  const config = new common.Config();
  config.setChannelGroup(channel);
  return config;
}

/** A peer that answers qscc GetBlockByTxID with the block and cscc GetChannelConfig. */
function peerOf(answer: common.Block): Evaluate {
  return (chaincode, fn) => {
    if (chaincode === 'qscc' && fn === 'GetBlockByTxID') {
      return Promise.resolve(answer.serializeBinary());
    }
    if (chaincode === 'cscc' && fn === 'GetChannelConfig') {
      return Promise.resolve(channelConfig().serializeBinary());
    }
    return Promise.reject(new Error(`unexpected ${chaincode} ${fn}`));
  };
}

const eventKey = (eventId: string): string => compositeKey('evt', [eventId]);

/** An access event as the chaincode stores it (sorted keys, salted). */
function eventValue(eventId: string, txId: string, patientId = 'pid-aaaaaaaaaaaaaaaa'): Buffer {
  return utf8(
    JSON.stringify({
      accessor: { org: 'TertiaryHospitalMSP', role: 'clinician' },
      decision: 'permit',
      eventId,
      patientHome: 'CommunityHospitalMSP',
      patientId,
      salt: 'c2FsdHNhbHRzYWx0c2FsdA',
      txId,
    }),
  );
}

const failed = (report: Report): CheckName[] =>
  report.checks.filter((check) => !check.ok).map((check) => check.name);
const detail = (report: Report, name: CheckName): string | undefined =>
  report.checks.find((check) => check.name === name)?.detail;

describe('evidence bundles, version 2', () => {
  let ours: BuiltTransaction;
  let other: BuiltTransaction;
  let bundle: EvidenceBundle;

  beforeAll(async () => {
    maker = certificateMaker('private-write-spec-');
    const made = {} as Record<MspId, Member>;
    for (const mspId of MSPS) {
      const ca = maker.rootCa(`ca-${mspId}`);
      made[mspId] = {
        ca,
        peer: maker.issued(`peer0-${mspId}`, `ca-${mspId}`),
        client: maker.issued(`client-${mspId}`, `ca-${mspId}`),
      };
    }
    members = made;
    ours = transaction({
      txId: 'tx-ours',
      creator: 'TertiaryHospitalMSP',
      endorsers: ['TertiaryHospitalMSP', 'CommunityHospitalMSP'],
      writes: [
        { collection: COLLECTION, key: eventKey('evt-1'), value: eventValue('evt-1', 'tx-ours') },
        // An index entry in the same collection: its value is the salt, not the event.
        {
          collection: COLLECTION,
          key: compositeKey('evt~pat', ['pid-aaaaaaaaaaaaaaaa', 'evt-1']),
          value: utf8('salt'),
        },
      ],
    });
    other = transaction({
      txId: 'tx-other',
      creator: 'TertiaryHospitalMSP',
      endorsers: ['TertiaryHospitalMSP', 'CommunityHospitalMSP'],
      writes: [
        {
          collection: COLLECTION,
          key: eventKey('evt-2'),
          value: eventValue('evt-2', 'tx-other', 'pid-bbbbbbbbbbbbbbbb'),
        },
      ],
    });
    const subject = { kind: 'access-event' as const, eventId: 'evt-1' };
    // The block as the tertiary hospital's peer delivers it with its private data.
    const committed = block([other.envelope, ours.envelope]);
    const event = new peer.BlockAndPrivateData();
    event.setBlock(committed);
    const privateDataMap = event.getPrivateDataMapMap() as unknown as {
      set(index: number, value: ledger.rwset.TxPvtReadWriteSet): unknown;
    };
    privateDataMap.set(0, other.privateData);
    privateDataMap.set(1, ours.privateData);
    expect(privateWriteInBlock({ event, txId: 'tx-other', chaincode: CHAINCODE, subject })).toBe(
      undefined,
    );
    const privateWrite = privateWriteInBlock({
      event,
      txId: 'tx-ours',
      chaincode: CHAINCODE,
      subject,
    });
    if (privateWrite === undefined) throw new Error('no private write for evt-1');
    const built = await buildBundle({
      evaluate: peerOf(committed),
      channel: CHANNEL,
      chaincode: CHAINCODE,
      txId: 'tx-ours',
      subject,
      endorsementPolicy: { outOf: 2 },
      privateWrite,
    });
    bundle = parseBundle(JSON.parse(JSON.stringify(built)));
  });

  afterAll(() => {
    maker.dispose();
  });

  it('finds the subject’s private write among the transaction’s, skipping index entries', () => {
    expect(bundle.version).toBe(2);
    if (bundle.version !== 2) throw new Error('unreachable');
    expect(bundle.privateWrite).toEqual({
      collection: COLLECTION,
      key: eventKey('evt-1'),
      value: base64(eventValue('evt-1', 'tx-ours')),
    });
    expect(JSON.stringify(bundle)).toContain('\\u0000evt\\u0000evt-1\\u0000');
  });

  it('verifies an access event against the hashed write set, skipping the public write set', () => {
    const report = verifyBundle(bundle);
    expect(failed(report)).toEqual([]);
    expect(report.ok).toBe(true);
    const names = report.checks.map((check) => check.name);
    expect(names.indexOf('private-write')).toBe(names.indexOf('write-set') + 1);
    expect(detail(report, 'write-set')).toBe(
      'skipped (the subject, access-event, is private data: see private-write)',
    );
    expect(detail(report, 'private-write')).toContain(COLLECTION);
  });

  it('discloses no other transaction’s private value, nor any other patient', () => {
    const text = JSON.stringify(bundle);
    const decoded = [...bundle.block.data.map((entry) => Buffer.from(entry, 'base64'))];
    for (const haystack of [utf8(text), ...decoded]) {
      expect(haystack.includes(utf8('pid-bbbbbbbbbbbbbbbb'))).toBe(false);
      expect(haystack.includes(utf8('evt-2'))).toBe(false);
    }
  });

  it('fails when a byte of the private value is flipped', () => {
    if (bundle.version !== 2 || bundle.privateWrite === undefined) throw new Error('unreachable');
    const value = Buffer.from(bundle.privateWrite.value, 'base64');
    value[10] = (value[10] ?? 0) ^ 0x01;
    const tampered = { ...bundle, privateWrite: { ...bundle.privateWrite, value: base64(value) } };
    const report = verifyBundle(tampered);
    expect(report.ok).toBe(false);
    expect(report.firstFailure).toBe('private-write');
    expect(detail(report, 'private-write')).toBe(
      'the private value does not hash to the value hash the block holds for the key',
    );
  });

  it('fails with a key the transaction did not write, or in another collection', () => {
    if (bundle.version !== 2 || bundle.privateWrite === undefined) throw new Error('unreachable');
    const wrongKey = verifyBundle({
      ...bundle,
      privateWrite: { ...bundle.privateWrite, key: eventKey('evt-1x') },
    });
    expect(wrongKey.firstFailure).toBe('private-write');
    expect(detail(wrongKey, 'private-write')).toBe(
      `no write of the key in ${COLLECTION}'s hashed write set of ${CHAINCODE}`,
    );
    const wrongCollection = verifyBundle({
      ...bundle,
      privateWrite: { ...bundle.privateWrite, collection: 'org_TertiaryHospitalMSP' },
    });
    expect(wrongCollection.firstFailure).toBe('private-write');
  });

  it('fails when the value names another event, or the subject another event', () => {
    if (bundle.version !== 2 || bundle.privateWrite === undefined) throw new Error('unreachable');
    // The other transaction's write holds: but it is not the subject.
    const foreign = verifyBundle({
      ...bundle,
      privateWrite: { ...bundle.privateWrite, value: base64(eventValue('evt-9', 'tx-ours')) },
    });
    expect(foreign.firstFailure).toBe('private-write');
    const renamed = verifyBundle({
      ...bundle,
      subject: { kind: 'access-event', eventId: 'evt-2' },
    });
    expect(renamed.firstFailure).toBe('private-write');
    expect(detail(renamed, 'private-write')).toBe(
      'the private value differs from the subject in eventId',
    );
  });

  /** The bundle moved to another transaction, alone in its block, with another private write. */
  function moved(
    built: BuiltTransaction,
    txId: string,
    privateWrite: { collection: string; key: string; value: Uint8Array },
  ): EvidenceBundle {
    if (bundle.version !== 2) throw new Error('unreachable');
    const made = block([built.envelope]);
    return {
      ...bundle,
      transaction: { txId, envelope: base64(built.envelope) },
      block: {
        header: {
          number: '42',
          previousHash: toHex(sha256('block 41')),
          dataHash: toHex(made.getHeader()?.getDataHash_asU8() ?? new Uint8Array()),
        },
        data: [base64(built.envelope)],
        transactionsFilter: base64(new Uint8Array(1)),
      },
      privateWrite: { ...privateWrite, value: base64(privateWrite.value) },
    };
  }

  it('fails when the hashed write is real but its value names another event', () => {
    const write = {
      collection: COLLECTION,
      key: eventKey('evt-1'),
      value: eventValue('evt-3', 'tx-misnamed'),
    };
    const misnamed = transaction({
      txId: 'tx-misnamed',
      creator: 'TertiaryHospitalMSP',
      endorsers: ['TertiaryHospitalMSP', 'CommunityHospitalMSP'],
      writes: [write],
    });
    const report = verifyBundle(moved(misnamed, 'tx-misnamed', write));
    expect(failed(report)).toEqual(['private-write']);
    expect(detail(report, 'private-write')).toBe(
      'the private value differs from the subject in eventId',
    );
  });

  it('fails unless members of the collection endorsed the private write', () => {
    const write = {
      collection: COLLECTION,
      key: eventKey('evt-1'),
      value: eventValue('evt-1', 'tx-regulator'),
    };
    // The regulator alone: the chaincode-level policy (1 here) holds, the pair's (2 of 3) does not.
    const alone = transaction({
      txId: 'tx-regulator',
      creator: 'GovMSP',
      endorsers: ['GovMSP'],
      writes: [write],
    });
    const lonely = verifyBundle({
      ...moved(alone, 'tx-regulator', write),
      endorsementPolicy: { outOf: 1, orgs: [...MSPS] },
    });
    expect(failed(lonely)).toEqual(['private-write']);
    expect(detail(lonely, 'private-write')).toBe(
      `${COLLECTION} needs 2 of CommunityHospitalMSP, TertiaryHospitalMSP, GovMSP to endorse; valid endorsements by members: GovMSP`,
    );
    const elsewhere = { ...write, collection: 'pair_TertiaryHospitalMSP_ZooMSP' };
    const outside = transaction({
      txId: 'tx-outside',
      creator: 'GovMSP',
      endorsers: ['GovMSP', 'TertiaryHospitalMSP'],
      writes: [{ ...elsewhere, value: eventValue('evt-1', 'tx-outside') }],
    });
    const unknown = verifyBundle(
      moved(outside, 'tx-outside', { ...elsewhere, value: eventValue('evt-1', 'tx-outside') }),
    );
    expect(failed(unknown)).toEqual(['private-write']);
    expect(detail(unknown, 'private-write')).toBe(
      "pair_TertiaryHospitalMSP_ZooMSP is not a collection of the channel's organizations",
    );
  });

  it('refuses a private subject without its private write, and a public one with one', () => {
    const json = JSON.parse(JSON.stringify(bundle)) as Record<string, unknown>;
    const { privateWrite, ...withoutWrite } = json;
    expect(() => parseBundle(withoutWrite)).toThrow(
      /privateWrite: required for a private subject \(access-event\)/,
    );
    expect(() =>
      parseBundle({
        ...json,
        subject: { kind: 'record', recordId: 'rec-1', sha256: 'ab'.repeat(32) },
        privateWrite,
      }),
    ).toThrow(/privateWrite/);
    expect(() => parseBundle({ ...json, version: 1 })).toThrow(/privateWrite/);
    expect(() =>
      parseBundle({ ...withoutWrite, version: 1, subject: { kind: 'consent', consentId: 'c' } }),
    ).toThrow(/subject/);
  });

  it('refuses to build a private subject’s bundle without its private write', async () => {
    await expect(
      buildBundle({
        evaluate: peerOf(block([ours.envelope])),
        channel: CHANNEL,
        chaincode: CHAINCODE,
        txId: 'tx-ours',
        subject: { kind: 'consent', consentId: 'con-1', version: 1 },
        endorsementPolicy: { outOf: 2 },
      }),
    ).rejects.toThrow(/needs the subject's private write/);
  });

  it('verifies a consent version by consentId and version', async () => {
    const consent = utf8(
      JSON.stringify({ consentId: 'con-1', salt: 's', txId: 'tx-consent', version: 2 }),
    );
    const written = transaction({
      txId: 'tx-consent',
      creator: 'CommunityHospitalMSP',
      endorsers: ['CommunityHospitalMSP', 'GovMSP'],
      writes: [{ collection: COLLECTION, key: compositeKey('con', ['con-1']), value: consent }],
    });
    const subject = { kind: 'consent' as const, consentId: 'con-1', version: 2 };
    const privateWrite = privateWriteOf({
      privateData: written.privateData,
      chaincode: CHAINCODE,
      subject,
    });
    expect(privateWriteOf({ privateData: written.privateData, chaincode: 'other', subject })).toBe(
      undefined,
    );
    if (privateWrite === undefined) throw new Error('no private write for con-1');
    const built = await buildBundle({
      evaluate: peerOf(block([written.envelope])),
      channel: CHANNEL,
      chaincode: CHAINCODE,
      txId: 'tx-consent',
      subject,
      endorsementPolicy: { outOf: 2 },
      privateWrite,
    });
    const parsed = parseBundle(JSON.parse(JSON.stringify(built)));
    expect(failed(verifyBundle(parsed))).toEqual([]);
    const older = verifyBundle({ ...built, subject: { ...subject, version: 1 } });
    expect(detail(older, 'private-write')).toBe(
      'the private value differs from the subject in version',
    );
  });

  it('verifies a declined consent request by requestId and status', async () => {
    const declined = utf8(
      JSON.stringify({
        declineReason: 'NOT_NEEDED',
        requestId: 'req-1',
        salt: 's',
        status: 'declined',
        txId: 'tx-decline',
      }),
    );
    const nonce = utf8(JSON.stringify({ nonce: 'n-1', txId: 'tx-decline' }));
    const written = transaction({
      txId: 'tx-decline',
      creator: 'CommunityHospitalMSP',
      endorsers: ['CommunityHospitalMSP', 'GovMSP'],
      writes: [
        { collection: COLLECTION, key: compositeKey('non', ['n-1']), value: nonce },
        { collection: COLLECTION, key: compositeKey('req', ['req-1']), value: declined },
      ],
    });
    const subject = {
      kind: 'consent-request' as const,
      requestId: 'req-1',
      status: 'declined' as const,
    };
    const privateWrite = privateWriteOf({
      privateData: written.privateData,
      chaincode: CHAINCODE,
      subject,
    });
    expect(privateWrite?.key).toBe(compositeKey('req', ['req-1']));
    if (privateWrite === undefined) throw new Error('no private write for req-1');
    const built = await buildBundle({
      evaluate: peerOf(block([written.envelope])),
      channel: CHANNEL,
      chaincode: CHAINCODE,
      txId: 'tx-decline',
      subject,
      endorsementPolicy: { outOf: 2 },
      privateWrite,
    });
    const parsed = parseBundle(JSON.parse(JSON.stringify(built)));
    expect(parsed.subject).toEqual(subject);
    expect(failed(verifyBundle(parsed))).toEqual([]);
    // The same request as another transaction would have left it is not what this one wrote.
    const approved = verifyBundle({ ...built, subject: { ...subject, status: 'approved' } });
    expect(detail(approved, 'private-write')).toBe(
      'the private value differs from the subject in status',
    );
    const { privateWrite: _write, ...withoutWrite } = JSON.parse(JSON.stringify(built)) as Record<
      string,
      unknown
    >;
    expect(() => parseBundle(withoutWrite)).toThrow(
      /privateWrite: required for a private subject \(consent-request\)/,
    );
  });
});

describe('evidence bundles, version 1 and batch leaves', () => {
  let report: Report;

  beforeAll(async () => {
    maker = certificateMaker('private-write-spec-v1-');
    const made = {} as Record<MspId, Member>;
    for (const mspId of MSPS) {
      const ca = maker.rootCa(`ca-${mspId}`);
      made[mspId] = {
        ca,
        peer: maker.issued(`peer0-${mspId}`, `ca-${mspId}`),
        client: maker.issued(`client-${mspId}`, `ca-${mspId}`),
      };
    }
    members = made;
    // An access event written publicly, as before private data: its version 1 bundle.
    const written = transaction({
      txId: 'tx-v1',
      creator: 'TertiaryHospitalMSP',
      endorsers: ['TertiaryHospitalMSP', 'GovMSP'],
      writes: [{ key: eventKey('evt-old'), value: eventValue('evt-old', 'tx-v1') }],
    });
    const built = await buildBundle({
      evaluate: peerOf(block([written.envelope])),
      channel: CHANNEL,
      chaincode: CHAINCODE,
      txId: 'tx-v1',
      subject: { kind: 'record', recordId: 'unused', sha256: 'ab'.repeat(32) },
      endorsementPolicy: { outOf: 2 },
    });
    const { privateWrite: _none, ...rest } = built;
    const v1 = parseBundle({
      ...rest,
      version: 1,
      subject: { kind: 'access-event', eventId: 'evt-old' },
    });
    report = verifyBundle(v1);
  });

  afterAll(() => {
    maker.dispose();
  });

  it('still verifies a version 1 access event from its public write', () => {
    expect(failed(report)).toEqual([]);
    expect(report.checks.map((check) => check.name)).not.toContain('private-write');
  });

  it('checks a version 2 batch member with its salted leaf, a version 1 member unsalted', () => {
    const items = [0, 1, 2].map((i) => ({
      recordId: `rec-${i}`,
      patientId: 'pid-aaaaaaaaaaaaaaaa',
      category: 'vital-signs',
      sha256: toHex(sha256(`reading ${i}`)),
      salt: `salt-${i}-aaaaaaaaaaaaaaaaaa`,
    }));
    const salted = items.map((item) => batchLeaf(item));
    const member = {
      kind: 'batch-member' as const,
      batchId: 'bat-1',
      leafIndex: 1,
      treeSize: 3,
      root: toHex(merkleRoot(salted)),
      auditPath: inclusionProof(salted, 1).map(toHex),
    };
    const [, item] = items;
    if (item === undefined) throw new Error('unreachable');
    const merkle = (candidate: unknown): boolean | undefined =>
      verifyBundle(candidate as EvidenceBundle).checks.find((check) => check.name === 'merkle-path')
        ?.ok;
    const shell = {
      channel: CHANNEL,
      chaincode: CHAINCODE,
      transaction: { txId: 'tx', envelope: '' },
      block: {
        header: { number: '1', previousHash: '', dataHash: 'ab'.repeat(32) },
        data: [''],
      },
      certificates: {},
      endorsementPolicy: { outOf: 1, orgs: ['GovMSP'] },
    };
    expect(merkle(parseBundle({ ...shell, version: 2, subject: { ...member, item } }))).toBe(true);
    expect(
      merkle(
        parseBundle({ ...shell, version: 2, subject: { ...member, item: { ...item, salt: 'x' } } }),
      ),
    ).toBe(false);
    const { salt: _salt, ...unsalted } = item;
    expect(() =>
      parseBundle({ ...shell, version: 2, subject: { ...member, item: unsalted } }),
    ).toThrow(/salt/);
    const plain = items.map((each) =>
      utf8(
        JSON.stringify({
          category: each.category,
          patientId: each.patientId,
          recordId: each.recordId,
          sha256: each.sha256,
        }),
      ),
    );
    expect(
      merkle(
        parseBundle({
          ...shell,
          version: 1,
          subject: {
            ...member,
            item: unsalted,
            root: toHex(merkleRoot(plain)),
            auditPath: inclusionProof(plain, 1).map(toHex),
          },
        }),
      ),
    ).toBe(true);
  });
});

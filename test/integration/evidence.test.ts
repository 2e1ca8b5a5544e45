import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchLeaf,
  inclusionProof,
  newSalt,
  toHex,
  type BatchItem,
} from '@consent-ledger/ledger-api';
import {
  buildEvidence,
  pinCheckpoint,
  repoRoot,
  type LedgerConnection,
} from '@consent-ledger/network';
import {
  blockByNumber,
  dataHash,
  decodeTransaction,
  parseBundle,
  verifyBundle,
  type Checkpoint,
  type EvidenceBundle,
  type Report,
} from '@consent-ledger/verifier';
import { closeUsers, enrollUser, type TestUser } from '../support/identities.ts';
import { evaluate, submit } from '../support/ledger-calls.ts';
import { expectLedgerError } from '../support/ledger-errors.ts';
import { connectAdmin, topology } from '../support/ledger.ts';
import { registerPatient, type TestPatient } from '../support/patients.ts';

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** A deep copy of a bundle, to tamper with. */
const copy = (bundle: EvidenceBundle): EvidenceBundle => structuredClone(bundle);

/** Flips the low bit of one byte of base64 data. */
function flipBase64(value: string, at: (bytes: Buffer) => number): string {
  const bytes = Buffer.from(value, 'base64');
  const index = at(bytes);
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

/** Flips the low bit of one hex digit pair. */
function flipHex(value: string, index = 0): string {
  const bytes = Buffer.from(value, 'hex');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return bytes.toString('hex');
}

/** Replaces the transaction's envelope in both the transaction and the block data. */
function withEnvelope(bundle: EvidenceBundle, envelope: Buffer): EvidenceBundle {
  const tampered = copy(bundle);
  const index = tampered.block.data.indexOf(bundle.transaction.envelope);
  tampered.block.data[index] = envelope.toString('base64');
  tampered.transaction.envelope = envelope.toString('base64');
  return tampered;
}

function holdsAll(report: Report): void {
  expect(report.checks.filter((check) => !check.ok)).toEqual([]);
  expect(report.ok).toBe(true);
}

function failsAt(report: Report, name: string): void {
  expect(report.ok).toBe(false);
  expect(report.firstFailure, JSON.stringify(report.checks, null, 2)).toBe(name);
}

/** A freshly generated self-signed CA certificate (a forged organization CA). */
function forgedCa(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'forged-ca-'));
  execFileSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    path.join(dir, 'key.pem'),
    '-out',
    path.join(dir, 'cert.pem'),
    '-days',
    '30',
    '-subj',
    '/O=tertiary.example.com/CN=ca.tertiary.example.com',
  ]);
  return readFileSync(path.join(dir, 'cert.pem'), 'utf8');
}

/** A block's envelopes (base64) as a peer holds the block now. */
async function blockNow(connection: LedgerConnection, number: string): Promise<string[]> {
  const network = connection.gateway.getNetwork(topology.channel.name);
  const block = await blockByNumber(
    (chaincode, fn, args) => network.getContract(chaincode).evaluateTransaction(fn, ...args),
    topology.channel.name,
    BigInt(number),
  );
  return (block.getData()?.getDataList_asU8() ?? []).map((entry) =>
    Buffer.from(entry).toString('base64'),
  );
}

describe('evidence bundles an auditor verifies offline', () => {
  let clinician: TestUser;
  let patient: TestPatient;
  let auditor: LedgerConnection;
  let bundle: EvidenceBundle;
  let checkpoint: Checkpoint;
  const document = Buffer.from(`discharge summary ${randomBytes(8).toString('hex')}`);

  beforeAll(async () => {
    clinician = await enrollUser({ org: 'tertiary', role: 'clinician' });
    // A community patient seen at the tertiary hospital: the community hospital holds their data.
    patient = await registerPatient('community');
    auditor = connectAdmin('community');
    const recordId = `rec-${randomBytes(6).toString('hex')}`;
    const { result: anchor } = await submit(clinician, 'records:AnchorRecord', [
      { recordId, patientId: patient.patientId, category: 'inpatient', sha256: sha256(document) },
    ]);
    checkpoint = await pinCheckpoint(auditor.gateway, topology);
    bundle = parseBundle(
      JSON.parse(
        JSON.stringify(
          await buildEvidence({
            gateway: auditor.gateway,
            topology,
            txId: anchor.txId,
            subject: {
              kind: 'record',
              recordId,
              owner: anchor.owner,
              sha256: sha256(document),
              version: 1,
            },
            upTo: checkpoint,
          }),
        ),
      ),
    );
  });

  afterAll(() => {
    auditor.close();
    closeUsers();
  });

  it("finds the anchor under its owner's key only (record IDs are scoped by their owner)", () => {
    const unowned = structuredClone(bundle);
    if (unowned.subject.kind !== 'record') throw new Error('a record bundle');
    delete unowned.subject.owner;
    expect(verifyBundle(unowned, { document }).firstFailure).toBe('write-set');
    const otherOwner = structuredClone(bundle);
    Object.assign(otherOwner.subject, { owner: 'CommunityHospitalMSP' });
    expect(verifyBundle(otherOwner, { document }).firstFailure).toBe('write-set');
  });

  it('verifies a record anchor against the document and a trusted checkpoint', () => {
    const report = verifyBundle(bundle, { document, trust: checkpoint });
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => check.name)).toEqual([
      'document-hash',
      'transaction',
      'write-set',
      'block-data-hash',
      'validation-code',
      'orderer-signature',
      'pinned-certificates',
      'endorsements',
      'creator-signature',
      'header-chain',
    ]);
    expect(report.checks.find((check) => check.name === 'endorsements')?.detail).toMatch(
      /TertiaryHospitalMSP|CommunityHospitalMSP|GovMSP|EnterpriseMSP|ResearchMSP/,
    );
    expect(report.checks.find((check) => check.name === 'orderer-signature')?.detail).toMatch(
      /^block \d+ signed by an orderer of /,
    );
  });

  it('fails on a changed document', () => {
    const altered = Buffer.from(document);
    altered[0] = (altered[0] ?? 0) ^ 0x01;
    failsAt(verifyBundle(bundle, { document: altered }), 'document-hash');
  });

  it('fails on an envelope that is not the block’s', () => {
    const tampered = copy(bundle);
    // The last byte is the client's signature: the envelope still decodes and the write set holds.
    tampered.transaction.envelope = flipBase64(bundle.transaction.envelope, (b) => b.length - 1);
    failsAt(verifyBundle(tampered), 'block-data-hash');
  });

  it('fails on an envelope whose written hash was changed, in the block too', () => {
    const anchored = sha256(document);
    const forged = `${anchored.slice(0, -1)}${anchored.endsWith('0') ? '1' : '0'}`;
    const envelope = Buffer.from(bundle.transaction.envelope, 'base64');
    // Every copy (write set, result, event) changes, as a forger would have it.
    const edited = Buffer.from(envelope.toString('latin1').replaceAll(anchored, forged), 'latin1');
    expect(edited.equals(envelope)).toBe(false);
    failsAt(verifyBundle(withEnvelope(bundle, edited)), 'write-set');
  });

  it('fails on a flipped endorsement signature, even with the data hash recomputed', () => {
    const envelope = Buffer.from(bundle.transaction.envelope, 'base64');
    const [endorsement] = decodeTransaction(envelope).endorsements;
    const at = envelope.indexOf(Buffer.from(endorsement!.signature));
    envelope[at + 10] = envelope[at + 10]! ^ 0x01;
    const tampered = withEnvelope(bundle, envelope);
    tampered.block.header.dataHash = dataHash(
      tampered.block.data.map((entry) => Buffer.from(entry, 'base64')),
    ).toString('hex');
    // The rebuilt header is no longer the one the orderers signed.
    const report = verifyBundle(tampered);
    failsAt(report, 'orderer-signature');
    expect(report.checks.find((check) => check.name === 'endorsements')?.ok).toBe(false);
    // A consistently rebuilt block no longer links to the checkpoint.
    const trusted = verifyBundle(tampered, { trust: checkpoint });
    expect(trusted.checks.find((check) => check.name === 'header-chain')?.ok).toBe(false);
  });

  it('fails on a transaction the peers committed as invalid', () => {
    const tampered = copy(bundle);
    const filter = Buffer.from(bundle.block.transactionsFilter ?? '', 'base64');
    const data = bundle.block.data;
    const index = data.indexOf(bundle.transaction.envelope);
    expect(index).toBeGreaterThanOrEqual(0);
    filter[index] = 11; // MVCC_READ_CONFLICT
    tampered.block.transactionsFilter = filter.toString('base64');
    failsAt(verifyBundle(tampered, { document }), 'validation-code');
  });

  it('fails on a changed block header', () => {
    const tampered = copy(bundle);
    tampered.block.header.dataHash = flipHex(bundle.block.header.dataHash);
    failsAt(verifyBundle(tampered), 'block-data-hash');
  });

  it('fails on a broken chain to the checkpoint', () => {
    const tampered = copy(bundle);
    const last = tampered.chain?.at(-1);
    if (last === undefined) {
      // The checkpoint is the anchor's own block: a different checkpoint hash must fail.
      failsAt(
        verifyBundle(tampered, {
          trust: { ...checkpoint, headerHash: flipHex(checkpoint.headerHash) },
        }),
        'header-chain',
      );
      return;
    }
    last.previousHash = flipHex(last.previousHash);
    failsAt(verifyBundle(tampered, { trust: checkpoint }), 'header-chain');
  });

  it('fails at the endorsement check with a forged organization CA', () => {
    const forged = forgedCa();
    const tampered = copy(bundle);
    tampered.certificates = Object.fromEntries(
      Object.keys(bundle.certificates).map((mspId) => [
        mspId,
        { roots: [forged], intermediates: [] },
      ]),
    );
    failsAt(verifyBundle(tampered), 'endorsements');
    // A checkpoint that pins the real CAs catches the swap first.
    failsAt(verifyBundle(tampered, { trust: checkpoint }), 'pinned-certificates');
  });

  it('fails at the orderer signature on a changed header or a forged orderer CA', () => {
    expect(Object.keys(bundle.ordererCertificates ?? {})).not.toEqual([]);
    const header = copy(bundle);
    header.block.header.previousHash = flipHex(bundle.block.header.previousHash);
    failsAt(verifyBundle(header), 'orderer-signature');
    const forged = forgedCa();
    const tampered = copy(bundle);
    tampered.ordererCertificates = Object.fromEntries(
      Object.keys(bundle.ordererCertificates ?? {}).map((mspId) => [
        mspId,
        { roots: [forged], intermediates: [] },
      ]),
    );
    failsAt(verifyBundle(tampered), 'orderer-signature');
  });

  it('proves a batch member by its salted leaf and Merkle path, and fails on a changed path or salt', async () => {
    const items: BatchItem[] = Array.from({ length: 5 }, (_, index) => ({
      recordId: `lab-${randomBytes(4).toString('hex')}-${index}`,
      patientId: patient.patientId,
      category: 'laboratory',
      sha256: sha256(Buffer.from(`lab result ${index}`)),
      salt: newSalt(),
    }));
    const { result: batch } = await submit(clinician, 'records:AnchorBatch', [{ items }]);
    const leaves = items.map((item) => batchLeaf(item));
    const member = await buildEvidence({
      gateway: auditor.gateway,
      topology,
      txId: batch.txId,
      subject: {
        kind: 'batch-member',
        batchId: batch.batchId,
        item: items[3]!,
        leafIndex: 3,
        treeSize: batch.size,
        root: batch.root,
        auditPath: inclusionProof(leaves, 3).map(toHex),
      },
    });
    expect(member.version).toBe(2);
    const lab = Buffer.from('lab result 3');
    expect(verifyBundle(parseBundle(member), { document: lab }).ok).toBe(true);
    const tampered = copy(member);
    if (tampered.subject.kind !== 'batch-member') throw new Error('unreachable');
    tampered.subject.auditPath[0] = flipHex(tampered.subject.auditPath[0]!);
    failsAt(verifyBundle(tampered), 'merkle-path');
    const resalted = copy(member);
    if (resalted.version !== 2 || resalted.subject.kind !== 'batch-member')
      throw new Error('unreachable');
    resalted.subject.item.salt = newSalt();
    failsAt(verifyBundle(resalted), 'merkle-path');
  });

  it('proves an access event (a recorded denial) by its private write, for entitled organizations only', async () => {
    const { result: event } = await submit(
      clinician,
      'access:RequestAccess',
      [
        {
          patientId: patient.patientId,
          purpose: 'treatment',
          categories: ['outpatient'],
          recordIds: ['rec-1'],
        },
      ],
      { endorsers: ['TertiaryHospitalMSP', 'CommunityHospitalMSP'] },
    );
    expect(event.decision).toBe('deny');
    const evidence = parseBundle(
      await buildEvidence({
        gateway: auditor.gateway,
        topology,
        txId: event.txId,
        subject: { kind: 'access-event', eventId: event.eventId },
      }),
    );
    if (evidence.version !== 2 || evidence.privateWrite === undefined)
      throw new Error('a version 2 bundle with its private write');
    expect(evidence.privateWrite.collection).toBe('pair_CommunityHospitalMSP_TertiaryHospitalMSP');
    const report = verifyBundle(evidence);
    holdsAll(report);
    expect(report.checks.map((check) => check.name)).toContain('private-write');
    // Another subject, another value, another key: the private write no longer proves it.
    const other = copy(evidence);
    other.subject = { kind: 'access-event', eventId: `${event.eventId}x` };
    failsAt(verifyBundle(other), 'private-write');
    const value = copy(evidence);
    if (value.version !== 2 || value.privateWrite === undefined) throw new Error('unreachable');
    value.privateWrite.value = Buffer.from(
      JSON.stringify({ ...event, decision: 'permit' }),
    ).toString('base64');
    failsAt(verifyBundle(value), 'private-write');
    const key = copy(evidence);
    if (key.version !== 2 || key.privateWrite === undefined) throw new Error('unreachable');
    key.privateWrite.key = `${key.privateWrite.key}x`;
    failsAt(verifyBundle(key), 'private-write');
    // An organization that does not hold the pair's collection has no value to build it from.
    const outsider = connectAdmin('enterprise');
    try {
      await expect(
        buildEvidence({
          gateway: outsider.gateway,
          topology,
          txId: event.txId,
          subject: { kind: 'access-event', eventId: event.eventId },
        }),
      ).rejects.toThrow(/no private value/);
    } finally {
      outsider.close();
    }
  });

  it('keeps a consent’s bundle verifiable after the consent was erased from every peer', async () => {
    const grant = await submit(patient.carrier, 'consent:GrantConsent', [
      await patient.sign('consent:GrantConsent', {
        grantee: { org: 'TertiaryHospitalMSP', role: 'clinician' },
        purposes: ['treatment'],
        categories: ['imaging'],
      }),
    ]);
    const { consentId } = grant.result;
    const earlier = parseBundle(
      await buildEvidence({
        gateway: auditor.gateway,
        topology,
        txId: grant.txId,
        subject: { kind: 'consent', consentId, version: 1 },
      }),
    );
    holdsAll(verifyBundle(earlier));
    await submit(patient.carrier, 'consent:RevokeConsent', [
      await patient.sign('consent:RevokeConsent', { consentId, expectedVersion: 1 }),
    ]);
    const erased = await submit(patient.carrier, 'consent:EraseConsent', [
      await patient.sign('consent:EraseConsent', { consentId }),
    ]);
    expect(erased.result).toMatchObject({ kind: 'consent', subject: consentId });
    // No peer returns the value: not the home's, not the grantee's, not the regulator's.
    const readers = await Promise.all([
      enrollUser({ org: 'community', role: 'admin' }),
      enrollUser({ org: 'tertiary', role: 'clinician' }),
      enrollUser({ org: 'gov', role: 'regulator' }),
    ]);
    for (const reader of readers)
      await expectLedgerError(
        evaluate(reader, 'consent:GetConsent', consentId),
        'CONSENT_NOT_FOUND',
      );
    // Nor does the block's private data delivered to the home: the bundle cannot be made again.
    await expect(
      buildEvidence({
        gateway: auditor.gateway,
        topology,
        txId: grant.txId,
        subject: { kind: 'consent', consentId, version: 1 },
      }),
    ).rejects.toThrow(/no private value/);
    // The hashes stay in the block: the earlier bundle verifies, against the block as it is now.
    holdsAll(verifyBundle(earlier));
    const now = await blockNow(auditor, earlier.block.header.number);
    expect(now).toEqual(earlier.block.data);
    holdsAll(verifyBundle({ ...earlier, block: { ...earlier.block, data: now } }));
    // The erasure itself is in a block: a purge of the same key's hash.
    const erasureBlock = await blockNow(auditor, String(erased.blockNumber));
    const purges = erasureBlock
      .map((entry) => decodeTransaction(Buffer.from(entry, 'base64')))
      .filter((transaction) => transaction.txId === erased.txId)
      .flatMap((transaction) => transaction.hashedWrites.filter((write) => write.isPurge));
    if (earlier.version !== 2 || earlier.privateWrite === undefined) throw new Error('unreachable');
    const keyHash = sha256(Buffer.from(earlier.privateWrite.key, 'utf8'));
    expect(purges.map((write) => Buffer.from(write.keyHash).toString('hex'))).toContain(keyHash);
  });

  it('runs as a command line tool: exit 0 when verified, non-zero naming the failed check', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'evidence-'));
    const files = {
      bundle: path.join(dir, 'bundle.json'),
      document: path.join(dir, 'document.txt'),
      trust: path.join(dir, 'checkpoint.json'),
    };
    writeFileSync(files.bundle, JSON.stringify(bundle));
    writeFileSync(files.document, document);
    writeFileSync(files.trust, JSON.stringify(checkpoint));
    const cli = path.join(repoRoot, 'verifier', 'src', 'cli.ts');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
    const good = run(files.bundle, '--file', files.document, '--trust', files.trust);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain('VERIFIED');
    writeFileSync(files.document, 'something else');
    const bad = run(files.bundle, '--file', files.document);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('first failed check: document-hash');
  });
});

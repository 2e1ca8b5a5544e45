import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchLeaf, inclusionProof, toHex, type RecordItem } from '@consent-ledger/ledger-api';
import {
  buildEvidence,
  pinCheckpoint,
  repoRoot,
  type LedgerConnection,
} from '@consent-ledger/network';
import {
  dataHash,
  decodeTransaction,
  parseBundle,
  verifyBundle,
  type Checkpoint,
  type EvidenceBundle,
  type Report,
} from '@consent-ledger/verifier';
import { closeUsers, enrollUser, newPatientId, type TestUser } from '../support/identities.ts';
import { connectAdmin, text, topology } from '../support/ledger.ts';

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

describe('evidence bundles an auditor verifies offline', () => {
  let clinician: TestUser;
  let auditor: LedgerConnection;
  let bundle: EvidenceBundle;
  let checkpoint: Checkpoint;
  const document = Buffer.from(`discharge summary ${randomBytes(8).toString('hex')}`);

  beforeAll(async () => {
    clinician = await enrollUser({ org: 'tertiary', role: 'clinician' });
    auditor = connectAdmin('community');
    const recordId = `rec-${randomBytes(6).toString('hex')}`;
    const anchor = JSON.parse(
      text(
        await clinician.contract('records').submitTransaction(
          'AnchorRecord',
          JSON.stringify({
            recordId,
            patientId: newPatientId(),
            category: 'inpatient',
            sha256: sha256(document),
          }),
        ),
      ),
    ) as { txId: string; version: number };
    checkpoint = await pinCheckpoint(auditor.gateway, topology);
    bundle = parseBundle(
      JSON.parse(
        JSON.stringify(
          await buildEvidence({
            gateway: auditor.gateway,
            topology,
            txId: anchor.txId,
            subject: { kind: 'record', recordId, sha256: sha256(document), version: 1 },
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
    // Every copy (arguments, write set, result, event) changes, as a forger would have it.
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

  it('proves a batch member by its Merkle path and fails on a changed path', async () => {
    const patientId = newPatientId();
    const items: RecordItem[] = Array.from({ length: 5 }, (_, index) => ({
      recordId: `lab-${randomBytes(4).toString('hex')}-${index}`,
      patientId,
      category: 'laboratory',
      sha256: sha256(Buffer.from(`lab result ${index}`)),
    }));
    const batch = JSON.parse(
      text(
        await clinician
          .contract('records')
          .submitTransaction('AnchorBatch', JSON.stringify({ items })),
      ),
    ) as { batchId: string; root: string; size: number; txId: string };
    const leaves = items.map(batchLeaf);
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
    const lab = Buffer.from('lab result 3');
    expect(verifyBundle(parseBundle(member), { document: lab }).ok).toBe(true);
    const tampered = copy(member);
    if (tampered.subject.kind !== 'batch-member') throw new Error('unreachable');
    tampered.subject.auditPath[0] = flipHex(tampered.subject.auditPath[0]!);
    failsAt(verifyBundle(tampered), 'merkle-path');
  });

  it('proves an access event (a recorded denial)', async () => {
    const event = JSON.parse(
      text(
        await clinician.contract('access').submitTransaction(
          'RequestAccess',
          JSON.stringify({
            patientId: newPatientId(),
            purpose: 'treatment',
            categories: ['outpatient'],
            recordIds: ['rec-1'],
          }),
        ),
      ),
    ) as { eventId: string; decision: string; txId: string };
    const evidence = parseBundle(
      await buildEvidence({
        gateway: auditor.gateway,
        topology,
        txId: event.txId,
        subject: { kind: 'access-event', eventId: event.eventId },
      }),
    );
    expect(verifyBundle(evidence).ok).toBe(true);
    const other = copy(evidence);
    other.subject = { kind: 'access-event', eventId: `${event.eventId}x` };
    failsAt(verifyBundle(other), 'write-set');
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

import {
  SALT_PATTERN,
  batchLeaf,
  fromHex,
  leafHash,
  rootOfLevels,
  toHex,
  treeLevels,
  verifyInclusion,
  type BatchItem,
  type RecordItem,
} from '@consent-ledger/ledger-api';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidArgumentError, LedgerError } from '../common/errors.js';
import { openDatabase } from '../storage/database.js';
import { testEndorsers } from '../testing/endorsers.js';
import { FakeLedgerClient, jsonArg } from '../testing/fake-ledger.client.js';
import { principal } from '../testing/principals.js';
import { throughRoute } from '../testing/route-guard.js';
import { createBatchStore } from './batch.store.js';
import { RecordsController } from './records.controller.js';
import { RecordsService } from './records.service.js';

const items: RecordItem[] = Array.from({ length: 11 }, (_, i) => ({
  recordId: `rec-${String(i)}`,
  patientId: 'pid-abcdefghijklmnop',
  category: i % 2 === 0 ? 'imaging' : 'laboratory',
  sha256: String(i)
    .repeat(64)
    .slice(0, 64)
    .replace(/[^0-9]/g, 'a'),
}));

/** The items (with their salts) of the last batch the fake ledger anchored: its root's leaves. */
let anchored: BatchItem[] = [];

function setup() {
  const ledger = new FakeLedgerClient()
    .on('records:AnchorBatch', (call) => {
      const { items: sent } = jsonArg<{ items: BatchItem[] }>(call);
      anchored = sent;
      const root = toHex(rootOfLevels(treeLevels(sent.map((item) => leafHash(batchLeaf(item))))));
      return { batchId: 'bat-000000000000000000000001', root, size: sent.length };
    })
    .on('records:VerifyBatchMember', (call) => {
      const proof = jsonArg<{ item: BatchItem; leafIndex: number; auditPath: string[] }>(call);
      const root = rootOfLevels(treeLevels(anchored.map((item) => leafHash(batchLeaf(item)))));
      const verified = verifyInclusion({
        leaf: batchLeaf(proof.item),
        leafIndex: proof.leafIndex,
        treeSize: items.length,
        auditPath: proof.auditPath.map(fromHex),
        root,
      });
      return {
        verified,
        reason: verified ? 'MATCHES_BATCH' : 'HASH_MISMATCH',
        batch: { batchId: 'bat-000000000000000000000001' },
      };
    })
    .on('records:VerifyRecord', () => {
      throw new LedgerError({
        code: 'RECORD_NOT_FOUND',
        message: 'unknown',
        transaction: 'records:VerifyRecord',
      });
    })
    .on('records:AnchorRecord', (call) => ({ ...jsonArg(call), version: 1 }));
  const store = createBatchStore(openDatabase(':memory:'));
  return { ledger, store, service: new RecordsService(ledger, store, testEndorsers(ledger)) };
}

describe('RecordsService', () => {
  const clinician = principal('clinician');

  it('anchors a batch, salts and keeps its items and answers proofs that verify against the root', async () => {
    const { service, store, ledger } = setup();
    const result = await service.anchorBatch(clinician, { items });
    expect(result).toMatchObject({
      batchId: 'bat-000000000000000000000001',
      size: 11,
      txId: 'tx-1',
    });
    const salted = items.map((item, index) => ({ ...item, salt: result.proofs[index]!.salt }));
    expect(new Set(salted.map((item) => item.salt)).size).toBe(11);
    for (const item of salted) expect(item.salt).toMatch(SALT_PATTERN);
    const root = fromHex(result.root);
    for (const proof of result.proofs) {
      const item = salted[proof.leafIndex]!;
      expect(proof.recordId).toBe(item.recordId);
      expect(
        verifyInclusion({
          leaf: batchLeaf(item),
          leafIndex: proof.leafIndex,
          treeSize: 11,
          auditPath: proof.auditPath.map(fromHex),
          root,
        }),
      ).toBe(true);
    }
    expect(store.findMembership('rec-7')).toMatchObject({
      leafIndex: 7,
      batch: { batchId: 'bat-000000000000000000000001', size: 11 },
    });
    expect(store.items('bat-000000000000000000000001')).toEqual(salted);
    expect(jsonArg(ledger.submits[0])).toEqual({ items: salted });
    // Endorsed by the anchoring organization and the regulator.
    expect(ledger.submits[0]?.endorsers).toEqual({
      collections: [],
      organizations: ['TertiaryHospitalMSP', 'GovMSP'],
    });
  });

  it('verifies a batch member through the local store, and a modified copy fails', async () => {
    const { service } = setup();
    await service.anchorBatch(clinician, { items });
    const good = await service.verify(clinician, { recordId: 'rec-4', sha256: items[4]!.sha256 });
    expect(good).toMatchObject({
      verified: true,
      proof: { batchId: 'bat-000000000000000000000001', leafIndex: 4 },
    });
    const bad = await service.verify(clinician, { recordId: 'rec-4', sha256: 'f'.repeat(64) });
    expect(bad).toMatchObject({ verified: false, reason: 'HASH_MISMATCH' });
  });

  it('refuses duplicate record IDs, enterprise non-wearable anchors and bad digests before the ledger', async () => {
    const { service, ledger } = setup();
    await expect(
      service.anchorBatch(clinician, { items: [items[0]!, items[0]!] }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    const insurer = principal('admin', { mspId: 'EnterpriseMSP', orgType: 'enterprise' });
    await expect(service.anchor(insurer, items[0]!)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      throughRoute(
        { handler: RecordsController.prototype.anchor, caller: principal('patient') },
        (as) => service.anchor(as, items[0]!),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      service.verify(clinician, { recordId: 'r', sha256: 'xyz' }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(ledger.calls).toHaveLength(0);
    const wearable = await service.anchor(insurer, { ...items[0]!, category: 'wearable' });
    expect(wearable).toMatchObject({ version: 1, txId: 'tx-1' });
  });

  it('verifies an individually anchored record with VerifyRecord and the named version', async () => {
    const { service, ledger } = setup();
    ledger.on('records:VerifyRecord', () => ({
      verified: true,
      reason: 'MATCHES',
      anchor: { recordId: 'r9', version: 2 },
    }));
    const result = await service.verify(clinician, {
      recordId: 'r9',
      sha256: 'a'.repeat(64),
      version: 2,
    });
    expect(result).toEqual({
      verified: true,
      reason: 'MATCHES',
      anchor: { recordId: 'r9', version: 2 },
    });
    // The record of the caller's own organization unless another owner is named.
    expect(ledger.calls[0]?.args).toEqual(['r9', 'a'.repeat(64), '2', 'TertiaryHospitalMSP']);
    await service.verify(clinician, { recordId: 'r9', sha256: 'a'.repeat(64) });
    expect(ledger.calls[1]?.args).toEqual(['r9', 'a'.repeat(64), '', 'TertiaryHospitalMSP']);
    await service.verify(clinician, {
      recordId: 'r9',
      sha256: 'a'.repeat(64),
      owner: 'CommunityHospitalMSP',
    });
    expect(ledger.calls[2]?.args).toEqual(['r9', 'a'.repeat(64), '', 'CommunityHospitalMSP']);
    await expect(
      service.verify(clinician, { recordId: 'r9', sha256: 'a'.repeat(64), owner: 'bad msp' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(ledger.calls).toHaveLength(3);
  });

  it("reads the caller's own record of an ID by default, another owner's when named", async () => {
    const { service, ledger } = setup();
    ledger.on('records:GetRecord', ({ args }) => {
      const head = { recordId: args?.[0], version: 1, owner: args?.[1], sha256: 'a'.repeat(64) };
      return { head, versions: [head] };
    });
    expect((await service.get(clinician, { recordId: 'his:2026.1' })).head).toMatchObject({
      owner: 'TertiaryHospitalMSP',
    });
    const other = await service.get(clinician, {
      recordId: 'his:2026.1',
      owner: 'CommunityHospitalMSP',
    });
    expect(other.head).toMatchObject({ owner: 'CommunityHospitalMSP' });
    expect(ledger.calls.map((call) => call.args)).toEqual([
      ['his:2026.1', 'TertiaryHospitalMSP'],
      ['his:2026.1', 'CommunityHospitalMSP'],
    ]);
    await expect(
      service.get(clinician, { recordId: 'his:2026.1', owner: 'not an msp' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it("verifies a member of another organization's batch with the proof handed out", async () => {
    const anchoring = setup();
    const batch = await anchoring.service.anchorBatch(principal('admin'), { items });
    const { proofs } = batch;
    // Another gateway (an empty batch store) verifies with the proof alone.
    const { service, ledger } = setup();
    const proof = proofs[3]!;
    const batchProof = {
      batchId: batch.batchId,
      patientId: items[3]!.patientId,
      category: items[3]!.category,
      salt: proof.salt,
      leafIndex: proof.leafIndex,
      auditPath: proof.auditPath,
    };
    const good = await service.verify(clinician, {
      recordId: 'rec-3',
      sha256: items[3]!.sha256,
      batchProof,
    });
    expect(good).toMatchObject({ verified: true, proof: { batchId: batch.batchId, leafIndex: 3 } });
    expect(jsonArg(ledger.calls[0])).toEqual({
      batchId: batch.batchId,
      item: { ...items[3], salt: proof.salt },
      leafIndex: 3,
      auditPath: proof.auditPath,
    });
    // A patient's session verifies their own items only.
    await expect(
      service.verify(principal('patient', { patientId: 'pid-someoneelseaaaaaa' }), {
        recordId: 'rec-3',
        sha256: items[3]!.sha256,
        batchProof,
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const tampered = await service.verify(clinician, {
      recordId: 'rec-3',
      sha256: 'f'.repeat(64),
      batchProof,
    });
    expect(tampered.verified).toBe(false);
    await expect(
      service.verify(clinician, {
        recordId: 'rec-3',
        sha256: 'f'.repeat(64),
        version: 1,
        batchProof,
      }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(ledger.callsOf('records:VerifyRecord')).toHaveLength(0);
  });
});

describe('RecordsService.findByHash', () => {
  const clinician = principal('clinician');
  /** A ledger keeping every batch's items, verifying members against their own batch's root. */
  function withBatches() {
    const { ledger, store, service } = setup();
    const batches = new Map<string, BatchItem[]>();
    const rootOf = (batch: readonly BatchItem[]) =>
      rootOfLevels(treeLevels(batch.map((item) => leafHash(batchLeaf(item)))));
    ledger
      .on('records:AnchorBatch', (call) => {
        const sent = jsonArg<{ batchId: string; items: BatchItem[] }>(call);
        batches.set(sent.batchId, sent.items);
        return { batchId: sent.batchId, root: toHex(rootOf(sent.items)), size: sent.items.length };
      })
      .on('records:VerifyBatchMember', (call) => {
        const claim = jsonArg<{
          batchId: string;
          item: BatchItem;
          leafIndex: number;
          auditPath: string[];
        }>(call);
        const batch = batches.get(claim.batchId) ?? [];
        const verified = verifyInclusion({
          leaf: batchLeaf(claim.item),
          leafIndex: claim.leafIndex,
          treeSize: batch.length,
          auditPath: claim.auditPath.map(fromHex),
          root: rootOf(batch),
        });
        return {
          verified,
          reason: verified ? 'MATCH' : 'PROOF_MISMATCH',
          batch: {
            batchId: claim.batchId,
            owner: 'TertiaryHospitalMSP',
            timestamp: `2026-12-0${String(batches.size)}T10:00:00.000Z`,
            txId: `tx-${claim.batchId}`,
          },
        };
      })
      .on('records:FindAnchorsByHash', (call) => ({
        sha256: call.args?.[0],
        matches: [
          {
            anchor: {
              recordId: 'his-1',
              version: 1,
              sha256: call.args?.[0],
              owner: 'CommunityHospitalMSP',
              anchoredBy: 'a'.repeat(64),
              timestamp: '2026-12-01T08:00:00.000Z',
              txId: 'tx-his-1',
            },
            latestVersion: 2,
          },
        ],
        truncated: false,
      }));
    return { ledger, store, service, batches };
  }

  it('answers the record versions of any owner and the batch items this gateway anchored', async () => {
    const { service, ledger } = withBatches();
    await service.anchorBatch(clinician, { batchId: 'bat-first', items });
    // rec-3 again in a later batch, with new content: its first item is superseded.
    const again = { ...items[3]!, sha256: 'e'.repeat(64) };
    await service.anchorBatch(clinician, { batchId: 'bat-second', items: [again, items[5]!] });
    const found = await service.findByHash(clinician, items[3]!.sha256.toUpperCase());
    expect(ledger.callsOf('records:FindAnchorsByHash').map((call) => call.args)).toEqual([
      [items[3]!.sha256],
    ]);
    expect(found).toEqual({
      sha256: items[3]!.sha256,
      truncated: false,
      matches: [
        {
          kind: 'record',
          owner: 'CommunityHospitalMSP',
          recordId: 'his-1',
          version: 1,
          latestVersion: 2,
          latest: false,
          timestamp: '2026-12-01T08:00:00.000Z',
          txId: 'tx-his-1',
        },
        {
          kind: 'batch',
          owner: 'TertiaryHospitalMSP',
          recordId: 'rec-3',
          latest: false,
          batchId: 'bat-first',
          timestamp: '2026-12-02T10:00:00.000Z',
          txId: 'tx-bat-first',
        },
      ],
    });
    const latest = await service.findByHash(clinician, items[5]!.sha256);
    expect(
      latest.matches
        .filter((match) => match.kind === 'batch')
        .map((match) => [match.batchId, match.latest]),
    ).toEqual([
      ['bat-second', true],
      ['bat-first', false],
    ]);
  });

  it("leaves out an item the ledger's root does not hold, and another patient's items for a patient", async () => {
    const { service, batches } = withBatches();
    await service.anchorBatch(clinician, { batchId: 'bat-first', items });
    const kept = batches.get('bat-first') ?? [];
    // The ledger's batch differs from what the store kept: the item is no anchor.
    batches.set('bat-first', kept.slice(1));
    expect(
      (await service.findByHash(clinician, items[3]!.sha256)).matches.map((match) => match.kind),
    ).toEqual(['record']);
    batches.set('bat-first', kept);
    const own = principal('patient', { patientId: items[3]!.patientId });
    const other = principal('patient', { patientId: 'pid-someoneelseaaaaaa' });
    expect((await service.findByHash(own, items[3]!.sha256)).matches).toHaveLength(2);
    expect(
      (await service.findByHash(other, items[3]!.sha256)).matches.map((match) => match.kind),
    ).toEqual(['record']);
  });

  it('refuses a malformed hash before asking the ledger', async () => {
    const { service, ledger } = withBatches();
    for (const bad of ['', 'abc', 'g'.repeat(64), 'a'.repeat(65), `${'a'.repeat(63)} `]) {
      await expect(service.findByHash(clinician, bad)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(ledger.calls).toEqual([]);
  });

  it('is open to every member and patient through its route (the anchors are public)', async () => {
    const { service } = withBatches();
    for (const caller of [
      principal('patient'),
      principal('researcher', { mspId: 'ResearchMSP', orgType: 'research' }),
      principal('regulator', { mspId: 'GovMSP', orgType: 'government' }),
    ]) {
      const found = await throughRoute(
        { handler: RecordsController.prototype.findByHash, caller },
        (as) => service.findByHash(as, 'f'.repeat(64)),
      );
      expect(found).toMatchObject({ sha256: 'f'.repeat(64), matches: [{ kind: 'record' }] });
    }
  });
});

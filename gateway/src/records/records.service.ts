import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ForbiddenError, InvalidArgumentError, LedgerError } from '../common/errors.js';
import { PERMISSIONS, assertAllowed } from '../common/permissions.js';
import { RECORD_ID, SHA256_HEX } from '../common/vocabulary.js';
import { LEDGER_CLIENT, parseJson, type LedgerClient } from '../ledger/ledger.client.js';
import { BATCH_STORE, type BatchStore } from './batch.store.js';
import { auditPath, leafBytes, leafHash, rootOf, treeLevels, type BatchItem } from './merkle.js';
import type {
  AnchorResult,
  Batch,
  BatchInput,
  BatchResult,
  RecordAnchor,
  RecordHistory,
  VerifyInput,
  VerifyResult,
} from './record.types.js';

function itemOf(item: BatchItem): BatchItem {
  return {
    recordId: item.recordId,
    patientId: item.patientId,
    category: item.category,
    sha256: item.sha256.toLowerCase(),
  };
}

/**
 * Record fingerprints on the ledger (`records` contract): single anchors, RFC 6962 batches whose
 * items are kept locally to serve inclusion proofs, verification and history.
 */
@Injectable()
export class RecordsService {
  readonly #logger = new Logger(RecordsService.name);

  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(BATCH_STORE) private readonly batches: BatchStore,
  ) {}

  /** AnchorRecord: a new version of a record's fingerprint. */
  async anchor(caller: Principal, item: BatchItem): Promise<AnchorResult> {
    this.#assertMayAnchor(caller, [item]);
    const { payload, txId } = await this.ledger.submit({
      identity: caller.walletLabel,
      contract: 'records',
      transaction: 'AnchorRecord',
      args: [JSON.stringify(itemOf(item))],
    });
    const anchor = parseJson<RecordAnchor>(payload);
    return { recordId: anchor.recordId, version: anchor.version, txId, anchor };
  }

  /**
   * AnchorBatch: the ledger keeps the Merkle root; the gateway keeps the items (in leaf order) so
   * it can prove any one of them later, and answers each item's audit path now.
   */
  async anchorBatch(caller: Principal, input: BatchInput): Promise<BatchResult> {
    const items = input.items.map(itemOf);
    this.#assertMayAnchor(caller, items);
    const seen = new Set<string>();
    for (const item of items) {
      if (seen.has(item.recordId))
        throw new InvalidArgumentError(`recordId ${item.recordId} appears twice in the batch`);
      seen.add(item.recordId);
    }
    const levels = treeLevels(items.map((item) => leafHash(leafBytes(item))));
    const root = rootOf(levels).toString('hex');
    const { payload, txId } = await this.ledger.submit({
      identity: caller.walletLabel,
      contract: 'records',
      transaction: 'AnchorBatch',
      args: [
        JSON.stringify({
          ...(input.batchId === undefined ? {} : { batchId: input.batchId }),
          items,
        }),
      ],
    });
    const batch = parseJson<Batch>(payload);
    if (batch.root !== root)
      this.#logger.error(
        `batch ${batch.batchId}: the ledger's root ${batch.root} differs from the gateway's ${root}`,
      );
    this.batches.save(
      {
        batchId: batch.batchId,
        root: batch.root,
        size: items.length,
        txId,
        createdAt: new Date().toISOString(),
      },
      items,
    );
    return {
      batchId: batch.batchId,
      root: batch.root,
      size: items.length,
      txId,
      proofs: items.map((item, leafIndex) => ({
        recordId: item.recordId,
        leafIndex,
        auditPath: auditPath(levels, leafIndex),
      })),
    };
  }

  /**
   * Verifies a digest: against a batch with the proof given (VerifyBatchMember, e.g. a proof
   * another organization anchored), or against the batch this gateway anchored the record in
   * (the proof rebuilt from the local batch store), else against the record's anchors
   * (VerifyRecord, the latest or the named version).
   */
  async verify(caller: Principal, input: VerifyInput): Promise<VerifyResult> {
    if (!RECORD_ID.test(input.recordId)) throw new InvalidArgumentError('malformed recordId');
    const sha256 = input.sha256.toLowerCase();
    if (!SHA256_HEX.test(sha256))
      throw new InvalidArgumentError('sha256 must be 64 hex characters');
    if (input.batchProof !== undefined) {
      if (input.version !== undefined)
        throw new InvalidArgumentError('give either version or batchProof');
      const given = input.batchProof;
      const result = parseJson<{ verified: boolean; reason: string; batch?: Batch }>(
        await this.ledger.evaluate({
          identity: caller.walletLabel,
          contract: 'records',
          transaction: 'VerifyBatchMember',
          args: [
            JSON.stringify({
              batchId: given.batchId,
              item: {
                recordId: input.recordId,
                patientId: given.patientId,
                category: given.category,
                sha256,
              },
              leafIndex: given.leafIndex,
              auditPath: given.auditPath,
            }),
          ],
        }),
      );
      return {
        verified: result.verified,
        reason: result.reason,
        ...(result.batch === undefined ? {} : { anchor: result.batch }),
        proof: {
          batchId: given.batchId,
          recordId: input.recordId,
          leafIndex: given.leafIndex,
          auditPath: given.auditPath,
          root: result.batch?.root ?? '',
        },
      };
    }
    const membership =
      input.version === undefined ? this.batches.findMembership(input.recordId) : undefined;
    let batchResult: VerifyResult | undefined;
    if (membership !== undefined) {
      const levels = treeLevels(
        this.batches.items(membership.batch.batchId).map((item) => leafHash(leafBytes(item))),
      );
      const proof = {
        batchId: membership.batch.batchId,
        recordId: input.recordId,
        leafIndex: membership.leafIndex,
        auditPath: auditPath(levels, membership.leafIndex),
        root: membership.batch.root,
      };
      const result = parseJson<{ verified: boolean; reason: string; batch?: Batch }>(
        await this.ledger.evaluate({
          identity: caller.walletLabel,
          contract: 'records',
          transaction: 'VerifyBatchMember',
          args: [
            JSON.stringify({
              batchId: proof.batchId,
              item: { ...membership.item, sha256 },
              leafIndex: proof.leafIndex,
              auditPath: proof.auditPath,
            }),
          ],
        }),
      );
      batchResult = {
        verified: result.verified,
        reason: result.reason,
        ...(result.batch === undefined ? {} : { anchor: result.batch }),
        proof,
      };
      if (result.verified) return batchResult;
    }
    try {
      const result = parseJson<{ verified: boolean; reason: string; anchor?: RecordAnchor }>(
        await this.ledger.evaluate({
          identity: caller.walletLabel,
          contract: 'records',
          transaction: 'VerifyRecord',
          // The version argument is always given: empty for the latest.
          args: [input.recordId, sha256, input.version === undefined ? '' : String(input.version)],
        }),
      );
      return {
        verified: result.verified,
        reason: result.reason,
        ...(result.anchor === undefined ? {} : { anchor: result.anchor }),
      };
    } catch (error) {
      if (
        batchResult !== undefined &&
        error instanceof LedgerError &&
        error.code === 'RECORD_NOT_FOUND'
      )
        return batchResult;
      throw error;
    }
  }

  /** GetRecord: the head and every anchored version. */
  async get(caller: Principal, recordId: string): Promise<RecordHistory> {
    if (!RECORD_ID.test(recordId)) throw new InvalidArgumentError('malformed recordId');
    return parseJson<RecordHistory>(
      await this.ledger.evaluate({
        identity: caller.walletLabel,
        contract: 'records',
        transaction: 'GetRecord',
        args: [recordId],
      }),
    );
  }

  #assertMayAnchor(caller: Principal, items: readonly BatchItem[]): void {
    assertAllowed(caller, PERMISSIONS.anchorRecord);
    if (caller.orgType === 'enterprise' && items.some((item) => item.category !== 'wearable'))
      throw new ForbiddenError('an enterprise anchors only wearable records');
  }
}

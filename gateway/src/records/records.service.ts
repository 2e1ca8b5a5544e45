import {
  EXTERNAL_ID_PATTERN,
  SHA256_HEX_PATTERN,
  auditPathOf,
  batchLeaf,
  leafHash,
  rootOfLevels,
  toHex,
  treeLevels,
  type AnchorResult,
  type BatchInput,
  type BatchMemberProof,
  type BatchResult,
  type RecordHistory,
  type RecordItem,
  type VerifyResult,
} from '@consent-ledger/ledger-api';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ForbiddenError, InvalidArgumentError, LedgerError } from '../common/errors.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';
import { BATCH_STORE, type BatchStore } from './batch.store.js';

/** A digest to verify (POST /records/verify). */
export interface VerifyInput {
  readonly recordId: string;
  readonly sha256: string;
  readonly version?: number;
  /** Verify as a member of this batch (VerifyBatchMember) with the proof given. */
  readonly batchProof?: BatchMemberProof;
}

function itemOf(item: RecordItem): RecordItem {
  return {
    recordId: item.recordId,
    patientId: item.patientId,
    category: item.category,
    sha256: item.sha256.toLowerCase(),
  };
}

/** Every level of the RFC 6962 tree over a batch's items, in leaf order (at least one item). */
export function batchTree(items: readonly RecordItem[]): Uint8Array[][] {
  if (items.length === 0) throw new RangeError('a batch tree needs at least one item');
  return treeLevels(items.map((item) => leafHash(batchLeaf(item))));
}

/** The audit path (hex, leaf to root) of the leaf at `index` of a tree built by {@link batchTree}. */
export function auditPathHex(levels: readonly (readonly Uint8Array[])[], index: number): string[] {
  return auditPathOf(levels, index).map(toHex);
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
  async anchor(caller: Principal, item: RecordItem): Promise<AnchorResult> {
    assertMayAnchor(caller, [item]);
    const { result: anchor, txId } = await this.ledger
      .as(caller.walletLabel)
      .submit('records:AnchorRecord', itemOf(item));
    return { recordId: anchor.recordId, version: anchor.version, txId, anchor };
  }

  /**
   * AnchorBatch: the ledger keeps the Merkle root; the gateway keeps the items (in leaf order) so
   * it can prove any one of them later, and answers each item's audit path now.
   */
  async anchorBatch(caller: Principal, input: BatchInput): Promise<BatchResult> {
    const items = input.items.map(itemOf);
    assertMayAnchor(caller, items);
    const seen = new Set<string>();
    for (const item of items) {
      if (seen.has(item.recordId))
        throw new InvalidArgumentError(`recordId ${item.recordId} appears twice in the batch`);
      seen.add(item.recordId);
    }
    const levels = batchTree(items);
    const root = toHex(rootOfLevels(levels));
    const { result: batch, txId } = await this.ledger
      .as(caller.walletLabel)
      .submit('records:AnchorBatch', {
        ...(input.batchId === undefined ? {} : { batchId: input.batchId }),
        items,
      });
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
        auditPath: auditPathHex(levels, leafIndex),
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
    if (!EXTERNAL_ID_PATTERN.test(input.recordId))
      throw new InvalidArgumentError('malformed recordId');
    const sha256 = input.sha256.toLowerCase();
    if (!SHA256_HEX_PATTERN.test(sha256))
      throw new InvalidArgumentError('sha256 must be 64 hex characters');
    if (input.batchProof !== undefined) {
      if (input.version !== undefined)
        throw new InvalidArgumentError('give either version or batchProof');
      const given = input.batchProof;
      const result = await this.ledger
        .as(caller.walletLabel)
        .evaluate('records:VerifyBatchMember', {
          batchId: given.batchId,
          item: {
            recordId: input.recordId,
            patientId: given.patientId,
            category: given.category,
            sha256,
          },
          leafIndex: given.leafIndex,
          auditPath: given.auditPath,
        });
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
      const levels = batchTree(this.batches.items(membership.batch.batchId));
      const proof = {
        batchId: membership.batch.batchId,
        recordId: input.recordId,
        leafIndex: membership.leafIndex,
        auditPath: auditPathHex(levels, membership.leafIndex),
        root: membership.batch.root,
      };
      const result = await this.ledger
        .as(caller.walletLabel)
        .evaluate('records:VerifyBatchMember', {
          batchId: proof.batchId,
          item: { ...membership.item, sha256 },
          leafIndex: proof.leafIndex,
          auditPath: proof.auditPath,
        });
      batchResult = {
        verified: result.verified,
        reason: result.reason,
        ...(result.batch === undefined ? {} : { anchor: result.batch }),
        proof,
      };
      if (result.verified) return batchResult;
    }
    try {
      const result = await this.ledger.as(caller.walletLabel).evaluate(
        'records:VerifyRecord',
        input.recordId,
        sha256,
        // The version argument is always given: empty for the latest.
        input.version === undefined ? '' : String(input.version),
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
    if (!EXTERNAL_ID_PATTERN.test(recordId)) throw new InvalidArgumentError('malformed recordId');
    return await this.ledger.as(caller.walletLabel).evaluate('records:GetRecord', recordId);
  }
}

/**
 * The domain rule of anchoring beyond the route's role check: an enterprise anchors wearable
 * records only (the chaincode checks it again, with the patient's permit).
 */
function assertMayAnchor(caller: Principal, items: readonly RecordItem[]): void {
  if (caller.orgType === 'enterprise' && items.some((item) => item.category !== 'wearable'))
    throw new ForbiddenError('an enterprise anchors only wearable records');
}

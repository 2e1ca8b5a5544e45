import {
  EXTERNAL_ID_PATTERN,
  MSP_ID_PATTERN,
  SHA256_HEX_PATTERN,
  auditPathOf,
  batchLeaf,
  leafHash,
  newSalt,
  rootOfLevels,
  toHex,
  treeLevels,
  type AnchorResult,
  type BatchItem,
  type BatchMemberProof,
  type BatchMemberVerification,
  type BatchResult,
  type ContentLookup,
  type ContentMatch,
  type RecordHistory,
  type RecordItem,
  type VerifyResult,
} from '@consent-ledger/ledger-api';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  assertOwnPatient,
  isPatientSession,
  ledgerIdentity,
  type Principal,
} from '../auth/principal.js';
import { ForbiddenError, InvalidArgumentError, LedgerError } from '../common/errors.js';
import { ENDORSERS, type Endorsers } from '../ledger/endorsers.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';
import { BATCH_STORE, type BatchMembership, type BatchStore } from './batch.store.js';

/**
 * A record as the gateway's callers name it: its ID, and its owner organization (record IDs are
 * scoped by their owner), the caller's own when left out.
 */
export interface RecordName {
  readonly recordId: string;
  readonly owner?: string;
}

/** A digest to verify (POST /records/verify). */
export interface VerifyInput extends RecordName {
  readonly sha256: string;
  readonly version?: number;
  /** Verify as a member of this batch (VerifyBatchMember) with the proof given. */
  readonly batchProof?: BatchMemberProof;
}

/**
 * The most batch items one lookup by hash answers: each is checked against its batch's root on the
 * ledger (one VerifyBatchMember each).
 */
export const MAX_BATCH_MATCHES = 20;

/** A batch to anchor (POST /records/batches): the items without their salts, which the gateway makes. */
export interface BatchRequest {
  readonly batchId?: string;
  readonly items: readonly RecordItem[];
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
export function batchTree(items: readonly BatchItem[]): Uint8Array[][] {
  if (items.length === 0) throw new RangeError('a batch tree needs at least one item');
  return treeLevels(items.map((item) => leafHash(batchLeaf(item))));
}

/** The audit path (hex, leaf to root) of the leaf at `index` of a tree built by {@link batchTree}. */
export function auditPathHex(levels: readonly (readonly Uint8Array[])[], index: number): string[] {
  return auditPathOf(levels, index).map(toHex);
}

/**
 * Record fingerprints on the ledger (`records` contract): single anchors, RFC 6962 batches whose
 * items (each with a random salt, so that a leaf's hash reveals no guessable reading) are kept
 * locally to serve inclusion proofs, verification and history. The public anchor names no patient
 * and no category; the link to the patient is private to the patient's home, the owner and the
 * regulator.
 */
@Injectable()
export class RecordsService {
  readonly #logger = new Logger(RecordsService.name);

  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(BATCH_STORE) private readonly batches: BatchStore,
    @Inject(ENDORSERS) private readonly endorsers: Endorsers,
  ) {}

  /**
   * AnchorRecord: a new version of a record's fingerprint, endorsed by the owner and the patient's
   * home (the regulator when the home's peer is out of reach).
   */
  async anchor(caller: Principal, item: RecordItem): Promise<AnchorResult> {
    assertMayAnchor(caller, [item]);
    const endorsers = await this.endorsers.plan('records:AnchorRecord', {
      patientId: item.patientId,
    });
    const { result: anchor, txId } = await this.ledger
      .as(ledgerIdentity(caller), { endorsers })
      .submit('records:AnchorRecord', itemOf(item));
    return { recordId: anchor.recordId, version: anchor.version, txId, anchor };
  }

  /**
   * AnchorBatch: the ledger keeps the Merkle root; the gateway gives every item a salt and keeps
   * the items (in leaf order) so it can prove any one of them later, and answers each item's
   * audit path and salt now. Endorsed by the owner and the regulator.
   */
  async anchorBatch(caller: Principal, input: BatchRequest): Promise<BatchResult> {
    const items: BatchItem[] = input.items.map((item) => ({ ...itemOf(item), salt: newSalt() }));
    assertMayAnchor(caller, items);
    const seen = new Set<string>();
    for (const item of items) {
      if (seen.has(item.recordId))
        throw new InvalidArgumentError(`recordId ${item.recordId} appears twice in the batch`);
      seen.add(item.recordId);
    }
    const levels = batchTree(items);
    const root = toHex(rootOfLevels(levels));
    const endorsers = await this.endorsers.plan('records:AnchorBatch', {});
    const { result: batch, txId } = await this.ledger
      .as(ledgerIdentity(caller), { endorsers })
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
        salt: item.salt,
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
    if (input.owner !== undefined && !MSP_ID_PATTERN.test(input.owner))
      throw new InvalidArgumentError('owner must be an MSP ID');
    const identity = ledgerIdentity(caller);
    if (input.batchProof !== undefined) {
      if (input.version !== undefined)
        throw new InvalidArgumentError('give either version or batchProof');
      const given = input.batchProof;
      assertOwnPatient(caller, given.patientId);
      const result = await this.ledger.as(identity).evaluate('records:VerifyBatchMember', {
        batchId: given.batchId,
        item: {
          recordId: input.recordId,
          patientId: given.patientId,
          category: given.category,
          salt: given.salt,
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
          salt: given.salt,
          leafIndex: given.leafIndex,
          auditPath: given.auditPath,
          root: result.batch?.root ?? '',
        },
      };
    }
    const owner = input.owner ?? caller.mspId;
    // The batch store holds the batches this gateway anchored: its organization's records.
    const found =
      input.version === undefined && owner === caller.mspId
        ? this.batches.findMembership(input.recordId)
        : undefined;
    // A patient's session verifies against their own items only.
    const membership =
      found !== undefined && isPatientSession(caller) && found.item.patientId !== caller.patientId
        ? undefined
        : found;
    let batchResult: VerifyResult | undefined;
    if (membership !== undefined) {
      const { result, auditPath } = await this.#verifyMembership(caller, membership, sha256);
      const proof = {
        batchId: membership.batch.batchId,
        recordId: input.recordId,
        salt: membership.item.salt,
        leafIndex: membership.leafIndex,
        auditPath,
        root: membership.batch.root,
      };
      batchResult = {
        verified: result.verified,
        reason: result.reason,
        ...(result.batch === undefined ? {} : { anchor: result.batch }),
        proof,
      };
      if (result.verified) return batchResult;
    }
    try {
      const result = await this.ledger.as(identity).evaluate(
        'records:VerifyRecord',
        input.recordId,
        sha256,
        // The version argument is always given: empty for the latest.
        input.version === undefined ? '' : String(input.version),
        owner,
      );
      if (result.anchor !== undefined) assertOwnPatient(caller, result.anchor.patientId);
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

  /**
   * Checks an item of a batch this gateway anchored against the batch's root on the ledger
   * (VerifyBatchMember), its audit path rebuilt from the local batch store; with `sha256`, the
   * item as holding that digest instead of its own.
   */
  async #verifyMembership(
    caller: Principal,
    membership: BatchMembership,
    sha256: string = membership.item.sha256,
  ): Promise<{ result: BatchMemberVerification; auditPath: string[] }> {
    const levels = batchTree(this.batches.items(membership.batch.batchId));
    const auditPath = auditPathHex(levels, membership.leafIndex);
    const result = await this.ledger
      .as(ledgerIdentity(caller))
      .evaluate('records:VerifyBatchMember', {
        batchId: membership.batch.batchId,
        item: { ...membership.item, sha256 },
        leafIndex: membership.leafIndex,
        auditPath,
      });
    return { result, auditPath };
  }

  /**
   * Finds a document by its content alone: every record version anchored with this hash, of any
   * owner (FindAnchorsByHash: public fields only), and the items with this hash of the batches
   * this gateway anchored (each checked against its batch's root on the ledger; a patient's
   * session only their own items). Records first (owner, record, version), then batch items
   * (newest batch first).
   */
  async findByHash(caller: Principal, given: string): Promise<ContentLookup> {
    const sha256 = given.toLowerCase();
    if (!SHA256_HEX_PATTERN.test(sha256))
      throw new InvalidArgumentError('sha256 must be 64 hex characters');
    const found = await this.ledger
      .as(ledgerIdentity(caller))
      .evaluate('records:FindAnchorsByHash', sha256);
    const records = found.matches.map(({ anchor, latestVersion }): ContentMatch => ({
      kind: 'record',
      owner: anchor.owner,
      recordId: anchor.recordId,
      version: anchor.version,
      latestVersion,
      latest: anchor.version === latestVersion,
      timestamp: anchor.timestamp,
      txId: anchor.txId,
    }));
    const stored = this.batches
      .findByHash(sha256, MAX_BATCH_MATCHES + 1)
      .filter((each) => !isPatientSession(caller) || each.item.patientId === caller.patientId);
    const batchItems: ContentMatch[] = [];
    for (const membership of stored.slice(0, MAX_BATCH_MATCHES)) {
      const { result } = await this.#verifyMembership(caller, membership);
      // An item the ledger's root does not hold is no anchor (a store out of step with it).
      if (!result.verified || result.batch === undefined) {
        this.#logger.error(
          `batch ${membership.batch.batchId}: item ${String(membership.leafIndex)} is not under the ledger's root`,
        );
        continue;
      }
      const latest = this.batches.findMembership(membership.item.recordId);
      batchItems.push({
        kind: 'batch',
        owner: result.batch.owner,
        recordId: membership.item.recordId,
        latest: latest?.batch.batchId === membership.batch.batchId,
        batchId: membership.batch.batchId,
        timestamp: result.batch.timestamp,
        txId: result.batch.txId,
      });
    }
    return {
      sha256,
      matches: [...records, ...batchItems],
      truncated: found.truncated || stored.length > MAX_BATCH_MATCHES,
    };
  }

  /**
   * GetRecord: the head and every anchored version of the record of `owner` (the caller's
   * organization by default), with the patient and category when this organization holds the
   * record's link; a patient's session only for their own records.
   */
  async get(caller: Principal, record: RecordName): Promise<RecordHistory> {
    if (!EXTERNAL_ID_PATTERN.test(record.recordId))
      throw new InvalidArgumentError('malformed recordId');
    if (record.owner !== undefined && !MSP_ID_PATTERN.test(record.owner))
      throw new InvalidArgumentError('owner must be an MSP ID');
    const history = await this.ledger
      .as(ledgerIdentity(caller))
      .evaluate('records:GetRecord', record.recordId, record.owner ?? caller.mspId);
    assertOwnPatient(caller, history.head.patientId);
    return history;
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

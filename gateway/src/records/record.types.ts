import type { BatchItem } from './merkle.js';

/** One anchored version of a record's SHA-256 fingerprint. */
export interface RecordAnchor {
  readonly recordId: string;
  readonly version: number;
  readonly patientId: string;
  readonly category: string;
  readonly sha256: string;
  /** MSP ID of the owning organization. */
  readonly owner: string;
  readonly timestamp: string;
  readonly txId: string;
  /** Set when the version was anchored as a member of a Merkle batch. */
  readonly batchId?: string;
}

/** An anchored batch as the ledger keeps it. */
export interface Batch {
  readonly batchId: string;
  readonly root: string;
  readonly size: number;
  readonly owner: string;
  readonly categories: readonly string[];
  readonly patientCount: number;
  readonly timestamp: string;
  readonly txId: string;
}

/** The inclusion proof of one batch item. */
export interface BatchProof {
  readonly recordId: string;
  readonly leafIndex: number;
  readonly auditPath: readonly string[];
}

/** What POST /records/batches answers. */
export interface BatchResult {
  readonly batchId: string;
  readonly root: string;
  readonly size: number;
  readonly txId: string;
  readonly proofs: readonly BatchProof[];
}

/** What POST /records answers. */
export interface AnchorResult {
  readonly recordId: string;
  readonly version: number;
  readonly txId: string;
  readonly anchor: RecordAnchor;
}

/** What POST /records/verify answers. */
export interface VerifyResult {
  readonly verified: boolean;
  readonly reason: string;
  /** The record anchor, or the batch, the digest was checked against. */
  readonly anchor?: RecordAnchor | Batch;
  /** For a batch member: the proof that was checked. */
  readonly proof?: BatchProof & { readonly batchId: string; readonly root: string };
}

/** What GET /records/:recordId answers. */
export interface RecordHistory {
  readonly head: RecordAnchor;
  readonly versions: readonly RecordAnchor[];
}

/** A batch to anchor. */
export interface BatchInput {
  readonly batchId?: string;
  readonly items: readonly BatchItem[];
}

/**
 * A batch member's proof as the anchoring organization hands it out (POST /records/batches
 * answers it), for verifying at another organization's gateway.
 */
export interface BatchMemberProof {
  readonly batchId: string;
  readonly patientId: string;
  readonly category: string;
  readonly leafIndex: number;
  readonly auditPath: readonly string[];
}

/** A digest to verify. */
export interface VerifyInput {
  readonly recordId: string;
  readonly sha256: string;
  readonly version?: number;
  /** Verify as a member of this batch (VerifyBatchMember) with the proof given. */
  readonly batchProof?: BatchMemberProof;
}

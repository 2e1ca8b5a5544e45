import type { Category } from '../ledger/vocabulary';

/** One anchored version of a record: the hash of its content, chained to the previous version. */
export interface RecordAnchor {
  readonly recordId: string;
  readonly version: number;
  readonly patientId: string;
  readonly category: Category;
  readonly sha256: string;

  /** The previous version's hash (absent in version 1). */
  readonly previousSha256?: string;

  /** The organization owning the record (its peer must endorse new versions). */
  readonly owner: string;

  /** Identity hash of who anchored this version. */
  readonly anchoredBy: string;
  readonly timestamp: string;
  readonly txId: string;
}

/** A record's latest version and every version, oldest first. */
export interface RecordHistory {
  readonly head: RecordAnchor;
  readonly versions: RecordAnchor[];
}

/** Outcome of VerifyRecord. */
export interface RecordVerification {
  readonly verified: boolean;

  /** `MATCH` or `HASH_MISMATCH`. */
  readonly reason: 'MATCH' | 'HASH_MISMATCH';

  /** The anchor compared against. */
  readonly anchor?: RecordAnchor;
}

/** A batch of record hashes anchored by its RFC 6962 Merkle root (no per-item state). */
export interface Batch {
  readonly batchId: string;

  /** RFC 6962 Merkle tree hash of the items, hex. */
  readonly root: string;
  readonly size: number;
  readonly owner: string;
  readonly categories: Category[];
  readonly patientCount: number;

  /** Identity hash of who anchored it. */
  readonly anchoredBy: string;
  readonly timestamp: string;
  readonly txId: string;
}

/** Outcome of VerifyBatchMember. */
export interface BatchMemberVerification {
  readonly verified: boolean;

  /** `MATCH`, `PROOF_MISMATCH` or `LEAF_INDEX_OUT_OF_RANGE`. */
  readonly reason: 'MATCH' | 'PROOF_MISMATCH' | 'LEAF_INDEX_OUT_OF_RANGE';
  readonly batch?: Batch;
}

/** A page of record anchors (each record's latest version). */
export interface RecordAnchorPage {
  readonly items: RecordAnchor[];
  readonly bookmark: string;
}

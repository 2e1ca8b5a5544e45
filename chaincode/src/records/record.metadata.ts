import { Object as DataType, Property } from 'fabric-contract-api';
import type * as model from './record.model';
import type { Category } from '../ledger/vocabulary';

/** One anchored version of a record: the hash of its content, chained to the previous version. */
@DataType()
export class RecordAnchor implements model.RecordAnchor {
  @Property('recordId', 'string')
  readonly recordId!: string;

  @Property('version', 'number')
  readonly version!: number;

  @Property('patientId', 'string')
  readonly patientId!: string;

  @Property('category', 'string')
  readonly category!: Category;

  @Property('sha256', 'string')
  readonly sha256!: string;

  /** The previous version's hash (absent in version 1). */
  @Property('previousSha256', 'string')
  readonly previousSha256?: string;

  /** The organization owning the record (its peer must endorse new versions). */
  @Property('owner', 'string')
  readonly owner!: string;

  /** Identity hash of who anchored this version. */
  @Property('anchoredBy', 'string')
  readonly anchoredBy!: string;

  @Property('timestamp', 'string')
  readonly timestamp!: string;

  @Property('txId', 'string')
  readonly txId!: string;
}

/** A record's latest version and every version, oldest first. */
@DataType()
export class RecordHistory implements model.RecordHistory {
  @Property('head', 'RecordAnchor')
  readonly head!: RecordAnchor;

  @Property('versions', 'RecordAnchor[]')
  readonly versions!: RecordAnchor[];
}

/** Outcome of VerifyRecord. */
@DataType()
export class RecordVerification implements model.RecordVerification {
  @Property('verified', 'boolean')
  readonly verified!: boolean;

  /** `MATCH` or `HASH_MISMATCH`. */
  @Property('reason', 'string')
  readonly reason!: 'MATCH' | 'HASH_MISMATCH';

  /** The anchor compared against. */
  @Property('anchor', 'RecordAnchor')
  readonly anchor?: RecordAnchor;
}

/** A batch of record hashes anchored by its RFC 6962 Merkle root (no per-item state). */
@DataType()
export class Batch implements model.Batch {
  @Property('batchId', 'string')
  readonly batchId!: string;

  /** RFC 6962 Merkle tree hash of the items, hex. */
  @Property('root', 'string')
  readonly root!: string;

  @Property('size', 'number')
  readonly size!: number;

  @Property('owner', 'string')
  readonly owner!: string;

  @Property('categories', 'string[]')
  readonly categories!: Category[];

  @Property('patientCount', 'number')
  readonly patientCount!: number;

  /** Identity hash of who anchored it. */
  @Property('anchoredBy', 'string')
  readonly anchoredBy!: string;

  @Property('timestamp', 'string')
  readonly timestamp!: string;

  @Property('txId', 'string')
  readonly txId!: string;
}

/** Outcome of VerifyBatchMember. */
@DataType()
export class BatchMemberVerification implements model.BatchMemberVerification {
  @Property('verified', 'boolean')
  readonly verified!: boolean;

  /** `MATCH`, `PROOF_MISMATCH` or `LEAF_INDEX_OUT_OF_RANGE`. */
  @Property('reason', 'string')
  readonly reason!: 'MATCH' | 'PROOF_MISMATCH' | 'LEAF_INDEX_OUT_OF_RANGE';

  @Property('batch', 'Batch')
  readonly batch?: Batch;
}

/** A page of record anchors (each record's latest version). */
@DataType()
export class RecordAnchorPage implements model.RecordAnchorPage {
  @Property('items', 'RecordAnchor[]')
  readonly items!: RecordAnchor[];

  @Property('bookmark', 'string')
  readonly bookmark!: string;
}

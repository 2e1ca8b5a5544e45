import { ANCHORERS, EVERYONE, type AccessRules } from './access-rule.ts';
import type { Page } from './page.ts';
import type { Evaluate, Submit } from './transaction.ts';
import type { Category } from './vocabulary.ts';

/**
 * One anchored version of a record: the hash of its content, chained to the previous version. The
 * anchor is public (anyone holding the document verifies it); which patient and category it is
 * about is private (the patient's home, the owner and the regulator hold it), and present here
 * only for a caller whose organization holds it.
 */
export interface RecordAnchor {
  readonly recordId: string;
  readonly version: number;
  readonly patientId?: string;
  readonly category?: Category;
  readonly sha256: string;
  /** The previous version's hash (absent in version 1). */
  readonly previousSha256?: string;
  /**
   * The organization owning the record (its peer must endorse new versions). Record IDs are scoped
   * by it: a record is named by its owner and its ID.
   */
  readonly owner: string;
  /** Identity hash of who anchored this version. */
  readonly anchoredBy: string;
  readonly timestamp: string;
  readonly txId: string;
}

/** A record's latest version and every version, oldest first. */
export interface RecordHistory {
  readonly head: RecordAnchor;
  readonly versions: readonly RecordAnchor[];
}

/** Outcome of VerifyRecord. */
export interface RecordVerification {
  readonly verified: boolean;
  readonly reason: 'MATCH' | 'HASH_MISMATCH';
  /** The anchor compared against. */
  readonly anchor?: RecordAnchor;
}

/**
 * A batch of record hashes anchored by its RFC 6962 Merkle root (public; no per-item state: the
 * items travel as transient data and stay with the anchoring organization).
 */
export interface Batch {
  readonly batchId: string;
  /** RFC 6962 Merkle tree hash of the items' salted leaves, hex. */
  readonly root: string;
  readonly size: number;
  readonly owner: string;
  /** Identity hash of who anchored it. */
  readonly anchoredBy: string;
  readonly timestamp: string;
  readonly txId: string;
}

/** Outcome of VerifyBatchMember. */
export interface BatchMemberVerification {
  readonly verified: boolean;
  readonly reason: 'MATCH' | 'PROOF_MISMATCH' | 'LEAF_INDEX_OUT_OF_RANGE';
  readonly batch?: Batch;
}

/** The most anchors FindAnchorsByHash answers for one hash. */
export const MAX_HASH_MATCHES = 100;

/** One anchored version whose hash was looked up (FindAnchorsByHash). */
export interface HashMatch {
  /** The anchor, public fields only (no patient or category, whoever asks). */
  readonly anchor: RecordAnchor;
  /** The record's latest version: `anchor.version` when this is still the latest, else superseded. */
  readonly latestVersion: number;
}

/** Outcome of FindAnchorsByHash: every anchored version with the hash, by owner, record, version. */
export interface HashMatches {
  readonly sha256: string;
  readonly matches: readonly HashMatch[];
  /** More than {@link MAX_HASH_MATCHES} versions have the hash: the first ones are answered. */
  readonly truncated: boolean;
}

/** A page of record anchors (each record's latest version). */
export type RecordAnchorPage = Page<RecordAnchor>;

/** A record hash to anchor (AnchorRecord). */
export interface RecordItem {
  readonly recordId: string;
  readonly patientId: string;
  readonly category: Category;
  readonly sha256: string;
}

/**
 * One item of a batch: its Merkle leaf is the sorted-key JSON of these fields. The salt (16 random
 * bytes, base64url) keeps a leaf's hash from revealing a guessable reading (a heart rate) to
 * whoever holds a sibling's audit path; the anchoring organization keeps it with the item and hands
 * it out with the item's proof.
 */
export interface BatchItem extends RecordItem {
  readonly salt: string;
}

/** The most items one AnchorBatch takes. */
export const MAX_BATCH_ITEMS = 100_000;

/** AnchorBatch's input: 1 to {@link MAX_BATCH_ITEMS} items with distinct record IDs. */
export interface BatchInput {
  /** Derived from the transaction (`bat-...`) when absent. */
  readonly batchId?: string;
  readonly items: readonly BatchItem[];
}

/** VerifyBatchMember's input: an item, its position and its audit path (hex, leaf to root). */
export interface BatchMemberClaim {
  readonly batchId: string;
  readonly item: BatchItem;
  readonly leafIndex: number;
  readonly auditPath: readonly string[];
}

/** QueryAnchors' filter. */
export interface AnchorQuery {
  readonly patientId?: string;
  readonly org?: string;
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** Payload of the chaincode event RecordAnchored (public, as the anchor is). */
export interface RecordAnchoredPayload {
  readonly recordId: string;
  readonly version: number;
  readonly owner: string;
  readonly sha256: string;
  readonly timestamp: string;
}

/** Payload of the chaincode event BatchAnchored (public, as the batch is). */
export interface BatchAnchoredPayload {
  readonly batchId: string;
  readonly root: string;
  readonly size: number;
  readonly owner: string;
  readonly timestamp: string;
}

/** The chaincode events of the records contract. */
export interface RecordsEvents {
  readonly RecordAnchored: RecordAnchoredPayload;
  readonly BatchAnchored: BatchAnchoredPayload;
}

/** Record integrity anchors (contract `records`). */
export interface RecordsTransactions {
  /** Anchors a record's hash: version 1 by its owner, later versions endorsed by the owner. */
  'records:AnchorRecord': Submit<[record: RecordItem], RecordAnchor>;
  /** Anchors a batch of hashes by its Merkle root. */
  'records:AnchorBatch': Submit<[batch: BatchInput], Batch>;
  /**
   * Compares a hash with a record's latest version, or with `version` (empty: the latest), of the
   * record of `owner` (empty: the caller's organization): record IDs are scoped by their owner.
   */
  'records:VerifyRecord': Evaluate<
    [recordId: string, sha256: string, version: string, owner: string],
    RecordVerification
  >;
  /** Checks an item's inclusion proof against its batch's root. */
  'records:VerifyBatchMember': Evaluate<[member: BatchMemberClaim], BatchMemberVerification>;
  /**
   * Every anchored version of every record (of any owner) whose hash is `sha256`: a document found
   * by its content alone, without its record ID.
   */
  'records:FindAnchorsByHash': Evaluate<[sha256: string], HashMatches>;
  /** A record's head and every version, of the record of `owner` (empty: the caller's organization). */
  'records:GetRecord': Evaluate<[recordId: string, owner: string], RecordHistory>;
  /** One batch. */
  'records:GetBatch': Evaluate<[batchId: string], Batch>;
  /** A page of records' latest versions, scoped to the caller. */
  'records:QueryAnchors': Evaluate<[query: AnchorQuery], RecordAnchorPage>;
}

/** Who may call the records contract's transactions. */
export const RECORDS_ACCESS: AccessRules<RecordsTransactions> = {
  'records:AnchorRecord': {
    grants: ANCHORERS,
    scope:
      "the caller's organization's own record of the ID (record IDs are scoped by their owner); enterprises: category wearable, with the patient's active permit to the organization",
  },
  'records:AnchorBatch': { grants: ANCHORERS, scope: 'as AnchorRecord, for every item' },
  'records:VerifyRecord': {
    grants: EVERYONE,
    scope: "the record of the owner named (the caller's organization by default)",
  },
  'records:FindAnchorsByHash': {
    grants: EVERYONE,
    scope: 'public anchors only: no patient or category is answered',
  },
  'records:VerifyBatchMember': { grants: EVERYONE, scope: 'patients only their own records' },
  'records:GetRecord': {
    grants: EVERYONE,
    scope: "the record of the owner named (the caller's organization by default)",
  },
  'records:GetBatch': { grants: EVERYONE },
  'records:QueryAnchors': {
    grants: EVERYONE,
    scope: "patients their own; the regulator all; others their organization's",
  },
};

/** What POST /records answers. */
export interface AnchorResult {
  readonly recordId: string;
  readonly version: number;
  readonly txId: string;
  readonly anchor: RecordAnchor;
}

/** The inclusion proof of one batch item. */
export interface BatchProof {
  readonly recordId: string;
  /** The item's salt (part of its leaf), kept by the anchoring organization and handed out here. */
  readonly salt: string;
  readonly leafIndex: number;
  /** Sibling hashes (hex) from the leaf up to the root. */
  readonly auditPath: readonly string[];
}

/** What POST /records/batches answers: the root and every item's proof. */
export interface BatchResult {
  readonly batchId: string;
  readonly root: string;
  readonly size: number;
  readonly txId: string;
  readonly proofs: readonly BatchProof[];
}

/**
 * A batch member's proof as the anchoring organization hands it out, for verifying at another
 * organization's gateway (POST /records/verify, `batchProof`).
 */
export interface BatchMemberProof {
  readonly batchId: string;
  readonly patientId: string;
  readonly category: Category;
  readonly salt: string;
  readonly leafIndex: number;
  readonly auditPath: readonly string[];
}

/** What POST /records/verify answers. */
export interface VerifyResult {
  readonly verified: boolean;
  readonly reason: RecordVerification['reason'] | BatchMemberVerification['reason'];
  /** The record anchor, or the batch, the digest was checked against. */
  readonly anchor?: RecordAnchor | Batch;
  /** For a batch member: the proof that was checked. */
  readonly proof?: BatchProof & { readonly batchId: string; readonly root: string };
}

/**
 * One anchor of a document found by its content alone (GET /records/by-hash/:sha256): a record
 * version anchored on its own (any owner's, from the ledger), or an item of a batch the answering
 * gateway's organization anchored (from its batch store, checked against the batch's root).
 */
export interface ContentMatch {
  readonly kind: 'record' | 'batch';
  /** The organization that anchored it (the record's owner). */
  readonly owner: string;
  readonly recordId: string;
  /** The record's version (`record` matches). */
  readonly version?: number;
  /** The record's latest version (`record` matches). */
  readonly latestVersion?: number;
  /**
   * Still the latest anchor of the record: for a version, no later version; for a batch item, no
   * later batch of this organization holding the record ID.
   */
  readonly latest: boolean;
  /** The batch (`batch` matches). */
  readonly batchId?: string;
  /** When the ledger anchored it (the transaction's time). */
  readonly timestamp: string;
  readonly txId: string;
}

/** What GET /records/by-hash/:sha256 answers: every anchor found, records first. */
export interface ContentLookup {
  readonly sha256: string;
  readonly matches: readonly ContentMatch[];
  /** More anchors have this content than were answered. */
  readonly truncated: boolean;
}

import { CATEGORIES, type BatchItem, type Category } from '@consent-ledger/ledger-api';
import {
  addColumnIfMissing,
  numberOf,
  textOf,
  type Database,
  type Row,
} from '../storage/database.js';

/** A batch this gateway anchored, with its items (and their salts) in leaf order. */
export interface StoredBatch {
  readonly batchId: string;
  readonly root: string;
  readonly size: number;
  readonly txId: string;
  readonly createdAt: string;
}

/** Where a record sits in a stored batch. */
export interface BatchMembership {
  readonly batch: StoredBatch;
  readonly leafIndex: number;
  readonly item: BatchItem;
}

/** The batches this gateway anchored, kept so that proofs can be served later. */
export interface BatchStore {
  save(batch: StoredBatch, items: readonly BatchItem[]): void;
  /** The latest stored batch holding `recordId`. */
  findMembership(recordId: string): BatchMembership | undefined;
  /** Every item of a batch, in leaf order. */
  items(batchId: string): BatchItem[];
  /** The stored items whose hash is `sha256`, newest batch first, at most `limit`. */
  findByHash(sha256: string, limit: number): BatchMembership[];
}

/** Injection token of the {@link BatchStore}. */
export const BATCH_STORE = Symbol('BATCH_STORE');

function categoryOf(row: Row): Category {
  const value = textOf(row, 'category');
  const category = CATEGORIES.find((each) => each === value);
  if (category === undefined) throw new Error(`the batch store holds an unknown category ${value}`);
  return category;
}

const MEMBERSHIP_QUERY = `SELECT b.batch_id, b.root, b.size, b.tx_id, b.created_at, i.leaf_index, i.record_id, i.patient_id, i.category, i.sha256, i.salt
  FROM record_batch_items i JOIN record_batches b ON b.batch_id = i.batch_id`;

function membershipOf(row: Row): BatchMembership {
  return {
    batch: {
      batchId: textOf(row, 'batch_id'),
      root: textOf(row, 'root'),
      size: numberOf(row, 'size'),
      txId: textOf(row, 'tx_id'),
      createdAt: textOf(row, 'created_at'),
    },
    leafIndex: numberOf(row, 'leaf_index'),
    item: {
      recordId: textOf(row, 'record_id'),
      patientId: textOf(row, 'patient_id'),
      category: categoryOf(row),
      sha256: textOf(row, 'sha256'),
      salt: textOf(row, 'salt'),
    },
  };
}

class SqliteBatchStore implements BatchStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    db.sql.exec(`CREATE TABLE IF NOT EXISTS record_batches (
      batch_id TEXT PRIMARY KEY,
      root TEXT NOT NULL,
      size INTEGER NOT NULL,
      tx_id TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS record_batch_items (
      batch_id TEXT NOT NULL REFERENCES record_batches (batch_id) ON DELETE CASCADE,
      leaf_index INTEGER NOT NULL,
      record_id TEXT NOT NULL,
      patient_id TEXT NOT NULL,
      category TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      salt TEXT NOT NULL,
      PRIMARY KEY (batch_id, leaf_index)
    ) STRICT;
    CREATE INDEX IF NOT EXISTS record_batch_items_record ON record_batch_items (record_id);
    CREATE INDEX IF NOT EXISTS record_batch_items_sha256 ON record_batch_items (sha256)`);
    // A store from before items were salted: its leaves had no salt (an empty one here).
    addColumnIfMissing(db, {
      table: 'record_batch_items',
      column: 'salt',
      definition: "TEXT NOT NULL DEFAULT ''",
    });
  }

  save(batch: StoredBatch, items: readonly BatchItem[]): void {
    this.#db.transaction(() => {
      this.#db.run(
        'INSERT INTO record_batches (batch_id, root, size, tx_id, created_at) VALUES (?, ?, ?, ?, ?)',
        batch.batchId,
        batch.root,
        batch.size,
        batch.txId,
        batch.createdAt,
      );
      const insert = this.#db.sql.prepare(
        'INSERT INTO record_batch_items (batch_id, leaf_index, record_id, patient_id, category, sha256, salt) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      for (const [index, item] of items.entries())
        insert.run(
          batch.batchId,
          index,
          item.recordId,
          item.patientId,
          item.category,
          item.sha256,
          item.salt,
        );
    });
  }

  findMembership(recordId: string): BatchMembership | undefined {
    const row = this.#db.get(
      `${MEMBERSHIP_QUERY} WHERE i.record_id = ? ORDER BY b.created_at DESC, b.rowid DESC LIMIT 1`,
      recordId,
    );
    return row === undefined ? undefined : membershipOf(row);
  }

  findByHash(sha256: string, limit: number): BatchMembership[] {
    return this.#db
      .all(
        `${MEMBERSHIP_QUERY} WHERE i.sha256 = ? ORDER BY b.created_at DESC, b.rowid DESC, i.leaf_index LIMIT ?`,
        sha256,
        limit,
      )
      .map(membershipOf);
  }

  items(batchId: string): BatchItem[] {
    return this.#db
      .all(
        'SELECT record_id, patient_id, category, sha256, salt FROM record_batch_items WHERE batch_id = ? ORDER BY leaf_index',
        batchId,
      )
      .map((row) => ({
        recordId: textOf(row, 'record_id'),
        patientId: textOf(row, 'patient_id'),
        category: categoryOf(row),
        sha256: textOf(row, 'sha256'),
        salt: textOf(row, 'salt'),
      }));
  }
}

/** The record batch tables of the gateway's database. */
export function createBatchStore(db: Database): BatchStore {
  return new SqliteBatchStore(db);
}

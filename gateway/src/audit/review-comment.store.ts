import { createHash } from 'node:crypto';
import { textOf, type Database } from '../storage/database.js';

/**
 * The regulator's comments on its break-glass reviews, kept in the regulator's gateway only: the
 * ledger holds just each comment's salted commitment (ledger-api ReviewInput.commentHash).
 */

/** A review comment with what proves it against the ledger. */
export interface ReviewComment {
  readonly eventId: string;
  readonly comment: string;
  /**
   * 16 random bytes, base64url: the commitment's salt. The commitment itself is not kept: it is
   * {@link reviewCommentHash} of this salt and the comment, recomputed to check the ledger's.
   */
  readonly salt: string;
  /** The reviewer's username at this gateway. */
  readonly reviewer: string;
  readonly txId: string;
  readonly reviewedAt: string;
}

/** The stored review comments. */
export interface ReviewCommentStore {
  /** Keeps a comment once its review is on the ledger. */
  save(comment: ReviewComment): void;
  find(eventId: string): ReviewComment | undefined;
}

/** Injection token of the {@link ReviewCommentStore}. */
export const REVIEW_COMMENT_STORE = Symbol('REVIEW_COMMENT_STORE');

/** The commitment to a comment: SHA-256 of the salt's bytes, then the comment's (NFC) UTF-8, hex. */
export function reviewCommentHash(input: Readonly<{ salt: string; comment: string }>): string {
  return createHash('sha256')
    .update(Buffer.from(input.salt, 'base64url'))
    .update(input.comment.normalize('NFC'), 'utf8')
    .digest('hex');
}

class SqliteReviewCommentStore implements ReviewCommentStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    db.sql.exec(`CREATE TABLE IF NOT EXISTS review_comments (
      event_id TEXT PRIMARY KEY,
      comment TEXT NOT NULL,
      salt TEXT NOT NULL,
      reviewer TEXT NOT NULL,
      tx_id TEXT NOT NULL,
      reviewed_at TEXT NOT NULL
    ) STRICT`);
  }

  save(comment: ReviewComment): void {
    // A ledger review happens once per event: a row for it can only be from a reset ledger.
    this.#db.run(
      `INSERT OR REPLACE INTO review_comments
        (event_id, comment, salt, reviewer, tx_id, reviewed_at)
        VALUES (?, ?, ?, ?, ?, ?)`,
      comment.eventId,
      comment.comment,
      comment.salt,
      comment.reviewer,
      comment.txId,
      comment.reviewedAt,
    );
  }

  find(eventId: string): ReviewComment | undefined {
    const row = this.#db.get('SELECT * FROM review_comments WHERE event_id = ?', eventId);
    return row === undefined
      ? undefined
      : {
          eventId: textOf(row, 'event_id'),
          comment: textOf(row, 'comment'),
          salt: textOf(row, 'salt'),
          reviewer: textOf(row, 'reviewer'),
          txId: textOf(row, 'tx_id'),
          reviewedAt: textOf(row, 'reviewed_at'),
        };
  }
}

/** The review comment store over the gateway's database. */
export function createReviewCommentStore(db: Database): ReviewCommentStore {
  return new SqliteReviewCommentStore(db);
}

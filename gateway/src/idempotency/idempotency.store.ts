import {
  addColumnIfMissing,
  numberOf,
  optionalTextOf,
  textOf,
  type Database,
} from '../storage/database.js';

/** Where a request with an Idempotency-Key stands. */
export type IdempotencyClaim =
  | { readonly state: 'new' }
  | { readonly state: 'in-flight' }
  | { readonly state: 'mismatch' }
  | ({ readonly state: 'done' } & IdempotentResult);

/** The first answer to a request, as it is kept for replays. */
export interface IdempotentResult {
  readonly status: number;
  readonly body: unknown;
  /** The block its writes were committed in (`Ledger-Block`), if it committed any. */
  readonly ledgerBlock?: bigint | undefined;
}

/** One request's key: per user, with a fingerprint of what was asked. */
export interface IdempotencyKey {
  readonly owner: string;
  readonly key: string;
  readonly fingerprint: string;
}

/** Stored first results of POSTs that carried an Idempotency-Key, per user. */
export interface IdempotencyStore {
  /** Claims a key: `new` (the caller must then complete or release it), or what is already there. */
  claim(key: IdempotencyKey): IdempotencyClaim;
  complete(key: IdempotencyKey, result: IdempotentResult): void;
  /** Forgets a claim whose request failed, so that it can be retried. */
  release(key: IdempotencyKey): void;
  /** Drops claims left in flight by a previous process. */
  releaseAllInFlight(): number;
}

/** Injection token of the {@link IdempotencyStore}. */
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');

/** How long a stored result is replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

class SqliteIdempotencyStore implements IdempotencyStore {
  readonly #db: Database;
  readonly #now: () => number;

  constructor(db: Database, now: () => number) {
    this.#db = db;
    this.#now = now;
    db.sql.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      owner TEXT NOT NULL,
      key TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('in-flight', 'done')),
      status INTEGER,
      body TEXT,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (owner, key)
    ) STRICT;
    CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_at)`);
    // Added with read-your-writes (ledger-position.ts): a database from before has no such column.
    addColumnIfMissing(db, {
      table: 'idempotency_keys',
      column: 'ledger_block',
      definition: 'TEXT',
    });
  }

  claim(key: IdempotencyKey): IdempotencyClaim {
    return this.#db.transaction(() => {
      const now = this.#now();
      this.#db.run('DELETE FROM idempotency_keys WHERE created_at < ?', now - IDEMPOTENCY_TTL_MS);
      const row = this.#db.get(
        'SELECT fingerprint, state, status, body, ledger_block FROM idempotency_keys WHERE owner = ? AND key = ?',
        key.owner,
        key.key,
      );
      if (row === undefined) {
        this.#db.run(
          `INSERT INTO idempotency_keys (owner, key, fingerprint, state, created_at) VALUES (?, ?, ?, 'in-flight', ?)`,
          key.owner,
          key.key,
          key.fingerprint,
          now,
        );
        return { state: 'new' };
      }
      if (textOf(row, 'fingerprint') !== key.fingerprint) return { state: 'mismatch' };
      if (textOf(row, 'state') === 'in-flight') return { state: 'in-flight' };
      const body = optionalTextOf(row, 'body');
      const ledgerBlock = optionalTextOf(row, 'ledger_block');
      return {
        state: 'done',
        status: numberOf(row, 'status'),
        body: body === undefined ? undefined : (JSON.parse(body) as unknown),
        ...(ledgerBlock === undefined ? {} : { ledgerBlock: BigInt(ledgerBlock) }),
      };
    });
  }

  complete(key: IdempotencyKey, result: IdempotentResult): void {
    this.#db.run(
      `UPDATE idempotency_keys SET state = 'done', status = ?, body = ?, ledger_block = ? WHERE owner = ? AND key = ?`,
      result.status,
      result.body === undefined ? null : JSON.stringify(result.body),
      result.ledgerBlock === undefined ? null : result.ledgerBlock.toString(),
      key.owner,
      key.key,
    );
  }

  release(key: IdempotencyKey): void {
    this.#db.run(
      `DELETE FROM idempotency_keys WHERE owner = ? AND key = ? AND state = 'in-flight'`,
      key.owner,
      key.key,
    );
  }

  releaseAllInFlight(): number {
    return this.#db.run(`DELETE FROM idempotency_keys WHERE state = 'in-flight'`).changes;
  }
}

/** The idempotency table of the gateway's database. */
export function createIdempotencyStore(
  db: Database,
  now: () => number = Date.now,
): IdempotencyStore {
  return new SqliteIdempotencyStore(db, now);
}

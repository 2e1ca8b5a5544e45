import { numberOf, optionalTextOf, textOf, type Database, type Row } from '../storage/database.js';

/** A sign-in session: what its access tokens (`sid`) and its refresh token belong to. */
export interface SessionRecord {
  readonly id: string;
  readonly username: string;
  /** SHA-256 (base64url) of the current refresh secret. */
  readonly refreshHash: string;
  /** SHA-256 of the secret it replaced: presenting that one again means the token was copied. */
  readonly previousHash?: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** The session's absolute end. */
  readonly expiresAt: number;
  readonly lastUsedAt: number;
  /** When it was ended (logout, revocation); absent while open. */
  readonly endedAt?: number;
  readonly endReason?: string;
}

/** The sessions table of the gateway's database. */
export interface SessionsStore {
  insert(session: SessionRecord): void;
  find(id: string): SessionRecord | undefined;
  /** Replaces the refresh secret if it is still `expectedHash` (false: someone rotated first). */
  rotate(
    id: string,
    change: Readonly<{ expectedHash: string; refreshHash: string; usedAt: number }>,
  ): boolean;
  /** Ends one open session; false when it was not open. */
  end(id: string, at: number, reason: string): boolean;
  /** Ends every open session of a user; the number ended. */
  endAll(username: string, at: number, reason: string): number;
  /** Open, unexpired sessions per user. */
  openCounts(now: number): ReadonlyMap<string, number>;
  /** Deletes sessions ended or expired before `before`. */
  prune(before: number): number;
}

function toSession(row: Row): SessionRecord {
  const previousHash = optionalTextOf(row, 'previous_hash');
  const endReason = optionalTextOf(row, 'end_reason');
  const endedAt = row.ended_at;
  return {
    id: textOf(row, 'id'),
    username: textOf(row, 'username'),
    refreshHash: textOf(row, 'refresh_hash'),
    ...(previousHash === undefined ? {} : { previousHash }),
    createdAt: numberOf(row, 'created_at'),
    expiresAt: numberOf(row, 'expires_at'),
    lastUsedAt: numberOf(row, 'last_used_at'),
    ...(endedAt === null || endedAt === undefined ? {} : { endedAt: numberOf(row, 'ended_at') }),
    ...(endReason === undefined ? {} : { endReason }),
  };
}

class SqliteSessionsStore implements SessionsStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    db.sql.exec(`CREATE TABLE IF NOT EXISTS sessions (
      id TEXT PRIMARY KEY,
      username TEXT NOT NULL,
      refresh_hash TEXT NOT NULL,
      previous_hash TEXT,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      last_used_at INTEGER NOT NULL,
      ended_at INTEGER,
      end_reason TEXT
    ) STRICT`);
    db.sql.exec('CREATE INDEX IF NOT EXISTS sessions_user ON sessions (username, ended_at)');
  }

  insert(session: SessionRecord): void {
    this.#db.run(
      `INSERT INTO sessions (id, username, refresh_hash, created_at, expires_at, last_used_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      session.id,
      session.username,
      session.refreshHash,
      session.createdAt,
      session.expiresAt,
      session.lastUsedAt,
    );
  }

  find(id: string): SessionRecord | undefined {
    const row = this.#db.get('SELECT * FROM sessions WHERE id = ?', id);
    return row === undefined ? undefined : toSession(row);
  }

  rotate(
    id: string,
    change: Readonly<{ expectedHash: string; refreshHash: string; usedAt: number }>,
  ): boolean {
    return (
      this.#db.run(
        `UPDATE sessions SET previous_hash = refresh_hash, refresh_hash = ?, last_used_at = ?
         WHERE id = ? AND refresh_hash = ? AND ended_at IS NULL`,
        change.refreshHash,
        change.usedAt,
        id,
        change.expectedHash,
      ).changes === 1
    );
  }

  end(id: string, at: number, reason: string): boolean {
    return (
      this.#db.run(
        'UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL',
        at,
        reason,
        id,
      ).changes === 1
    );
  }

  endAll(username: string, at: number, reason: string): number {
    return this.#db.run(
      'UPDATE sessions SET ended_at = ?, end_reason = ? WHERE username = ? AND ended_at IS NULL',
      at,
      reason,
      username,
    ).changes;
  }

  openCounts(now: number): ReadonlyMap<string, number> {
    const rows = this.#db.all(
      `SELECT username, COUNT(*) AS open FROM sessions
       WHERE ended_at IS NULL AND expires_at > ? GROUP BY username`,
      now,
    );
    return new Map(rows.map((row) => [textOf(row, 'username'), numberOf(row, 'open')]));
  }

  prune(before: number): number {
    return this.#db.run(
      'DELETE FROM sessions WHERE (ended_at IS NOT NULL AND ended_at < ?) OR expires_at < ?',
      before,
      before,
    ).changes;
  }
}

/** The sessions table of the gateway's database. */
export function createSessionsStore(db: Database): SessionsStore {
  return new SqliteSessionsStore(db);
}

/** Injection token of the {@link SessionsStore}. */
export const SESSIONS_STORE = Symbol('SESSIONS_STORE');

import { openEntry, sealEntry } from '../ledger/encrypted-wallet.store.js';
import { blobOf, textOf, type Database } from '../storage/database.js';

/** A gateway session opened through the identity provider: whom it vouched for, and its grant. */
export interface IdpSessionRecord {
  readonly sessionId: string;
  readonly issuer: string;
  readonly subject: string;
  /** The provider's current refresh token (stored sealed with the wallet key). */
  readonly refreshToken: string;
}

/** The gateway sessions opened through the identity provider, in the gateway's database. */
export interface IdpSessionsStore {
  insert(record: IdpSessionRecord): void;
  find(sessionId: string): IdpSessionRecord | undefined;
  /** Replaces the provider's refresh token of a session (it rotates at some providers). */
  updateRefreshToken(sessionId: string, refreshToken: string): void;
  /** Forgets a session's grant (the session ended). */
  remove(sessionId: string): void;
  /**
   * Forgets the grants of every session that is no longer open at `now`: ended, expired or gone.
   */
  removeEnded(now: number): void;
  /** Forgets the grants of a user's ended sessions (after "end all sessions"). */
  removeEndedOf(username: string): void;
}

/** Options of {@link createIdpSessionsStore}. */
export interface IdpSessionsStoreOptions {
  readonly db: Database;
  /** The wallet key: the provider's refresh tokens are sealed with it (AES-256-GCM). */
  readonly key: Buffer;
}

const labelOf = (sessionId: string): string => `idp-session:${sessionId}`;

class SqliteIdpSessionsStore implements IdpSessionsStore {
  readonly #db: Database;
  readonly #key: Buffer;

  constructor(options: Readonly<IdpSessionsStoreOptions>) {
    this.#db = options.db;
    this.#key = options.key;
    this.#db.sql.exec(`CREATE TABLE IF NOT EXISTS idp_sessions (
      session_id TEXT PRIMARY KEY,
      issuer TEXT NOT NULL,
      subject TEXT NOT NULL,
      refresh_sealed BLOB NOT NULL
    ) STRICT`);
  }

  insert(record: IdpSessionRecord): void {
    this.#db.run(
      'INSERT INTO idp_sessions (session_id, issuer, subject, refresh_sealed) VALUES (?, ?, ?, ?)',
      record.sessionId,
      record.issuer,
      record.subject,
      this.#seal(record.sessionId, record.refreshToken),
    );
  }

  find(sessionId: string): IdpSessionRecord | undefined {
    const row = this.#db.get('SELECT * FROM idp_sessions WHERE session_id = ?', sessionId);
    if (row === undefined) return undefined;
    return {
      sessionId,
      issuer: textOf(row, 'issuer'),
      subject: textOf(row, 'subject'),
      refreshToken: openEntry(
        this.#key,
        labelOf(sessionId),
        blobOf(row, 'refresh_sealed'),
      ).toString('utf8'),
    };
  }

  updateRefreshToken(sessionId: string, refreshToken: string): void {
    this.#db.run(
      'UPDATE idp_sessions SET refresh_sealed = ? WHERE session_id = ?',
      this.#seal(sessionId, refreshToken),
      sessionId,
    );
  }

  remove(sessionId: string): void {
    this.#db.run('DELETE FROM idp_sessions WHERE session_id = ?', sessionId);
  }

  removeEnded(now: number): void {
    this.#db.run(
      `DELETE FROM idp_sessions WHERE session_id NOT IN
         (SELECT id FROM sessions WHERE ended_at IS NULL AND expires_at > ?)`,
      now,
    );
  }

  removeEndedOf(username: string): void {
    this.#db.run(
      `DELETE FROM idp_sessions WHERE session_id IN
         (SELECT id FROM sessions WHERE username = ? AND ended_at IS NOT NULL)`,
      username,
    );
  }

  #seal(sessionId: string, refreshToken: string): Buffer {
    return sealEntry(this.#key, labelOf(sessionId), Buffer.from(refreshToken, 'utf8'));
  }
}

/** The idp_sessions table of the gateway's database. */
export function createIdpSessionsStore(
  options: Readonly<IdpSessionsStoreOptions>,
): IdpSessionsStore {
  return new SqliteIdpSessionsStore(options);
}

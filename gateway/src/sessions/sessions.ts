import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Subject, type Observable } from 'rxjs';
import { UnauthenticatedError } from '../common/errors.js';
import type { SessionRecord, SessionsStore } from './sessions.store.js';

/** A session just opened: its ID (the tokens' `sid`) and first refresh token. */
export interface OpenedSession {
  readonly id: string;
  readonly refreshToken: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/** A session refreshed: the session and the refresh token that replaces the one presented. */
export interface RefreshedSession {
  readonly session: SessionRecord;
  readonly refreshToken: string;
}

/** What ended: one session, or every session of a user. */
export type SessionEnd =
  { readonly sessionId: string; readonly username: string } | { readonly username: string };

/**
 * Sign-in sessions: each login (or patient activation) opens one; its short-lived access tokens
 * name it (`sid`) and are honoured only while it is open; its refresh token rotates on every use.
 * Logout, "end all sessions" and disabling a user end sessions at once, and {@link ended} tells
 * the live streams.
 */
export interface Sessions {
  open(username: string): OpenedSession;
  /**
   * Exchanges a refresh token for its replacement. UNAUTHENTICATED when it is unknown, the session
   * ended, expired or sat idle too long; a token that was already exchanged ends the session (a
   * copy is in someone else's hands).
   */
  refresh(refreshToken: string): RefreshedSession;
  /**
   * The open, unexpired session whose current refresh token this is, changing nothing; undefined
   * for anything else (so a check before {@link refresh} cannot be started with a stale token).
   */
  sessionOf(refreshToken: string): SessionRecord | undefined;
  /** Whether session `id` is open for `username` now (checked on every request). */
  isOpen(id: string, username: string): boolean;
  /** Ends one session; false when it was not open. */
  end(id: string, reason: string): boolean;
  /** Ends every open session of a user; the number ended. */
  endAll(username: string, reason: string): number;
  /** Open sessions per user. */
  openCounts(): ReadonlyMap<string, number>;
  /** Sessions as they are ended. */
  readonly ended: Observable<SessionEnd>;
  /**
   * The hourly prunes of ended and expired sessions, with the time each ran (milliseconds since
   * the epoch): what is kept per session is pruned with them.
   */
  readonly pruned: Observable<number>;
}

/** Options of {@link createSessions}. */
export interface SessionsOptions {
  readonly store: SessionsStore;
  /** A session's absolute lifetime, in seconds. */
  readonly ttlSeconds: number;
  /** The longest pause between refreshes, in seconds. */
  readonly idleSeconds: number;
  /** The clock (milliseconds since the epoch); Date.now by default. */
  readonly now?: () => number;
}

/** Injection token of {@link Sessions}. */
export const SESSIONS = Symbol('SESSIONS');

/** Ended sessions are kept this long (for the admin's counts and investigations), then pruned. */
const KEEP_ENDED_MS = 30 * 24 * 3600 * 1000;
/** How often opening a session also prunes. */
const PRUNE_EVERY_MS = 3600 * 1000;

const hashOf = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

const sameHash = (a: string, b: string | undefined): boolean =>
  b?.length === a.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Whether a session is neither ended nor expired at `now`. */
const live = (session: SessionRecord, now: number): boolean =>
  session.endedAt === undefined && session.expiresAt > now;

const invalid = (): UnauthenticatedError =>
  new UnauthenticatedError('the refresh token is not valid: sign in again');

/** A refresh token's session, found by the token's ID, and the hash of the secret presented. */
interface Presented {
  readonly id: string;
  readonly session: SessionRecord;
  readonly presented: string;
}

class StoredSessions implements Sessions {
  readonly #store: SessionsStore;
  readonly #ttlMs: number;
  readonly #idleMs: number;
  readonly #now: () => number;
  readonly #ended = new Subject<SessionEnd>();
  readonly #pruned = new Subject<number>();
  #prunedAt = Number.NEGATIVE_INFINITY;
  readonly ended: Observable<SessionEnd> = this.#ended.asObservable();
  readonly pruned: Observable<number> = this.#pruned.asObservable();

  constructor(options: Readonly<SessionsOptions>) {
    this.#store = options.store;
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#idleMs = options.idleSeconds * 1000;
    this.#now = options.now ?? Date.now;
  }

  open(username: string): OpenedSession {
    const now = this.#now();
    // The prune scans the table: once an hour is enough, not at every login.
    if (now - this.#prunedAt > PRUNE_EVERY_MS) {
      this.#store.prune(now - KEEP_ENDED_MS);
      this.#prunedAt = now;
      this.#pruned.next(now);
    }
    const id = randomBytes(16).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = now + this.#ttlMs;
    this.#store.insert({
      id,
      username,
      refreshHash: hashOf(secret),
      createdAt: now,
      expiresAt,
      lastUsedAt: now,
    });
    return { id, refreshToken: `${id}.${secret}`, expiresAt };
  }

  refresh(refreshToken: string): RefreshedSession {
    const found = this.#presented(refreshToken);
    if (found === undefined) throw invalid();
    const { id, session, presented } = found;
    const now = this.#now();
    if (!live(session, now)) throw new UnauthenticatedError('the session has ended: sign in again');
    if (sameHash(presented, session.previousHash)) {
      this.end(id, 'refresh token reused');
      throw new UnauthenticatedError(
        'this refresh token was already used, so the session has been ended: sign in again',
      );
    }
    if (!sameHash(presented, session.refreshHash)) throw invalid();
    if (now - session.lastUsedAt > this.#idleMs) {
      this.end(id, 'idle');
      throw new UnauthenticatedError('the session was idle too long: sign in again');
    }
    const next = randomBytes(32).toString('base64url');
    if (
      !this.#store.rotate(id, { expectedHash: presented, refreshHash: hashOf(next), usedAt: now })
    )
      throw invalid();
    return {
      session: { ...session, previousHash: presented, refreshHash: hashOf(next), lastUsedAt: now },
      refreshToken: `${id}.${next}`,
    };
  }

  sessionOf(refreshToken: string): SessionRecord | undefined {
    const found = this.#presented(refreshToken);
    if (found === undefined || !live(found.session, this.#now())) return undefined;
    return sameHash(found.presented, found.session.refreshHash) ? found.session : undefined;
  }

  isOpen(id: string, username: string): boolean {
    const session = this.#store.find(id);
    return session?.username === username && live(session, this.#now());
  }

  end(id: string, reason: string): boolean {
    const session = this.#store.find(id);
    if (session === undefined || !this.#store.end(id, this.#now(), reason)) return false;
    this.#ended.next({ sessionId: id, username: session.username });
    return true;
  }

  endAll(username: string, reason: string): number {
    const ended = this.#store.endAll(username, this.#now(), reason);
    this.#ended.next({ username });
    return ended;
  }

  openCounts(): ReadonlyMap<string, number> {
    return this.#store.openCounts(this.#now());
  }

  /** The session a well-formed refresh token (`id.secret`) names, if any; nothing checked yet. */
  #presented(refreshToken: string): Presented | undefined {
    const [id, secret, extra] = refreshToken.split('.');
    if (id === undefined || secret === undefined || extra !== undefined) return undefined;
    const session = this.#store.find(id);
    return session === undefined ? undefined : { id, session, presented: hashOf(secret) };
  }
}

/** Sessions kept in the gateway's database. */
export function createSessions(options: Readonly<SessionsOptions>): Sessions {
  return new StoredSessions(options);
}

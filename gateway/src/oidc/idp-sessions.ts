import type { Role } from '@consent-ledger/ledger-api';
import { DomainError, OidcRefusedError } from '../common/errors.js';
import { NO_PASSWORD, type UserRecord } from '../identities/users.store.js';
import type { Sessions } from '../sessions/sessions.js';
import type { SessionRecord } from '../sessions/sessions.store.js';
import type { IdpSessionsStore } from './idp-sessions.store.js';
import type { RelyingParty } from './oidc.relying-party.js';
import { roleFromClaims, type RoleMapping } from './oidc-roles.js';

/**
 * The gateway sessions opened through the identity provider, and the check that keeps them
 * honest: at every refresh of such a session (every GATEWAY_JWT_TTL_SECONDS at most, as its
 * access token expires) the gateway uses the provider's refresh token at the provider; when the
 * provider refuses it (the user disabled or deleted there, the grant revoked) or gives another
 * role, the session ends and the refresh is refused (401).
 */
export interface IdpSessions {
  /** Records that gateway session `sessionId` was opened for this provider's user and grant. */
  link(
    record: Readonly<{ sessionId: string; issuer: string; subject: string; refreshToken: string }>,
  ): void;
  /**
   * Checks a session at its provider before its refresh (nothing for a local account's session).
   * OIDC_REFUSED (the session ended) when the provider no longer vouches for the user or changed
   * the role; IDP_UNAVAILABLE (the session kept) when it cannot be reached.
   */
  recheck(session: SessionRecord): Promise<void>;
}

/** Injection token of {@link IdpSessions}. */
export const IDP_SESSIONS = Symbol('IDP_SESSIONS');

/** Options of {@link createIdpSessions}. */
export interface IdpSessionsOptions {
  /** The relying party of the trusted issuer; undefined when none is configured. */
  readonly relyingParty: RelyingParty | undefined;
  /** How the provider's claims give a role; undefined when no provider is configured. */
  readonly roleMapping: RoleMapping | undefined;
  readonly store: IdpSessionsStore;
  readonly sessions: Sessions;
  readonly findUser: (username: string) => UserRecord | undefined;
}

class ProviderSessions implements IdpSessions {
  readonly #options: Readonly<IdpSessionsOptions>;
  /** Checks under way by session: a second refresh waits for the first (the grant rotates). */
  readonly #running = new Map<string, Promise<void>>();

  constructor(options: Readonly<IdpSessionsOptions>) {
    this.#options = options;
    // A session's grant is forgotten when the session ends, and with the hourly prune when it
    // expired.
    options.sessions.ended.subscribe((end) => {
      if ('sessionId' in end) options.store.remove(end.sessionId);
      else options.store.removeEndedOf(end.username);
    });
    options.sessions.pruned.subscribe((now) => {
      options.store.removeEnded(now);
    });
  }

  link(
    record: Readonly<{ sessionId: string; issuer: string; subject: string; refreshToken: string }>,
  ): void {
    this.#options.store.insert(record);
  }

  async recheck(session: SessionRecord): Promise<void> {
    const running = this.#running.get(session.id);
    if (running !== undefined) return running;
    const check = this.#check(session).finally(() => {
      this.#running.delete(session.id);
    });
    this.#running.set(session.id, check);
    return check;
  }

  async #check(session: SessionRecord): Promise<void> {
    const { store, relyingParty, roleMapping, sessions } = this.#options;
    const refuse = (reason: string, cause?: unknown): never => {
      sessions.end(session.id, `identity provider: ${reason}`);
      throw new OidcRefusedError(`${reason}: sign in again`, { cause });
    };
    const linked = store.find(session.id);
    if (linked === undefined) {
      // A provider user's session without its grant cannot be checked: it is not kept.
      if (this.#options.findUser(session.username)?.passwordHash === NO_PASSWORD)
        refuse('the identity provider cannot vouch for this session');
      return;
    }
    if (relyingParty === undefined || roleMapping === undefined)
      return refuse('the identity provider is no longer trusted');
    let answer: Awaited<ReturnType<RelyingParty['refresh']>>;
    try {
      answer = await relyingParty.refresh(linked.refreshToken, linked.subject);
    } catch (error) {
      if (error instanceof OidcRefusedError)
        return refuse('the identity provider signed you out', error);
      throw error;
    }
    store.updateRefreshToken(session.id, answer.refreshToken);
    if (answer.claims === undefined) return;
    let role: Role;
    try {
      role = roleFromClaims(answer.claims, roleMapping);
    } catch (error) {
      if (error instanceof DomainError) return refuse(error.message, error);
      throw error;
    }
    if (this.#options.findUser(session.username)?.role !== role)
      refuse('your role changed at the identity provider');
  }
}

/** The provider-linked sessions, checked with the relying party. */
export function createIdpSessions(options: Readonly<IdpSessionsOptions>): IdpSessions {
  return new ProviderSessions(options);
}

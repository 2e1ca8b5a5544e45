import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccessToken, SignInProviders } from '@consent-ledger/ledger-api';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import {
  NotFoundError,
  OidcRefusedError,
  TooManyRequestsError,
  UnauthenticatedError,
} from '../common/errors.js';
import { GATEWAY_CONFIG, type GatewayConfig, type OidcSettings } from '../config/gateway.config.js';
import { IdentitiesService } from '../identities/identities.service.js';
import { IDP_SESSIONS, type IdpSessions } from './idp-sessions.js';
import { RELYING_PARTY, ROLE_MAPPING } from './oidc.tokens.js';
import type { PendingSignIn, RelyingParty } from './oidc.relying-party.js';
import { roleFromClaims, type RoleMapping } from './oidc-roles.js';

/** A sign-in started: the provider's URL, and the browser binding to set as a cookie. */
export interface StartedRedirect {
  readonly url: string;
  readonly binding: string;
}

/** The cookie that binds a sign-in to the browser that started it. */
export const BINDING_COOKIE = 'cl_oidc';
/** How long a started sign-in waits for its callback. */
export const PENDING_TTL_SECONDS = 600;
/** How long the web app has to collect the tokens of a completed sign-in. */
const HANDOFF_TTL_MS = 60_000;
/** Sign-ins waiting at most at once (a flood of starts cannot grow the gateway's memory). */
const MAX_PENDING = 10_000;

interface Pending extends PendingSignIn {
  readonly bindingHash: Buffer;
  readonly expiresAt: number;
}

const hashOf = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Staff sign-in through the trusted identity provider (Authorization Code with PKCE, the gateway
 * a confidential client): start (a redirect, bound to the browser by a cookie), callback (the ID
 * token verified, its role claim mapped, the staff user provisioned, a gateway session opened and
 * linked to the provider's grant), and the one-time handoff of the session's tokens to the web app.
 */
@Injectable()
export class OidcSignInService {
  readonly #logger = new Logger(OidcSignInService.name);
  readonly #pending = new Map<string, Pending>();
  readonly #handoffs = new Map<string, { tokens: AccessToken; expiresAt: number }>();
  readonly #settings: OidcSettings | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(RELYING_PARTY) private readonly relyingParty: RelyingParty | null,
    @Inject(ROLE_MAPPING) private readonly roleMapping: RoleMapping | null,
    @Inject(IDP_SESSIONS) private readonly idpSessions: IdpSessions,
    private readonly identities: IdentitiesService,
    private readonly auth: AuthService,
  ) {
    this.#settings = config.OIDC;
  }

  providers(): SignInProviders {
    const settings = this.#settings;
    if (settings === undefined) return { local: true };
    return {
      local: true,
      oidc: { name: settings.displayName, issuer: settings.issuer.href, login: '/auth/oidc/login' },
    };
  }

  /** Starts a sign-in: the provider's authorization URL and the browser's binding. */
  async start(): Promise<StartedRedirect> {
    const { relyingParty } = this.#trusted();
    this.#prune();
    if (this.#pending.size >= MAX_PENDING) throw new TooManyRequestsError(60);
    const { url, pending } = await relyingParty.start();
    const binding = randomBytes(32).toString('base64url');
    this.#pending.set(pending.state, {
      ...pending,
      bindingHash: hashOf(binding),
      expiresAt: Date.now() + PENDING_TTL_SECONDS * 1000,
    });
    return { url: url.href, binding };
  }

  /**
   * Completes a sign-in at its callback (`query`: the callback's query string, `binding`: the
   * cookie): a one-time handoff code for the web app. OIDC_REFUSED for an unknown, expired or
   * replayed sign-in, another browser's, or a provider's answer that does not hold;
   * OIDC_ROLE_REFUSED for a missing or unknown role; UNAUTHENTICATED for a user disabled here.
   */
  async complete(query: string, binding: string | undefined): Promise<string> {
    const { relyingParty, settings, roleMapping } = this.#trusted();
    const state = new URLSearchParams(query).get('state') ?? '';
    const pending = this.#pending.get(state);
    // Single use: a replayed callback finds nothing.
    this.#pending.delete(state);
    if (pending === undefined || pending.expiresAt <= Date.now())
      throw new OidcRefusedError('this sign-in is unknown or expired: start it again');
    const presented = hashOf(binding ?? '');
    if (!timingSafeEqual(presented, pending.bindingHash))
      throw new OidcRefusedError('this sign-in was started in another browser: start it again');
    const callback = new URL(settings.redirectUri);
    callback.search = query;
    const { claims, refreshToken } = await relyingParty.complete(callback, pending);
    const role = roleFromClaims(claims, roleMapping);
    const issuer = settings.issuer.href;
    // UNAUTHENTICATED for a user disabled here, before anything reaches the CA.
    const user = await this.identities.provisionExternal({ issuer, subject: claims.sub, role });
    const tokens = await this.auth.issue(user, (sessionId) => {
      this.idpSessions.link({ sessionId, issuer, subject: claims.sub, refreshToken });
    });
    this.#logger.log(`${user.username} signed in through the identity provider as ${role}`);
    const handoff = randomBytes(32).toString('base64url');
    this.#handoffs.set(handoff, { tokens, expiresAt: Date.now() + HANDOFF_TTL_MS });
    return handoff;
  }

  /**
   * The tokens of a completed sign-in, once; UNAUTHENTICATED for an unknown or used code (404
   * when no provider is trusted, like every /auth/oidc route).
   */
  collect(handoff: string): AccessToken {
    this.#trusted();
    this.#prune();
    const entry = this.#handoffs.get(handoff);
    this.#handoffs.delete(handoff);
    if (entry === undefined || entry.expiresAt <= Date.now())
      throw new UnauthenticatedError(
        'this sign-in code is unknown, used or expired: sign in again',
      );
    return entry.tokens;
  }

  #trusted(): { relyingParty: RelyingParty; settings: OidcSettings; roleMapping: RoleMapping } {
    const { relyingParty, roleMapping } = this;
    const settings = this.#settings;
    if (relyingParty === null || roleMapping === null || settings === undefined)
      throw new NotFoundError('NOT_FOUND', 'this gateway trusts no identity provider');
    return { relyingParty, settings, roleMapping };
  }

  /**
   * Forgets expired sign-ins and handoffs. Each map holds its entries in the order they expire
   * (insertion order, one lifetime per map), so the sweep stops at the first live one.
   */
  #prune(): void {
    const now = Date.now();
    for (const entries of [this.#pending, this.#handoffs])
      for (const [key, entry] of entries) {
        if (entry.expiresAt > now) break;
        entries.delete(key);
      }
  }
}

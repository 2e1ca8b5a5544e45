import { randomBytes } from 'node:crypto';
import type { AccessToken, SessionsEnded } from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthenticatedError } from '../common/errors.js';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { IdentitiesService } from '../identities/identities.service.js';
import { IDP_SESSIONS, type IdpSessions } from '../oidc/idp-sessions.js';
import type { UserRecord } from '../identities/users.store.js';
import { SESSIONS, type Sessions } from '../sessions/sessions.js';
import { LOGIN_LIMITS, type AccountAttempt, type LoginLimits } from './login-limits.js';
import { tokenIssuer, type AccessTokenClaims } from './jwt.strategy.js';
import type { Principal } from './principal.js';

/** A login: the credentials and, from a device that signed in before, its device token. */
export interface LoginRequest {
  readonly username: string;
  readonly password: string;
  readonly deviceToken?: string;
}

/** Claims of a device token. */
interface DeviceClaims {
  readonly sub: string;
  readonly did: string;
}

/** How long a device token vouches for a device. */
const DEVICE_TOKEN_TTL_SECONDS = 90 * 86_400;

/**
 * Sign-in: username/password login (with the limits of {@link LoginLimits}), answered with a
 * short-lived access token of a new session and the session's refresh token; refresh, logout and
 * "log out everywhere".
 */
@Injectable()
export class AuthService {
  readonly #deviceAudience: string;

  constructor(
    private readonly identities: IdentitiesService,
    private readonly jwt: JwtService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(ORG_PROFILE) profile: OrgProfile,
    @Inject(SESSIONS) private readonly sessions: Sessions,
    @Inject(LOGIN_LIMITS) private readonly limits: LoginLimits,
    @Inject(IDP_SESSIONS) private readonly idpSessions: IdpSessions,
  ) {
    this.#deviceAudience = `${tokenIssuer(profile)}:device`;
  }

  async login(request: LoginRequest): Promise<AccessToken> {
    const deviceId = await this.#deviceOf(request);
    const attempt: AccountAttempt = {
      username: request.username,
      ...(deviceId === undefined ? {} : { deviceId }),
    };
    await this.limits.assertAccountOpen(attempt);
    const user = await this.identities.authenticate(request.username, request.password);
    if (user === undefined) {
      await this.limits.recordFailure(attempt);
      throw new UnauthenticatedError('wrong username or password');
    }
    await this.limits.recordSuccess(attempt);
    if (user.disabledAt !== undefined)
      throw new UnauthenticatedError(
        "this account is disabled: ask your organization's administrator",
      );
    const deviceToken = await this.jwt.signAsync(
      { did: deviceId ?? randomBytes(12).toString('base64url') } satisfies Omit<
        DeviceClaims,
        'sub'
      >,
      {
        subject: user.username,
        audience: this.#deviceAudience,
        expiresIn: DEVICE_TOKEN_TTL_SECONDS,
      },
    );
    return { ...(await this.issue(user)), deviceToken };
  }

  /**
   * Opens a session for a user (after login, a patient's activation, or an identity provider's
   * sign-in, which links the session to its grant in `opened`) and answers its tokens. When
   * `opened` throws, the session is ended before the error goes on (no session left unlinked).
   */
  async issue(user: UserRecord, opened?: (sessionId: string) => void): Promise<AccessToken> {
    const session = this.sessions.open(user.username);
    try {
      opened?.(session.id);
    } catch (error) {
      this.sessions.end(session.id, 'sign-in not completed');
      throw error;
    }
    return this.#tokens(
      user,
      { id: session.id, expiresAt: session.expiresAt },
      session.refreshToken,
    );
  }

  /**
   * Exchanges a refresh token for a new access token and refresh token of the same session. A
   * session opened through the identity provider is checked there first (the refresh token is not
   * spent when the provider cannot be reached).
   */
  async refresh(refreshToken: string): Promise<AccessToken> {
    const current = this.sessions.sessionOf(refreshToken);
    if (current !== undefined) await this.idpSessions.recheck(current);
    const { session, refreshToken: next } = this.sessions.refresh(refreshToken);
    const user = this.identities.find(session.username);
    if (user === undefined || user.disabledAt !== undefined) {
      this.sessions.end(session.id, 'user removed or disabled');
      throw new UnauthenticatedError('the account is no longer active: sign in again');
    }
    return this.#tokens(user, session, next);
  }

  /** Ends the caller's session: its access and refresh tokens stop working at once. */
  logout(caller: Principal): SessionsEnded {
    if (caller.session === undefined) return { ended: 0 };
    return { ended: this.sessions.end(caller.session.id, 'logout') ? 1 : 0 };
  }

  /** Ends every session of the caller (every device). */
  logoutEverywhere(caller: Principal): SessionsEnded {
    return { ended: this.sessions.endAll(caller.username, 'logout everywhere') };
  }

  async #tokens(
    user: UserRecord,
    session: Readonly<{ id: string; expiresAt: number }>,
    refreshToken: string,
  ): Promise<AccessToken> {
    const claims: AccessTokenClaims = { sub: user.username, role: user.role, sid: session.id };
    const remaining = Math.max(1, Math.floor((session.expiresAt - Date.now()) / 1000));
    const expiresIn = Math.min(this.config.GATEWAY_JWT_TTL_SECONDS, remaining);
    return {
      accessToken: await this.jwt.signAsync({ ...claims }, { expiresIn }),
      tokenType: 'Bearer',
      expiresIn,
      refreshToken,
      refreshExpiresIn: remaining,
    };
  }

  /** The device ID of a valid device token of this account; undefined for anything else. */
  async #deviceOf(request: LoginRequest): Promise<string | undefined> {
    if (request.deviceToken === undefined) return undefined;
    try {
      const claims = await this.jwt.verifyAsync<DeviceClaims>(request.deviceToken, {
        audience: this.#deviceAudience,
        subject: request.username,
        algorithms: ['HS256'],
      });
      return typeof claims.did === 'string' ? claims.did : undefined;
    } catch {
      return undefined;
    }
  }
}

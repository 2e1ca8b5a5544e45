import passport from 'passport';
import { ExtractJwt, Strategy, type VerifiedCallback } from 'passport-jwt';
import { UnauthenticatedError } from '../common/errors.js';
import type { OrgProfile } from '../config/connection-profile.js';
import type { GatewaySecrets } from '../config/secrets.js';
import type { IdentitiesService } from '../identities/identities.service.js';
import type { Sessions } from '../sessions/sessions.js';
import type { Principal } from './principal.js';

/** Claims of the gateway's access tokens. */
export interface AccessTokenClaims {
  readonly sub: string;
  readonly role: string;
  /** The session the token belongs to. */
  readonly sid: string;
  /** Expiry (seconds since the epoch), set when the token is signed. */
  readonly exp?: number;
}

/** Issuer (and audience) of one organization's access tokens. */
export function tokenIssuer(profile: OrgProfile): string {
  return `consent-ledger:${profile.mspId}`;
}

/** A passport authenticator with the gateway's `jwt` strategy. */
export type JwtAuthenticator = InstanceType<typeof passport.Passport>;

/** Injection token of the {@link JwtAuthenticator}. */
export const JWT_AUTHENTICATOR = Symbol('JWT_AUTHENTICATOR');

/** Options of {@link createJwtAuthenticator}. */
export interface JwtAuthenticatorOptions {
  readonly secrets: GatewaySecrets;
  readonly profile: OrgProfile;
  readonly identities: Pick<IdentitiesService, 'find' | 'principalOf'>;
  readonly sessions: Pick<Sessions, 'isOpen'>;
}

/**
 * A passport authenticator of its own (not passport's global one, so that several gateways can
 * share a process) with a passport-jwt strategy: HS256 bearer tokens of this gateway's issuer and
 * audience, whose user still exists with the same role and is not disabled, and whose session is
 * still open (so that logout, "end all sessions" and disabling take effect at the next request).
 */
export function createJwtAuthenticator(options: JwtAuthenticatorOptions): JwtAuthenticator {
  const authenticator = new passport.Passport();
  const issuer = tokenIssuer(options.profile);
  authenticator.use(
    'jwt',
    new Strategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKey: options.secrets.jwtSecret,
        algorithms: ['HS256'],
        issuer,
        audience: issuer,
        ignoreExpiration: false,
      },
      (claims: AccessTokenClaims, done: VerifiedCallback) => {
        const user = options.identities.find(claims.sub);
        if (user?.role !== claims.role || user.disabledAt !== undefined) {
          done(new UnauthenticatedError('the token no longer matches an active user'), false);
          return;
        }
        if (typeof claims.sid !== 'string' || !options.sessions.isOpen(claims.sid, claims.sub)) {
          done(new UnauthenticatedError('the session has ended: sign in again'), false);
          return;
        }
        const principal: Principal = {
          ...options.identities.principalOf(user),
          session: { id: claims.sid, tokenExpiresAt: (claims.exp ?? 0) * 1000 },
        };
        done(null, principal);
      },
    ),
  );
  return authenticator;
}

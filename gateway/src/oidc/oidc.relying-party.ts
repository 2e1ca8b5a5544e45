import * as client from 'openid-client';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { IdpUnavailableError, OidcRefusedError } from '../common/errors.js';
import type { OidcSettings } from '../config/gateway.config.js';

/** What a sign-in must carry back to its callback (kept server-side, keyed by `state`). */
export interface PendingSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** A sign-in started: where to send the browser, and what its callback is checked against. */
export interface StartedSignIn {
  readonly url: URL;
  readonly pending: PendingSignIn;
}

/** The verified outcome of a code exchange or a refresh at the identity provider. */
export interface IdpTokens {
  /** The ID token's verified claims (issuer, audience, signature, expiry, nonce checked). */
  readonly claims: Readonly<JWTPayload> & { readonly sub: string };
  /** The identity provider's refresh token (kept by the gateway, never given to the browser). */
  readonly refreshToken: string;
}

/**
 * The gateway as a confidential OpenID Connect client of its organization's identity provider
 * (panva's certified openid-client for the flow, jose for the ID token's signature by the JWKS):
 * Authorization Code with PKCE (S256), state and nonce; and the refresh grant that tells whether
 * the provider still vouches for the user.
 */
export interface RelyingParty {
  start(): Promise<StartedSignIn>;
  /**
   * Exchanges the callback's code: OIDC_REFUSED when the answer is not for this sign-in, comes
   * from another issuer, is for another client, is badly signed or expired, or carries no
   * refresh token; IDP_UNAVAILABLE when the provider cannot be reached.
   */
  complete(callback: URL, pending: PendingSignIn): Promise<IdpTokens>;
  /**
   * Uses a refresh token at the provider: the next refresh token and, when it sends one, the new
   * ID token's claims (for subject `subject`). OIDC_REFUSED when the provider refuses it (the
   * user disabled or deleted, the grant revoked); IDP_UNAVAILABLE when it cannot be reached.
   */
  refresh(
    refreshToken: string,
    subject: string,
  ): Promise<Partial<IdpTokens> & { refreshToken: string }>;
}

/** Options of {@link createRelyingParty}. */
export interface RelyingPartyOptions {
  readonly settings: OidcSettings;
  /** Deadline of each request to the provider, in seconds. */
  readonly timeoutSeconds?: number;
}

/** Whether an error says the provider could not be reached (rather than refused). */
function unreachable(error: unknown): boolean {
  if (error instanceof DOMException) return true; // TimeoutError, AbortError
  if (error instanceof joseErrors.JWKSTimeout) return true;
  if (error instanceof client.ResponseBodyError) return error.status >= 500;
  if (error instanceof client.ClientError)
    return error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' && unreachableStatus(error.cause);
  return error instanceof TypeError && !('code' in error);
}

function unreachableStatus(cause: unknown): boolean {
  return cause instanceof Response && cause.status >= 500;
}

/** The error a failed exchange with the provider becomes. */
function refusal(what: string, error: unknown): Error {
  if (unreachable(error))
    return new IdpUnavailableError(`the identity provider cannot be reached: try again`, {
      cause: error,
    });
  const detail =
    error instanceof client.ResponseBodyError || error instanceof client.AuthorizationResponseError
      ? `${error.error}${error.error_description === undefined ? '' : `: ${error.error_description}`}`
      : error instanceof client.ClientError && error.cause instanceof Error
        ? error.cause.message
        : error instanceof Error
          ? error.message
          : 'refused';
  return new OidcRefusedError(`${what}: ${detail}`, { cause: error });
}

class OpenIdRelyingParty implements RelyingParty {
  readonly #settings: OidcSettings;
  readonly #timeoutSeconds: number;
  #configuration: Promise<client.Configuration> | undefined;
  #jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(options: Readonly<RelyingPartyOptions>) {
    this.#settings = options.settings;
    this.#timeoutSeconds = options.timeoutSeconds ?? 10;
  }

  async start(): Promise<StartedSignIn> {
    const configuration = await this.#config();
    const pending: PendingSignIn = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.#settings.redirectUri.href,
      scope: this.#settings.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  async complete(callback: URL, pending: PendingSignIn): Promise<IdpTokens> {
    const configuration = await this.#config();
    let tokens: client.TokenEndpointResponse;
    try {
      tokens = await client.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw refusal('the identity provider did not sign you in', error);
    }
    const claims = await this.#verified(tokens.id_token);
    if (claims.nonce !== pending.nonce)
      throw new OidcRefusedError('the ID token is for another sign-in');
    if (tokens.refresh_token === undefined)
      throw new OidcRefusedError(
        'the identity provider issued no refresh token, so the gateway could not notice a user disabled there: allow this client the refresh_token grant',
      );
    return { claims, refreshToken: tokens.refresh_token };
  }

  async refresh(
    refreshToken: string,
    subject: string,
  ): Promise<Partial<IdpTokens> & { refreshToken: string }> {
    const configuration = await this.#config();
    let tokens: client.TokenEndpointResponse;
    try {
      tokens = await client.refreshTokenGrant(configuration, refreshToken);
    } catch (error) {
      throw refusal('the identity provider no longer vouches for this user', error);
    }
    const next = tokens.refresh_token ?? refreshToken;
    if (tokens.id_token === undefined) return { refreshToken: next };
    const claims = await this.#verified(tokens.id_token);
    if (claims.sub !== subject) throw new OidcRefusedError('the ID token names another user');
    return { claims, refreshToken: next };
  }

  /** The ID token's claims, its signature checked against the issuer's JWKS. */
  async #verified(idToken: string | undefined): Promise<IdpTokens['claims']> {
    if (idToken === undefined) throw new OidcRefusedError('the identity provider sent no ID token');
    try {
      const { payload } = await jwtVerify(idToken, await this.#keys(), {
        issuer: (await this.#config()).serverMetadata().issuer,
        audience: this.#settings.clientId,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (typeof payload.sub !== 'string' || payload.sub === '')
        throw new OidcRefusedError('the ID token names no subject');
      return { ...payload, sub: payload.sub };
    } catch (error) {
      if (error instanceof OidcRefusedError) throw error;
      throw refusal('the ID token does not hold', error);
    }
  }

  async #keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.#jwks !== undefined) return this.#jwks;
    const uri = this.#settings.jwksUri ?? (await this.#config()).serverMetadata().jwks_uri;
    if (uri === undefined) throw new OidcRefusedError('the identity provider publishes no JWKS');
    this.#jwks = createRemoteJWKSet(new URL(uri), { timeoutDuration: this.#timeoutSeconds * 1000 });
    return this.#jwks;
  }

  /** The provider's discovered metadata (fetched once; again after a failure). */
  #config(): Promise<client.Configuration> {
    this.#configuration ??= this.#discover().catch((error: unknown) => {
      this.#configuration = undefined;
      throw error;
    });
    return this.#configuration;
  }

  async #discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.#settings;
    try {
      const configuration = await client.discovery(
        issuer,
        clientId,
        { client_secret: clientSecret },
        client.ClientSecretBasic(clientSecret),
        {
          timeout: this.#timeoutSeconds,
          // Plain http outside production only (the configuration requires https there): the
          // tests' provider on 127.0.0.1.
          // eslint-disable-next-line @typescript-eslint/no-deprecated -- deliberate, see above
          ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
        },
      );
      configuration.timeout = this.#timeoutSeconds;
      return configuration;
    } catch (error) {
      throw refusal('the identity provider cannot be used', error);
    }
  }
}

/** The gateway's relying party for the configured issuer. */
export function createRelyingParty(options: Readonly<RelyingPartyOptions>): RelyingParty {
  return new OpenIdRelyingParty(options);
}

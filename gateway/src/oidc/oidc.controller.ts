import type { AccessToken, SignInProviders } from '@consent-ledger/ledger-api';
import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { parse as parseCookies } from 'cookie';
import type { Request, Response } from 'express';
import { Public } from '../auth/auth.decorators.js';
import { DomainError } from '../common/errors.js';
import { AccessTokenDto } from '../auth/login.dto.js';
import { SignInRateGuard } from '../auth/sign-in-rate.guard.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { HandoffDto, SignInProvidersDto } from './oidc.dto.js';
import { BINDING_COOKIE, OidcSignInService, PENDING_TTL_SECONDS } from './oidc-sign-in.service.js';

/** The cookie's path: sent back to the callback only. */
const COOKIE_PATH = '/auth/oidc';

/** Staff sign-in through the organization's identity provider (OpenID Connect). */
@ApiTags('auth')
@Controller('auth')
export class OidcController {
  readonly #secureCookie: boolean;
  readonly #appUrl: string;

  constructor(
    private readonly signIn: OidcSignInService,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.#secureCookie = config.GATEWAY_PUBLIC_URL.startsWith('https:');
    this.#appUrl = `${config.GATEWAY_PUBLIC_URL}/app/`;
  }

  /** The sign-in methods this gateway offers (the web app shows the provider's button). */
  @Public()
  @Get('providers')
  @ApiOkResponse({ type: SignInProvidersDto })
  providers(): SignInProviders {
    return this.signIn.providers();
  }

  /**
   * Starts a sign-in at the identity provider: a redirect there (Authorization Code with PKCE),
   * bound to this browser by a cookie. 404 when no provider is trusted.
   */
  @Public()
  @UseGuards(SignInRateGuard)
  @Get('oidc/login')
  @ApiFoundResponse({ description: "redirect to the identity provider's sign-in" })
  @ApiNotFoundResponse({ description: 'this gateway trusts no identity provider' })
  async login(@Res() response: Response): Promise<void> {
    const { url, binding } = await this.signIn.start();
    response.cookie(BINDING_COOKIE, binding, {
      httpOnly: true,
      // Lax: the provider's redirect back is a top-level GET, which carries it.
      sameSite: 'lax',
      secure: this.#secureCookie,
      path: COOKIE_PATH,
      maxAge: PENDING_TTL_SECONDS * 1000,
    });
    response.redirect(302, url);
  }

  /**
   * The identity provider's redirect back: the ID token is verified (issuer, audience, signature,
   * expiry, nonce, state, PKCE), its role claim mapped, the staff user provisioned and a session
   * opened; a redirect to the web app with a one-time code (`#signin=`) for the session's tokens.
   *
   * A refusal answers its coded error as every endpoint does, except to a browser's navigation
   * (it prefers HTML): a person would see the gateway's JSON, so it goes back to the web app with
   * the code only (`#signin-refused=CODE`), which the app words in the person's language.
   */
  @Public()
  @UseGuards(SignInRateGuard)
  @Get('oidc/callback')
  @ApiFoundResponse({ description: 'redirect to the web app with a one-time code' })
  @ApiUnauthorizedResponse({ description: 'OIDC_REFUSED: the answer does not hold' })
  @ApiForbiddenResponse({ description: 'OIDC_ROLE_REFUSED: no role, or one refused' })
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const query = request.originalUrl.includes('?')
      ? request.originalUrl.slice(request.originalUrl.indexOf('?') + 1)
      : '';
    const cookies = parseCookies(request.headers.cookie ?? '');
    response.clearCookie(BINDING_COOKIE, { path: COOKIE_PATH });
    let handoff: string;
    try {
      handoff = await this.signIn.complete(query, cookies[BINDING_COOKIE]);
    } catch (error) {
      if (!(error instanceof DomainError) || !prefersHtml(request)) throw error;
      response.redirect(302, `${this.#appUrl}#signin-refused=${error.code}`);
      return;
    }
    response.redirect(302, `${this.#appUrl}#signin=${handoff}`);
  }

  /** Hands the web app the tokens of the sign-in just completed, once (within a minute). */
  @Public()
  @UseGuards(SignInRateGuard)
  @Post('oidc/session')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiUnauthorizedResponse({ description: 'the code is unknown, used or expired' })
  session(@Body() body: HandoffDto): AccessToken {
    return this.signIn.collect(body.handoff);
  }
}

/** Whether the request is a browser's navigation (it asks for HTML before JSON). */
function prefersHtml(request: Request): boolean {
  return request.accepts(['application/json', 'text/html']) === 'text/html';
}

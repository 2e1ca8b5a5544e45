import type { AccessToken, SessionsEnded } from '@consent-ledger/ledger-api';
import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser, Public } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { AccessTokenDto, LoginDto, RefreshDto } from './login.dto.js';
import type { Principal } from './principal.js';
import { SignInRateGuard } from './sign-in-rate.guard.js';

/** Sign-in, token refresh and logout. */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /**
   * Exchanges a username and password for a short-lived access token and a session's refresh
   * token (limited per client address and per account; 429 with Retry-After).
   */
  @Public()
  @UseGuards(SignInRateGuard)
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiUnauthorizedResponse({ description: 'wrong username or password, or a disabled account' })
  @ApiTooManyRequestsResponse({ description: 'too many attempts (Retry-After)' })
  login(@Body() body: LoginDto): Promise<AccessToken> {
    return this.auth.login(body);
  }

  /** Exchanges the session's refresh token for a new access token and refresh token. */
  @Public()
  @UseGuards(SignInRateGuard)
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiUnauthorizedResponse({ description: 'the session ended, expired or sat idle' })
  refresh(@Body() body: RefreshDto): Promise<AccessToken> {
    return this.auth.refresh(body.refreshToken);
  }

  /** Ends the caller's session at once (its tokens, and its event streams). */
  @Post('logout')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ description: '{ended}' })
  logout(@CurrentUser() caller: Principal): SessionsEnded {
    return this.auth.logout(caller);
  }

  /** Ends every session of the caller, on every device. */
  @Post('logout-everywhere')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ description: '{ended}' })
  logoutEverywhere(@CurrentUser() caller: Principal): SessionsEnded {
    return this.auth.logoutEverywhere(caller);
  }
}

import type { AccessToken } from '@consent-ledger/ledger-api';
import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Public } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { AccessTokenDto, LoginDto } from './login.dto.js';

/** Login. */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Exchanges a username and password for a short-lived access token (rate limited). */
  @Public()
  @UseGuards(ThrottlerGuard)
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiUnauthorizedResponse({ description: 'wrong username or password' })
  @ApiTooManyRequestsResponse({ description: 'too many attempts' })
  login(@Body() body: LoginDto): Promise<AccessToken> {
    return this.auth.login(body.username, body.password);
  }
}

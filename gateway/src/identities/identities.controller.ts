import type { IdentityView, SessionsEnded, UserAccountView } from '@consent-ledger/ledger-api';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { idPipe } from '../common/id.pipe.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { CreateIdentityDto, ListUsersDto } from './create-identity.dto.js';
import {
  IdentitiesService,
  USERNAME_PATTERN,
  type DisabledUserView,
} from './identities.service.js';

const USERNAME = idPipe(USERNAME_PATTERN, 'username');

/** The organization's users. */
@ApiTags('identities')
@ApiBearerAuth()
@Controller('identities')
export class IdentitiesController {
  constructor(private readonly identities: IdentitiesService) {}

  /** Registers and enrolls a user with the organization's CA (admin). */
  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ description: 'the new user' })
  create(@Body() body: CreateIdentityDto): Promise<IdentityView> {
    return this.identities.create(body);
  }

  /**
   * The organization's users at this gateway, with their open sessions (admin): staff, or
   * patients' session accounts (`accounts=patients`), by username prefix, 200 at most.
   */
  @Get()
  @Roles('admin')
  @ApiOkResponse({ description: '[{username, role, createdAt, disabledAt?, activeSessions}]' })
  list(@Query() query: ListUsersDto): UserAccountView[] {
    return this.identities.list(query);
  }

  /** Disables a user: sessions end at once, tokens are refused, no sign-in (admin). */
  @Post(':username/disable')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({
    description:
      'the user; for staff, fabric: {certificateRevoked, crlPublished, error?} (certificate revoked at the CA, CRL in the channel configuration)',
  })
  @ApiNotFoundResponse({ description: 'no such user' })
  disable(
    @CurrentUser() caller: Principal,
    @Param('username', USERNAME) username: string,
  ): Promise<DisabledUserView> {
    return this.identities.disable(caller, username);
  }

  /** Lets a disabled user sign in again (admin). */
  @Post(':username/enable')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ description: 'the user' })
  @ApiNotFoundResponse({ description: 'no such user' })
  enable(
    @CurrentUser() caller: Principal,
    @Param('username', USERNAME) username: string,
  ): Promise<UserAccountView> {
    return this.identities.enable(caller, username);
  }

  /** Ends every session of a user at once (admin). */
  @Post(':username/end-sessions')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ description: '{ended}' })
  @ApiNotFoundResponse({ description: 'no such user' })
  endSessions(
    @CurrentUser() caller: Principal,
    @Param('username', USERNAME) username: string,
  ): SessionsEnded {
    return this.identities.endSessions(caller, username);
  }

  /** The logged-in user. */
  @Get('me')
  @ApiOkResponse({ description: 'the logged-in user' })
  me(@CurrentUser() caller: Principal): IdentityView {
    return this.identities.me(caller);
  }
}

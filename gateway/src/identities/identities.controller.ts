import type { IdentityView } from '@consent-ledger/ledger-api';
import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { CreateIdentityDto } from './create-identity.dto.js';
import { IdentitiesService } from './identities.service.js';

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

  /** The logged-in user. */
  @Get('me')
  @ApiOkResponse({ description: 'the logged-in user' })
  me(@CurrentUser() caller: Principal): IdentityView {
    return this.identities.me(caller);
  }
}

import type { AccessToken } from '@consent-ledger/ledger-api';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthenticatedError } from '../common/errors.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { IdentitiesService } from '../identities/identities.service.js';
import type { UserRecord } from '../identities/users.store.js';
import type { AccessTokenClaims } from './jwt.strategy.js';

/** Username/password login, answered with a short-lived signed token. */
@Injectable()
export class AuthService {
  constructor(
    private readonly identities: IdentitiesService,
    private readonly jwt: JwtService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async login(username: string, password: string): Promise<AccessToken> {
    const user = await this.identities.authenticate(username, password);
    if (user === undefined) throw new UnauthenticatedError('wrong username or password');
    return this.issue(user);
  }

  /** A short-lived token for a user (after login, or a patient's first activation). */
  async issue(user: UserRecord): Promise<AccessToken> {
    const claims: AccessTokenClaims = { sub: user.username, role: user.role };
    return {
      accessToken: await this.jwt.signAsync({ ...claims }),
      tokenType: 'Bearer',
      expiresIn: this.config.GATEWAY_JWT_TTL_SECONDS,
    };
  }
}

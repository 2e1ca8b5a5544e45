import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { GATEWAY_SECRETS, type GatewaySecrets } from '../config/secrets.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { AuthController } from './auth.controller.js';
import { JwtAuthGuard, RolesGuard } from './auth.guards.js';
import { AuthService } from './auth.service.js';
import { JWT_AUTHENTICATOR, createJwtAuthenticator, tokenIssuer } from './jwt.strategy.js';
import { IdentitiesService } from '../identities/identities.service.js';

/** Login, access tokens, and the global token and role guards. */
@Module({
  imports: [
    IdentitiesModule,
    JwtModule.registerAsync({
      inject: [GATEWAY_SECRETS, GATEWAY_CONFIG, ORG_PROFILE],
      useFactory: (secrets: GatewaySecrets, config: GatewayConfig, profile: OrgProfile) => ({
        secret: secrets.jwtSecret,
        signOptions: {
          algorithm: 'HS256' as const,
          expiresIn: config.GATEWAY_JWT_TTL_SECONDS,
          issuer: tokenIssuer(profile),
          audience: tokenIssuer(profile),
        },
        verifyOptions: { algorithms: ['HS256' as const] },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => [
        { name: 'login', ttl: 60_000, limit: config.GATEWAY_LOGIN_RATE_LIMIT },
      ],
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    {
      provide: JWT_AUTHENTICATOR,
      inject: [GATEWAY_SECRETS, ORG_PROFILE, IdentitiesService],
      useFactory: (secrets: GatewaySecrets, profile: OrgProfile, identities: IdentitiesService) =>
        createJwtAuthenticator({ secrets, profile, identities }),
    },
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [AuthService],
})
export class AuthModule {}

import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { GATEWAY_SECRETS, type GatewaySecrets } from '../config/secrets.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { AuthController } from './auth.controller.js';
import { JwtAuthGuard, RolesGuard } from './auth.guards.js';
import { AuthService } from './auth.service.js';
import { JWT_AUTHENTICATOR, createJwtAuthenticator, tokenIssuer } from './jwt.strategy.js';
import { IdentitiesService } from '../identities/identities.service.js';
import { SESSIONS, type Sessions } from '../sessions/sessions.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { LOGIN_LIMITS, createLoginLimits } from './login-limits.js';
import { SignInRateGuard } from './sign-in-rate.guard.js';
import { DATABASE, type Database } from '../storage/database.js';
import { IDP_SESSIONS, createIdpSessions } from '../oidc/idp-sessions.js';
import { createIdpSessionsStore } from '../oidc/idp-sessions.store.js';
import { OidcController } from '../oidc/oidc.controller.js';
import { createRelyingParty, type RelyingParty } from '../oidc/oidc.relying-party.js';
import type { RoleMapping } from '../oidc/oidc-roles.js';
import { OidcSignInService } from '../oidc/oidc-sign-in.service.js';
import { RELYING_PARTY, ROLE_MAPPING } from '../oidc/oidc.tokens.js';

/**
 * Sign-in (local accounts, and the organization's identity provider when one is trusted),
 * sessions' access tokens, sign-in limits, and the global token and role guards.
 */
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
    SessionsModule,
  ],
  controllers: [AuthController, OidcController],
  providers: [
    AuthService,
    SignInRateGuard,
    OidcSignInService,
    {
      provide: RELYING_PARTY,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig): RelyingParty | null =>
        config.OIDC === undefined ? null : createRelyingParty({ settings: config.OIDC }),
    },
    {
      provide: ROLE_MAPPING,
      inject: [GATEWAY_CONFIG, ORG_PROFILE],
      useFactory: (config: GatewayConfig, profile: OrgProfile): RoleMapping | null =>
        config.OIDC === undefined
          ? null
          : { claim: config.OIDC.roleClaim, map: config.OIDC.roleMap, orgType: profile.type },
    },
    {
      provide: IDP_SESSIONS,
      inject: [RELYING_PARTY, ROLE_MAPPING, DATABASE, GATEWAY_SECRETS, SESSIONS, IdentitiesService],
      useFactory: (
        relyingParty: RelyingParty | null,
        roleMapping: RoleMapping | null,
        db: Database,
        secrets: GatewaySecrets,
        sessions: Sessions,
        identities: IdentitiesService,
      ) =>
        createIdpSessions({
          relyingParty: relyingParty ?? undefined,
          roleMapping: roleMapping ?? undefined,
          store: createIdpSessionsStore({ db, key: secrets.walletKey }),
          sessions,
          findUser: (username) => identities.find(username),
        }),
    },
    {
      provide: LOGIN_LIMITS,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        createLoginLimits({
          attemptsPerAddressPerMinute: config.GATEWAY_LOGIN_RATE_LIMIT,
          accountFailures: config.GATEWAY_LOGIN_ACCOUNT_FAILURES,
          lockoutSeconds: config.GATEWAY_LOGIN_LOCKOUT_SECONDS,
        }),
    },
    {
      provide: JWT_AUTHENTICATOR,
      inject: [GATEWAY_SECRETS, ORG_PROFILE, IdentitiesService, SESSIONS],
      useFactory: (
        secrets: GatewaySecrets,
        profile: OrgProfile,
        identities: IdentitiesService,
        sessions: Sessions,
      ) => createJwtAuthenticator({ secrets, profile, identities, sessions }),
    },
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [AuthService, SignInRateGuard, LOGIN_LIMITS],
})
export class AuthModule {}

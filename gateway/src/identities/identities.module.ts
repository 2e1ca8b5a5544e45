import { Module } from '@nestjs/common';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { IDENTITY_WALLET, type IdentityWallet } from '../ledger/wallet.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { DATABASE } from '../storage/database.js';
import {
  CERTIFICATE_AUTHORITY,
  createCertificateAuthority,
  type CertificateAuthority,
} from './certificate-authority.js';
import { CERTIFICATE_REVOCATION, createCertificateRevocation } from './certificate-revocation.js';
import { IdentitiesController } from './identities.controller.js';
import { IdentitiesService } from './identities.service.js';
import { PASSWORD_POLICY, createPasswordPolicy } from './password-policy.js';
import { USERS_STORE, createUsersStore } from './users.store.js';

/** Users: registration and enrollment with the organization's CA, passwords, the bootstrap admin. */
@Module({
  imports: [LedgerModule, SessionsModule],
  controllers: [IdentitiesController],
  providers: [
    IdentitiesService,
    { provide: USERS_STORE, inject: [DATABASE], useFactory: createUsersStore },
    {
      // The organization's names are expected words, refused as a password's substance.
      provide: PASSWORD_POLICY,
      inject: [GATEWAY_CONFIG, ORG_PROFILE],
      useFactory: (config: GatewayConfig, profile: OrgProfile) =>
        createPasswordPolicy({
          minLength: config.GATEWAY_PASSWORD_MIN_LENGTH,
          contextWords: [config.GATEWAY_ORG, profile.mspId, profile.displayName],
        }),
    },
    {
      provide: CERTIFICATE_REVOCATION,
      inject: [ORG_PROFILE, CERTIFICATE_AUTHORITY, GATEWAY_CONFIG],
      useFactory: (profile: OrgProfile, ca: CertificateAuthority, config: GatewayConfig) =>
        createCertificateRevocation({ profile, ca, config }),
    },
    {
      provide: CERTIFICATE_AUTHORITY,
      inject: [ORG_PROFILE, IDENTITY_WALLET],
      useFactory: (profile: OrgProfile, wallet: IdentityWallet) =>
        createCertificateAuthority(profile, wallet),
    },
  ],
  exports: [IdentitiesService, PASSWORD_POLICY],
})
export class IdentitiesModule {}

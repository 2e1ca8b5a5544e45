import { Module } from '@nestjs/common';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { IDENTITY_WALLET, type IdentityWallet } from '../ledger/wallet.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { DATABASE } from '../storage/database.js';
import { CERTIFICATE_AUTHORITY, createCertificateAuthority } from './certificate-authority.js';
import { IdentitiesController } from './identities.controller.js';
import { IdentitiesService } from './identities.service.js';
import { USERS_STORE, createUsersStore } from './users.store.js';

/** Users: registration and enrollment with the organization's CA, passwords, the bootstrap admin. */
@Module({
  imports: [LedgerModule, SessionsModule],
  controllers: [IdentitiesController],
  providers: [
    IdentitiesService,
    { provide: USERS_STORE, inject: [DATABASE], useFactory: createUsersStore },
    {
      provide: CERTIFICATE_AUTHORITY,
      inject: [ORG_PROFILE, IDENTITY_WALLET],
      useFactory: (profile: OrgProfile, wallet: IdentityWallet) =>
        createCertificateAuthority(profile, wallet),
    },
  ],
  exports: [IdentitiesService],
})
export class IdentitiesModule {}

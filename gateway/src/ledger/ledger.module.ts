import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { GATEWAY_SECRETS, type GatewaySecrets } from '../config/secrets.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { DATABASE, type Database } from '../storage/database.js';
import { createEncryptedWalletStore } from './encrypted-wallet.store.js';
import { ENDORSERS, createEndorsers, createPatientHomes, type Endorsers } from './endorsers.js';
import { LEDGER_CLIENT, createLedgerClient, type LedgerClient } from './ledger.client.js';
import { LEDGER_POSITION, createLedgerPosition, type LedgerPosition } from './ledger-position.js';
import { IDENTITY_WALLET, createIdentityWallet, type IdentityWallet } from './wallet.js';

/**
 * The ledger client, the endorsers of its transactions, the encrypted wallet of enrolled identities
 * and the peer's position (read-your-writes across organizations).
 */
@Module({
  providers: [
    {
      provide: IDENTITY_WALLET,
      inject: [DATABASE, GATEWAY_SECRETS],
      useFactory: (db: Database, secrets: GatewaySecrets): IdentityWallet =>
        createIdentityWallet(createEncryptedWalletStore(db, secrets.walletKey)),
    },
    {
      provide: LEDGER_CLIENT,
      inject: [ORG_PROFILE, GATEWAY_CONFIG, IDENTITY_WALLET, MetricsService],
      useFactory: (
        profile: OrgProfile,
        config: GatewayConfig,
        wallet: IdentityWallet,
        metrics: MetricsService,
      ): LedgerClient => createLedgerClient({ profile, config, wallet, metrics }),
    },
    {
      provide: ENDORSERS,
      inject: [LEDGER_CLIENT, ORG_PROFILE, DATABASE],
      useFactory: (ledger: LedgerClient, profile: OrgProfile, db: Database): Endorsers =>
        createEndorsers({ ledger, own: profile.mspId, homes: createPatientHomes(db) }),
    },
    {
      provide: LEDGER_POSITION,
      inject: [LEDGER_CLIENT, ORG_PROFILE, GATEWAY_CONFIG, MetricsService],
      useFactory: (
        ledger: LedgerClient,
        profile: OrgProfile,
        config: GatewayConfig,
        metrics: MetricsService,
      ): LedgerPosition =>
        createLedgerPosition({
          ledger,
          channel: profile.channel,
          waitMs: config.LEDGER_MIN_BLOCK_WAIT_MS,
          metrics,
        }),
    },
  ],
  exports: [IDENTITY_WALLET, LEDGER_CLIENT, ENDORSERS, LEDGER_POSITION],
})
export class LedgerModule implements OnApplicationShutdown {
  constructor(@Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient) {}

  onApplicationShutdown(): void {
    this.ledger.close();
  }
}

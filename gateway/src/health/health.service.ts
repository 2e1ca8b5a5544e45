import { Inject, Injectable } from '@nestjs/common';
import { LedgerUnavailableError } from '../common/errors.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';
import { SERVICE_IDENTITY } from '../ledger/wallet.js';
import { DATABASE, type Database } from '../storage/database.js';

/** The readiness answer. */
export interface Readiness {
  readonly status: 'ok';
  readonly mspId: string;
  readonly peer: string;
  readonly ledgerMs: number;
}

/** Readiness: the local store answers and the chaincode answers through the peer, in time. */
@Injectable()
export class HealthService {
  constructor(
    @Inject(LEDGER_CLIENT) private readonly ledger: LedgerClient,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(ORG_PROFILE) private readonly profile: OrgProfile,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async ready(): Promise<Readiness> {
    this.db.get('SELECT 1');
    const started = performance.now();
    try {
      await this.ledger
        .as(SERVICE_IDENTITY, { timeoutMs: this.config.READY_TIMEOUT_MS })
        .evaluate('baseline:Get', 'gateway-readiness');
    } catch (error) {
      throw new LedgerUnavailableError(
        `the chaincode did not answer through ${this.profile.peer.endpoint}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    return {
      status: 'ok',
      mspId: this.profile.mspId,
      peer: this.profile.peer.endpoint,
      ledgerMs: Math.round(performance.now() - started),
    };
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { LedgerUnavailableError } from '../common/errors.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { ORG_PROFILE, type OrgProfile } from '../config/connection-profile.js';
import { LEDGER_CLIENT, type LedgerClient } from '../ledger/ledger.client.js';
import { SERVICE_IDENTITY } from '../ledger/wallet.js';
import { DATABASE, type Database } from '../storage/database.js';

/** The readiness answer (public: no address or detail of the organization's network). */
export interface Readiness {
  readonly status: 'ok';
  readonly ledgerMs: number;
}

/**
 * Readiness: the local store answers and the chaincode answers through the peer, in time. The
 * answer is public, so it names no peer and carries no error text of the ledger's; those go to
 * the log.
 */
@Injectable()
export class HealthService {
  readonly #logger = new Logger('Health');

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
      this.#logger.warn(
        { err: error, peer: this.profile.peer.endpoint },
        'not ready: the chaincode did not answer through the peer',
      );
      throw new LedgerUnavailableError('the ledger did not answer', { cause: error });
    }
    return { status: 'ok', ledgerMs: Math.round(performance.now() - started) };
  }
}

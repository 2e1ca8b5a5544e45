import path from 'node:path';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { DATABASE, openDatabase, type Database } from './database.js';

/** The gateway's local SQLite store, shared by every feature (users, wallet, idempotency, batches, events). */
@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig): Database =>
        openDatabase(path.join(config.GATEWAY_DATA_DIR, 'gateway.db')),
    },
  ],
  exports: [DATABASE],
})
export class StorageModule implements OnApplicationShutdown {
  readonly #database: Database;

  constructor(@Inject(DATABASE) database: Database) {
    this.#database = database;
  }

  onApplicationShutdown(): void {
    this.#database.close();
  }
}

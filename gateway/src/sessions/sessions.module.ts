import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { DATABASE, type Database } from '../storage/database.js';
import { SESSIONS, createSessions } from './sessions.js';
import { createSessionsStore } from './sessions.store.js';

/** Sign-in sessions, kept in the gateway's database (used by auth, identities and events). */
@Module({
  providers: [
    {
      provide: SESSIONS,
      inject: [DATABASE, GATEWAY_CONFIG],
      useFactory: (db: Database, config: GatewayConfig) =>
        createSessions({
          store: createSessionsStore(db),
          ttlSeconds: config.GATEWAY_SESSION_TTL_SECONDS,
          idleSeconds: config.GATEWAY_SESSION_IDLE_SECONDS,
        }),
    },
  ],
  exports: [SESSIONS],
})
export class SessionsModule {}

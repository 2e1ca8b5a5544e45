/**
 * @consent-ledger/gateway: one organization's REST and FHIR gateway to the Consent Ledger. The
 * public entry for what other workspaces (the tests, the demo) start or reach into: the
 * application, its configuration, and the providers they look up in a running application.
 * `node dist/main.js` starts the gateway itself.
 */
export { AppModule, type AppOptions } from './app.module.js';
export { APP_OPTIONS, JSON_BODY_LIMIT, configureApp } from './app.setup.js';
export type { Principal } from './auth/principal.js';
export { loadConfig, type GatewayConfig } from './config/gateway.config.js';
export { subjectsOf } from './events/event.store.js';
export { LedgerEventsListener } from './events/ledger-events.listener.js';
export { PROJECT_SYSTEM } from './fhir/fhir-terminology.js';
export { validateResource, type fhir4 } from './fhir/index.js';
export {
  LEDGER_CLIENT,
  type BlockEventsOptions,
  type Committed,
  type Endorsement,
  type LedgerClient,
  type LedgerSession,
  type SessionOptions,
  type SystemCall,
} from './ledger/ledger.client.js';
export { IDENTITY_WALLET, SERVICE_IDENTITY, type IdentityWallet } from './ledger/wallet.js';

import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from './access/access.module.js';
import { AuditModule } from './audit/audit.module.js';
import { Authorize, Public } from './auth/auth.decorators.js';
import { AuthModule } from './auth/auth.module.js';
import { CohortsModule } from './cohorts/cohorts.module.js';
import { GatewayExceptionFilter } from './common/exception.filter.js';
import { loggerParams } from './common/logging.js';
import { createValidationPipe } from './common/validation.js';
import {
  ORG_PROFILE,
  loadConnectionProfile,
  type OrgProfile,
} from './config/connection-profile.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config.js';
import { GATEWAY_SECRETS, resolveSecrets } from './config/secrets.js';
import { ConsentsModule } from './consents/consents.module.js';
import { EventsModule } from './events/events.module.js';
import { EvidenceModule } from './evidence/evidence.module.js';
import { FHIR_ERROR_RENDERER } from './fhir-adapter/fhir-error.renderer.js';
import { LedgerFhirAdapter } from './fhir-adapter/ledger-fhir.adapter.js';
import { FhirModule } from './fhir/index.js';
import { HealthModule } from './health/health.module.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { LedgerConsistencyInterceptor } from './ledger/ledger-consistency.interceptor.js';
import { IDEMPOTENCY_STORE, createIdempotencyStore } from './idempotency/idempotency.store.js';
import { IdentitiesModule } from './identities/identities.module.js';
import { InboxModule } from './inbox/inbox.module.js';
import { translateLedgerError } from './ledger/ledger-errors.js';
import { LedgerModule } from './ledger/ledger.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NoticesModule } from './notices/notices.module.js';
import { OpenDataModule } from './open-data/open-data.module.js';
import { PatientsModule } from './patients/patients.module.js';
import { ReceiptsModule } from './receipts/receipts.module.js';
import { RecordsModule } from './records/records.module.js';
import { ConsentRequestsModule } from './consent-requests/consent-requests.module.js';
import { ReferralsModule } from './referrals/referrals.module.js';
import { DATABASE, type Database } from './storage/database.js';
import { StorageModule } from './storage/storage.module.js';

/** Options of {@link AppModule.forConfig}. */
export interface AppOptions {
  /** The organization's profile, instead of reading CONNECTION_PROFILE. */
  readonly profile?: OrgProfile;
}

/** The gateway application. */
@Module({})
export class AppModule {
  /** The application for one organization: its profile and secrets are resolved here, at boot. */
  static forConfig(config: GatewayConfig, options: AppOptions = {}): DynamicModule {
    const profile = options.profile ?? loadConnectionProfile(config.CONNECTION_PROFILE);
    const secrets = resolveSecrets(config);
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerParams({ level: config.LOG_LEVEL, org: config.GATEWAY_ORG })),
        StorageModule,
        MetricsModule,
        LedgerModule,
        IdentitiesModule,
        AuthModule,
        HealthModule,
        PatientsModule,
        ConsentsModule,
        NoticesModule,
        AccessModule,
        ReferralsModule,
        ConsentRequestsModule,
        CohortsModule,
        RecordsModule,
        AuditModule,
        EventsModule,
        InboxModule,
        EvidenceModule,
        ReceiptsModule,
        OpenDataModule,
        FhirModule.forRoot({
          imports: [ConsentsModule, AuditModule, RecordsModule],
          port: { useClass: LedgerFhirAdapter },
          baseUrl: `${config.GATEWAY_PUBLIC_URL}/fhir`,
          publicDecorator: Public(),
          authorize: Authorize,
        }),
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: ORG_PROFILE, useValue: profile },
        { provide: GATEWAY_SECRETS, useValue: secrets },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        {
          provide: APP_FILTER,
          useFactory: () =>
            new GatewayExceptionFilter({
              translate: translateLedgerError,
              renderers: [FHIR_ERROR_RENDERER],
            }),
        },
        {
          provide: IDEMPOTENCY_STORE,
          inject: [DATABASE],
          useFactory: (db: Database) => createIdempotencyStore(db),
        },
        // Outermost first: the consistency interceptor records the request's commits, and the
        // idempotency interceptor inside it stores their block with the answer and names it again
        // on a replay.
        { provide: APP_INTERCEPTOR, useClass: LedgerConsistencyInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [GATEWAY_CONFIG, ORG_PROFILE, GATEWAY_SECRETS],
    };
  }
}

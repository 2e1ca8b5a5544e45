import {
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type Provider,
} from '@nestjs/common';
import {
  FHIR_PUBLIC_HANDLERS,
  FHIR_ROUTE_TRANSACTIONS,
  FhirController,
} from './fhir.controller.js';
import { FhirFormatMiddleware } from './fhir-format.middleware.js';
import { FhirJsonBodyMiddleware } from './fhir-json-body.middleware.js';
import { FHIR_LEDGER_PORT } from './fhir-ledger.port.js';
import { FHIR_SETTINGS, type FhirModuleOptions, type FhirSettings } from './fhir-module.options.js';

/**
 * The HL7 FHIR R4 API under /fhir. The ledger comes in through the port given to
 * {@link FhirModule.forRoot}:
 *
 * ```ts
 * FhirModule.forRoot({
 *   imports: [ConsentsModule, AuditModule, RecordsModule],
 *   port: { useClass: LedgerFhirAdapter }, // implements FhirLedgerPort<Principal>
 *   publicDecorator: Public(), // GET /fhir/metadata without a token
 *   authorize: Authorize, // each handler's transaction, checked by the application's guard
 * })
 * ```
 *
 * Errors are rendered by the application's global exception filter: under /fhir
 * (`isFhirRequest(path)`) it answers `toOperationOutcome(status, code, message,
 * fhirIssueOptions(exception))` with Content-Type `FHIR_JSON_CONTENT_TYPE`.
 */
@Module({})
export class FhirModule implements NestModule {
  /** The module with its ledger port, base URL and clock. */
  static forRoot(options: FhirModuleOptions): DynamicModule {
    const settings: FhirSettings = {
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
      clock: options.clock ?? (() => new Date()),
    };
    const port = { provide: FHIR_LEDGER_PORT, ...options.port } as Provider;
    const { publicDecorator } = options;
    if (publicDecorator !== undefined)
      for (const handler of FHIR_PUBLIC_HANDLERS) decorate(handler, publicDecorator);
    const { authorize } = options;
    if (authorize !== undefined)
      for (const [handler, transaction] of Object.entries(FHIR_ROUTE_TRANSACTIONS))
        decorate(handler, authorize(transaction));
    return {
      module: FhirModule,
      imports: options.imports ?? [],
      controllers: [FhirController],
      providers: [
        port,
        { provide: FHIR_SETTINGS, useValue: settings },
        FhirFormatMiddleware,
        FhirJsonBodyMiddleware,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(FhirFormatMiddleware, FhirJsonBodyMiddleware).forRoutes(FhirController);
  }
}

/** Applies one of the application's decorators (public route, authorization) to a handler. */
function decorate(handler: string, decorator: MethodDecorator): void {
  const prototype = FhirController.prototype;
  const descriptor = Object.getOwnPropertyDescriptor(prototype, handler);
  if (descriptor !== undefined) decorator(prototype, handler, descriptor);
}

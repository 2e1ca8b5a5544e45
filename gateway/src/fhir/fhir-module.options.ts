import type {
  ClassProvider,
  ExistingProvider,
  FactoryProvider,
  ModuleMetadata,
  ValueProvider,
} from '@nestjs/common';
import type { FhirTransaction } from './fhir.controller.js';
import type { FhirLedgerPort } from './fhir-ledger.port.js';

/** How the port is provided: any Nest provider form, without `provide` (the module sets it). */
export type FhirLedgerPortProvider =
  | Omit<ClassProvider<FhirLedgerPort>, 'provide'>
  | Omit<ValueProvider<FhirLedgerPort>, 'provide'>
  | Omit<FactoryProvider<FhirLedgerPort>, 'provide'>
  | Omit<ExistingProvider<FhirLedgerPort>, 'provide'>;

/** Options of `FhirModule.forRoot`. */
export interface FhirModuleOptions {
  /** The ledger port (e.g. `{ useClass: LedgerFhirAdapter }` or `{ useExisting: ... }`). */
  readonly port: FhirLedgerPortProvider;
  /** Modules the port's provider needs (unless they are global). */
  readonly imports?: ModuleMetadata['imports'];
  /**
   * Public service base, e.g. `https://gov.example:4001/fhir`, for links, `fullUrl` and
   * `Location`; `http://localhost/fhir` when absent. The request's Host is never used: a client
   * would choose the links others follow.
   */
  readonly baseUrl?: string;
  /** Time source ("now" for read-time consent status); the system clock by default. */
  readonly clock?: () => Date;
  /**
   * The application's "no authentication" decorator (e.g. `Public()`), applied to
   * `GET /fhir/metadata` so that the CapabilityStatement is served without a token.
   */
  readonly publicDecorator?: MethodDecorator;
  /**
   * The application's route authorization decorator (e.g. `Authorize`), applied to every handler
   * but `metadata` with the ledger transaction it calls (`FHIR_ROUTE_TRANSACTIONS`), so that the
   * application's guard refuses a caller the transaction's rule refuses before the body is read.
   */
  readonly authorize?: (transaction: FhirTransaction) => MethodDecorator;
}

/** What the controller receives from the module. */
export interface FhirSettings {
  readonly baseUrl?: string;
  readonly clock: () => Date;
}

/** Injection token of the {@link FhirSettings}. */
export const FHIR_SETTINGS = Symbol('FHIR_SETTINGS');

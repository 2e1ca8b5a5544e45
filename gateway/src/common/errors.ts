/**
 * Domain errors: what services throw (never HTTP exceptions). Each has a stable code; the one
 * global exception filter maps codes to HTTP statuses.
 */

/** Codes of the chaincode's refusals (docs/ledger-api.md) and of the gateway's own errors. */
export const NOT_FOUND_CODES = [
  'NOT_FOUND',
  'CONSENT_NOT_FOUND',
  'EVENT_NOT_FOUND',
  'RECORD_NOT_FOUND',
  'BATCH_NOT_FOUND',
  'ORG_NOT_FOUND',
  'REFERRAL_NOT_FOUND',
  'USER_NOT_FOUND',
] as const;

/** The chaincode's coded errors. */
export const CHAINCODE_CODES = [
  'INVALID_ARGUMENT',
  'FORBIDDEN',
  'CONFLICT',
  'RULE_VIOLATION',
  ...NOT_FOUND_CODES.filter((code) => code !== 'USER_NOT_FOUND'),
] as const;

/** Every error code the gateway answers with. */
export type ErrorCode =
  | (typeof NOT_FOUND_CODES)[number]
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'RULE_VIOLATION'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  | 'LEDGER_UNAVAILABLE'
  | 'LEDGER_REJECTED'
  | 'NOT_IMPLEMENTED'
  | 'INTERNAL';

/** Base class of the gateway's domain errors. */
export class DomainError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Malformed or out-of-range input. */
export class InvalidArgumentError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** Missing or bad credentials. */
export class UnauthenticatedError extends DomainError {
  constructor(message = 'authentication required', options?: ErrorOptions) {
    super('UNAUTHENTICATED', message, options);
  }
}

/** The caller's role or organization does not allow it. */
export class ForbiddenError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('FORBIDDEN', message, options);
  }
}

/** An unknown ID. */
export class NotFoundError extends DomainError {
  constructor(
    code: (typeof NOT_FOUND_CODES)[number] = 'NOT_FOUND',
    message = 'not found',
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** State already so, or a duplicate. */
export class ConflictError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('CONFLICT', message, options);
  }
}

/** A domain rule forbids it. */
export class RuleViolationError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('RULE_VIOLATION', message, options);
  }
}

/** The peer (or the CA) cannot be reached in time. */
export class LedgerUnavailableError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('LEDGER_UNAVAILABLE', message, options);
  }
}

/** Not available in this build. */
export class NotImplementedError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('NOT_IMPLEMENTED', message, options);
  }
}

/**
 * An error of a ledger call: the chaincode's coded refusal (code parsed from `CODE: message`), a
 * transaction the ledger rejected at commit, or the peer out of reach.
 */
export class LedgerError extends DomainError {
  /** The transaction called, `contract:Transaction`. */
  readonly transaction: string;

  constructor(
    options: Readonly<{ code: ErrorCode; message: string; transaction: string; cause?: unknown }>,
  ) {
    super(options.code, options.message, { cause: options.cause });
    this.transaction = options.transaction;
  }
}

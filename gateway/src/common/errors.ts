/**
 * Domain errors: what services throw (never HTTP exceptions). Each has a stable code; the one
 * global exception filter maps codes to HTTP statuses.
 */
import {
  LEDGER_NOT_FOUND_CODES,
  type GatewayErrorCode,
  type LedgerErrorCode,
} from '@consent-ledger/ledger-api';

/** The gateway's own codes, beside the ledger's (moved to ledger-api so the web app words them). */
export { GATEWAY_ERROR_CODES } from '@consent-ledger/ledger-api';

/** The codes that say an ID names nothing: the ledger's, and an unknown user of the gateway. */
export const NOT_FOUND_CODES = [...LEDGER_NOT_FOUND_CODES, 'USER_NOT_FOUND'] as const;

/** Every error code the gateway answers with: the ledger's refusals and its own. */
export type ErrorCode = LedgerErrorCode | GatewayErrorCode;

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

/** An access token past its expiry (401): refresh it with the session's refresh token. */
export class TokenExpiredError extends DomainError {
  constructor(message = 'the access token has expired: refresh it or sign in again') {
    super('TOKEN_EXPIRED', message);
  }
}

/**
 * A sign-in through the trusted identity provider that does not hold (401): an answer of another
 * issuer, for another client, with a bad signature, nonce, state or PKCE, or refused by the
 * provider (the user disabled or deleted there, the grant revoked).
 */
export class OidcRefusedError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('OIDC_REFUSED', message, options);
  }
}

/** The identity provider's ID token carries no role claim, or one this gateway refuses (403). */
export class OidcRoleRefusedError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('OIDC_ROLE_REFUSED', message, options);
  }
}

/** The identity provider cannot be reached in time (503): try again. */
export class IdpUnavailableError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('IDP_UNAVAILABLE', message, options);
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

/** Too many attempts: try again after `retryAfterSeconds` (sent as `Retry-After`). */
export class TooManyRequestsError extends DomainError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, message = 'too many attempts: try again later') {
    super('TOO_MANY_REQUESTS', message);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
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

/** Every code a refusal of the ledger can carry (docs/ledger-api.md, "Errors"). */
export const LEDGER_ERROR_CODES = [
  'INVALID_ARGUMENT',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONSENT_NOT_FOUND',
  'EVENT_NOT_FOUND',
  'RECORD_NOT_FOUND',
  'BATCH_NOT_FOUND',
  'ORG_NOT_FOUND',
  'REFERRAL_NOT_FOUND',
  'PATIENT_NOT_FOUND',
  'CONFLICT',
  'RULE_VIOLATION',
  'REQUEST_NOT_FOUND',
  'ETHICS_APPROVAL_REQUIRED',
  'COHORT_TOO_SMALL',
] as const;

/** A coded refusal. */
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

/** A code that says an ID names nothing on the ledger. */
export type LedgerNotFoundCode = Extract<LedgerErrorCode, `${string}NOT_FOUND`>;

/** The codes that say an ID names nothing on the ledger. */
export const LEDGER_NOT_FOUND_CODES: readonly LedgerNotFoundCode[] = LEDGER_ERROR_CODES.filter(
  (code): code is LedgerNotFoundCode => code.endsWith('NOT_FOUND'),
);

/** What a {@link LedgerError} is made of. */
export interface LedgerErrorOptions {
  readonly code: LedgerErrorCode;
  /** The human-readable part of the message (never personal data). */
  readonly text: string;
  /** The error that led to this one, if any. */
  readonly cause?: unknown;
}

/**
 * A coded refusal of the ledger, as the chaincode throws it. Its message is `CODE: text`, which is
 * what the peer hands to the client in the endorsement error, so that clients recover the code with
 * {@link parseLedgerError}.
 */
export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  /** The refusal's code. */
  readonly code: LedgerErrorCode;
  /** The human-readable part of the message (never personal data). */
  readonly text: string;

  constructor(options: Readonly<LedgerErrorOptions>) {
    super(
      `${options.code}: ${options.text}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = options.code;
    this.text = options.text;
  }
}

/** Shorthand for `new LedgerError({ code, text })`, for use in expressions. */
export function ledgerError(code: LedgerErrorCode, text: string): LedgerError {
  return new LedgerError({ code, text });
}

const CODED = new RegExp(`^(?:.*?)\\b(${LEDGER_ERROR_CODES.join('|')}): (.*)$`, 's');

/**
 * Recovers the code and text of a ledger refusal from an error message, also when the message was
 * wrapped by the peer or the client SDK (`... chaincode response 500, FORBIDDEN: ...`).
 */
export function parseLedgerError(
  message: string,
): { readonly code: LedgerErrorCode; readonly text: string } | undefined {
  const match = CODED.exec(message);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { code: match[1] as LedgerErrorCode, text: match[2] };
}

import { expect } from 'vitest';
import { parseLedgerError } from '@consent-ledger/ledger-api';

/** Every text an error from @hyperledger/fabric-gateway carries (message, details, cause). */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // GatewayError.details is a list of per-peer details; a gRPC ServiceError's is a string.
  const raw = (error as { details?: unknown }).details;
  const details = Array.isArray(raw)
    ? raw.map((detail: { message?: string }) => detail.message ?? '')
    : [typeof raw === 'string' ? raw : ''];
  return [error.message, ...details, error.cause === undefined ? '' : errorText(error.cause)].join(
    '\n',
  );
}

/**
 * The chaincode's code in an error (`FORBIDDEN`, `INVALID_ARGUMENT`...), or undefined when the
 * error carries none (a framework, transport or validation failure).
 */
export function refusalCode(error: unknown): string | undefined {
  return parseLedgerError(errorText(error))?.code;
}

/** The part of an error that names the chaincode's code (`CODE: text`), else its first line. */
export function refusalLine(error: unknown): string {
  const text = errorText(error);
  const parsed = parseLedgerError(text);
  if (parsed !== undefined) return `${parsed.code}: ${parsed.text.split('\n')[0] ?? ''}`;
  return text.split('\n')[0] ?? '';
}

/** Asserts that a ledger call fails with the chaincode's coded error `CODE: ...`. */
export async function expectLedgerError(call: Promise<unknown>, code: string): Promise<string> {
  const error: unknown = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(Error);
  const text = errorText(error);
  expect(text).toMatch(new RegExp(`\\b${code}: `));
  return text;
}

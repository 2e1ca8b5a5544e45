import {
  fromBase64url,
  LedgerError,
  SALT_BYTES,
  SALT_PATTERN,
  TRANSIENT_REQUEST_KEY,
  transactionShape,
  type TransactionName,
} from '@consent-ledger/ledger-api';
import type { ChaincodeStub } from 'fabric-shim-api';
import { z } from 'zod';

/**
 * The transport of every transaction (ledger-api request.ts): a proposal has no arguments; its
 * transient entry `request` is the JSON `{ args: string[], salt?: string }`. It is decoded once per
 * transaction, before the transaction body runs, and checked against the catalogue: the number of
 * arguments, and for a submit a salt of at least 16 random bytes. Everything refused here is a
 * coded INVALID_ARGUMENT.
 */

/** A decoded, checked request. */
export interface DecodedRequest {
  /** The qualified transaction name it was decoded for. */
  readonly transaction: TransactionName;
  /** The catalogue's arguments, one string each (optional trailing arguments left out are ''). */
  readonly args: readonly string[];
  /** The transaction's salt (base64url); required for submits. */
  readonly salt?: string;
}

/** Largest transient request accepted (a batch of 100,000 items fits). */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

const requestSchema = z.strictObject({
  args: z.array(z.string()).max(16),
  salt: z.string().max(128).optional(),
});

function invalid(text: string, cause?: unknown): LedgerError {
  return new LedgerError({
    code: 'INVALID_ARGUMENT',
    text,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Whether a salt has the shape of ledger-api's SALT_PATTERN and at least SALT_BYTES bytes. */
export function isSalt(salt: string): boolean {
  if (!SALT_PATTERN.test(salt)) return false;
  try {
    return fromBase64url(salt).length >= SALT_BYTES;
  } catch {
    return false;
  }
}

/** Decodes and checks the transient request of a transaction (see the module comment). */
export function decodeRequest(stub: ChaincodeStub, transaction: string): DecodedRequest {
  const shape = transactionShape(transaction);
  if (shape === undefined) throw invalid(`unknown transaction ${transaction}`);
  const { params } = stub.getFunctionAndParameters();
  if (params.length > 0) {
    throw invalid(
      `${transaction} takes its inputs as the transient entry "${TRANSIENT_REQUEST_KEY}", not as proposal arguments`,
    );
  }
  const bytes = stub.getTransient().get(TRANSIENT_REQUEST_KEY);
  if (bytes === undefined || bytes.length === 0) {
    throw invalid(`request: the proposal carries no transient entry "${TRANSIENT_REQUEST_KEY}"`);
  }
  if (bytes.length > MAX_REQUEST_BYTES) {
    throw invalid(`request: larger than ${MAX_REQUEST_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw invalid('request: not UTF-8 JSON', cause);
  }
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) {
    throw invalid('request: must be {"args": [strings], "salt"?: string} and nothing else');
  }
  const { args, salt } = parsed.data;
  const required = shape.required ?? shape.args;
  const fn = transaction.slice(transaction.indexOf(':') + 1);
  if (args.length < required || args.length > shape.args) {
    const takes = required === shape.args ? `${shape.args}` : `${required} to ${shape.args}`;
    throw invalid(`${fn} takes ${takes} arguments, not ${args.length}`);
  }
  if (salt !== undefined && !isSalt(salt)) {
    throw invalid(`request.salt: must be at least ${SALT_BYTES} random bytes, base64url`);
  }
  if (shape.kind === 'submit' && salt === undefined) {
    throw invalid(`request.salt: ${fn} writes, and needs a fresh random salt`);
  }
  const padded = [...args];
  while (padded.length < shape.args) padded.push('');
  return {
    transaction: transaction as TransactionName,
    args: padded,
    ...(salt === undefined ? {} : { salt }),
  };
}

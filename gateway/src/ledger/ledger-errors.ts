import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  CommitError,
  CommitStatusError,
  EndorseError,
  GatewayError,
} from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { LEDGER_ERROR_CODES, type LedgerErrorCode } from '@consent-ledger/ledger-api';
import { DomainError, LedgerError } from '../common/errors.js';

const CODE_PATTERN = new RegExp(`\\b(${LEDGER_ERROR_CODES.join('|')}):\\s*([^\\n]*)`);

/** Commit statuses that a retry of the whole transaction can cure. */
export const RETRYABLE_COMMIT_CODES: ReadonlySet<number> = new Set([
  peer.TxValidationCode.MVCC_READ_CONFLICT,
  peer.TxValidationCode.PHANTOM_READ_CONFLICT,
]);

const ABORTED: number = GrpcStatus.ABORTED;
const UNAVAILABLE_CODE: number = GrpcStatus.UNAVAILABLE;

/**
 * An endorsement the gateway peer could not assemble because the endorsers answered differently:
 * Fabric's gateway answers ABORTED "failed to collect enough transaction endorsements" when, e.g.,
 * its own peer has not yet committed a block the other endorsers have (their reads of one key are
 * at different versions: "ProposalResponsePayloads do not match" in the peer's log). That is a
 * stale read found before ordering, the same conflict as an MVCC one found at validation, and a
 * new proposal cures it once the peer has caught up; nothing was ordered, so the retry is safe.
 * A chaincode refusal is "failed to endorse transaction" and is not matched.
 */
export function isEndorsementMismatch(error: unknown): boolean {
  return (
    error instanceof EndorseError &&
    error.code === ABORTED &&
    error.message.includes('failed to collect enough transaction endorsements')
  );
}

const UNREACHABLE_DETAIL =
  /unavailable|connection|connect|transport|deadline exceeded|no endorsing peers/i;

/**
 * An endorsement that failed because a peer the proposal named could not be reached: Fabric's
 * gateway answers UNAVAILABLE ("failed to find any endorsing peers for org(s): X") when an
 * organization has no live peer it knows of, and ABORTED with a detail of that organization's
 * peer when the peer dropped the connection. Another choice of endorsers may succeed (the
 * regulator in place of the patient's home); a chaincode refusal is never matched.
 */
export function isEndorserUnavailable(error: unknown, organizations: readonly string[]): boolean {
  if (!(error instanceof EndorseError)) return false;
  if (parseChaincodeError(errorMessages(error)) !== undefined) return false;
  if (error.code === UNAVAILABLE_CODE) return true;
  return (
    error.code === ABORTED &&
    error.details.some(
      (detail) => organizations.includes(detail.mspId) && UNREACHABLE_DETAIL.test(detail.message),
    )
  );
}

/** Name of a transaction validation code (`MVCC_READ_CONFLICT`, ...). */
export function validationCodeName(code: number): string {
  const entry = Object.entries(peer.TxValidationCode).find(([, value]) => value === code);
  return entry === undefined ? String(code) : entry[0];
}

/** The chaincode's `CODE: message`, found in the first of `messages` that has one. */
export function parseChaincodeError(
  messages: readonly string[],
): { code: LedgerErrorCode; message: string } | undefined {
  for (const text of messages) {
    const match = CODE_PATTERN.exec(text);
    const code = LEDGER_ERROR_CODES.find((each) => each === match?.[1]);
    if (code !== undefined) return { code, message: (match?.[2] ?? '').trim() || code };
  }
  return undefined;
}

/** Every message of a fabric-gateway error: the details from each peer first, then its own. */
export function errorMessages(error: unknown): string[] {
  const messages: string[] = [];
  if (error instanceof GatewayError)
    messages.push(...error.details.map((detail) => detail.message));
  if (error instanceof Error) {
    messages.push(error.message);
    if (error.cause instanceof Error) messages.push(error.cause.message);
  }
  return messages;
}

const UNAVAILABLE: ReadonlySet<number> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.CANCELLED,
]);

/**
 * Turns whatever a fabric-gateway call threw into a {@link LedgerError}: the chaincode's own code
 * when its message carries one, LEDGER_UNAVAILABLE when the peer could not be reached in time,
 * CONFLICT for a write that kept losing MVCC races, LEDGER_REJECTED for anything else the ledger
 * refused. The gateway's own domain errors pass through unchanged.
 */
export function toLedgerError(error: unknown, transaction: string): DomainError {
  if (error instanceof DomainError) return error;
  const coded = parseChaincodeError(errorMessages(error));
  if (coded !== undefined) return new LedgerError({ ...coded, transaction, cause: error });
  if (error instanceof CommitError) {
    const name = validationCodeName(error.code);
    return new LedgerError({
      code: RETRYABLE_COMMIT_CODES.has(error.code) ? 'CONFLICT' : 'LEDGER_REJECTED',
      message: `${transaction} was not committed: ${name}`,
      transaction,
      cause: error,
    });
  }
  if (error instanceof CommitStatusError)
    return new LedgerError({
      code: 'LEDGER_UNAVAILABLE',
      message: `${transaction}: the commit status of ${error.transactionId} is unknown (${error.message})`,
      transaction,
      cause: error,
    });
  if (error instanceof GatewayError)
    return new LedgerError({
      code: UNAVAILABLE.has(error.code) ? 'LEDGER_UNAVAILABLE' : 'LEDGER_REJECTED',
      message: `${transaction}: ${error.details.at(0)?.message ?? error.message}`,
      transaction,
      cause: error,
    });
  return new LedgerError({
    code: 'INTERNAL',
    message: `${transaction}: ${error instanceof Error ? error.message : String(error)}`,
    transaction,
    cause: error,
  });
}

/**
 * The exception filter's translation of errors the ledger client did not already map (a
 * fabric-gateway error thrown outside it): into a {@link LedgerError}; anything else as it is.
 */
export function translateLedgerError(exception: unknown): unknown {
  return exception instanceof GatewayError ||
    exception instanceof CommitError ||
    exception instanceof CommitStatusError
    ? toLedgerError(exception, 'ledger')
    : exception;
}

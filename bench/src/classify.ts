/**
 * Classification of failed operations, so a report can tell contention (MVCC and phantom read
 * conflicts, which a workload's key design may cause) from endorsement refusals, timeouts and
 * the rest.
 */

/** Kinds of failure a report counts separately. */
export type FailureKind =
  | 'MVCC_READ_CONFLICT'
  | 'PHANTOM_READ_CONFLICT'
  | 'ENDORSEMENT'
  | 'TIMEOUT'
  | 'UNAVAILABLE'
  | 'LEDGER_ERROR'
  | 'HTTP_ERROR'
  | 'OTHER';

/** Every failure kind, in report order. */
export const FAILURE_KINDS: readonly FailureKind[] = [
  'MVCC_READ_CONFLICT',
  'PHANTOM_READ_CONFLICT',
  'ENDORSEMENT',
  'TIMEOUT',
  'UNAVAILABLE',
  'LEDGER_ERROR',
  'HTTP_ERROR',
  'OTHER',
];

// fabric-protos TxValidationCode values of the two read conflicts.
const MVCC_READ_CONFLICT = 11;
const PHANTOM_READ_CONFLICT = 12;
// gRPC status codes.
const DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

const LEDGER_CODE = /\b(INVALID_ARGUMENT|FORBIDDEN|[A-Z]*_?NOT_FOUND|CONFLICT|RULE_VIOLATION): /;

/** An HTTP answer that was not the expected success, thrown by the REST workloads. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  readonly status: number;

  constructor(status: number, body: string) {
    super(`HTTP ${String(status)}: ${body.slice(0, 200)}`);
    this.status = status;
  }
}

/** A failure's name, message and (Fabric Gateway errors) the peers' details, on one line. */
export function describeFailure(error: unknown): string {
  return textOf(error).replace(/\s+/g, ' ').trim();
}

function textOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = (error as { details?: unknown }).details;
  const detailText = Array.isArray(details)
    ? details.map((detail: { message?: unknown }) => String(detail.message)).join(' ')
    : '';
  return `${error.name} ${error.message} ${detailText}`;
}

/** The kind of a failure thrown by a Fabric Gateway client call, a fetch or a check. */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof HttpStatusError) {
    if (error.status === 503 || error.status === 504) return 'UNAVAILABLE';
    return 'HTTP_ERROR';
  }
  const name = error instanceof Error ? error.name : '';
  const code = (error as { code?: unknown } | null)?.code;
  const text = textOf(error);
  if (name === 'CommitError') {
    if (code === MVCC_READ_CONFLICT || text.includes('MVCC_READ_CONFLICT'))
      return 'MVCC_READ_CONFLICT';
    if (code === PHANTOM_READ_CONFLICT || text.includes('PHANTOM_READ_CONFLICT'))
      return 'PHANTOM_READ_CONFLICT';
    if (text.includes('ENDORSEMENT_POLICY_FAILURE')) return 'ENDORSEMENT';
    return 'OTHER';
  }
  if (text.includes('MVCC_READ_CONFLICT')) return 'MVCC_READ_CONFLICT';
  if (text.includes('PHANTOM_READ_CONFLICT')) return 'PHANTOM_READ_CONFLICT';
  if (code === DEADLINE_EXCEEDED || /timed? ?out|deadline exceeded|TimeoutError/i.test(text))
    return 'TIMEOUT';
  if (code === GRPC_UNAVAILABLE || /ECONNREFUSED|UNAVAILABLE|ECONNRESET/.test(text))
    return 'UNAVAILABLE';
  if (LEDGER_CODE.test(text)) return 'LEDGER_ERROR';
  if (name === 'EndorseError' || /endorse/i.test(text)) return 'ENDORSEMENT';
  return 'OTHER';
}

/** Failure counts by kind, every kind present (0 when none). */
export type FailureCounts = Record<FailureKind, number>;

/** Counts failures by kind. */
export function countFailures(kinds: readonly FailureKind[]): FailureCounts {
  const counts = Object.fromEntries(FAILURE_KINDS.map((kind) => [kind, 0])) as FailureCounts;
  for (const kind of kinds) counts[kind] += 1;
  return counts;
}

import {
  GUARDIAN_ID_PATTERN,
  PATIENT_ID_PATTERN,
  STATEMENT_VERSION,
  type ActionStatement,
  type PatientActionName,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import type { PatientSession } from '../auth/principal.js';
import { ForbiddenError, InvalidArgumentError } from '../common/errors.js';

/**
 * What the gateway reads of a patient's signed statement before carrying it (docs/patient-keys.md).
 * The chaincode checks the signature, the key, the nonce and the times on every endorsing peer;
 * the gateway checks only what makes it refuse early and what the chaincode cannot know: that the
 * statement is for this route's action and this gateway's channel and chaincode, and that it
 * speaks for the patient of the session that posts it, signed by that session's signer.
 */

/** Where a statement must be valid: this gateway's channel and chaincode. */
export interface StatementTarget {
  readonly channel: string;
  readonly chaincode: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A signed action whose statement was read: the statement, and the action typed by it. */
export interface ReadAction<A extends PatientActionName> {
  readonly statement: ActionStatement<A>;
  readonly signed: SignedAction<A>;
}

/**
 * The statement of a signed action, for the action `action` on `target`: INVALID_ARGUMENT when it
 * is not a statement, names another action, channel or chaincode.
 */
export function readStatement<A extends PatientActionName>(
  signed: SignedAction,
  action: A,
  target: StatementTarget,
): ReadAction<A> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(signed.statement);
  } catch {
    throw new InvalidArgumentError('action.statement is not JSON');
  }
  if (!isObject(parsed) || parsed.version !== STATEMENT_VERSION)
    throw new InvalidArgumentError(
      `action.statement is not a version ${STATEMENT_VERSION} statement`,
    );
  const { signer, payload, patientId } = parsed;
  if (parsed.action !== action)
    throw new InvalidArgumentError(
      `the statement authorizes ${String(parsed.action)}, not ${action}`,
    );
  if (parsed.channel !== target.channel || parsed.chaincode !== target.chaincode)
    throw new InvalidArgumentError(
      `the statement is for ${String(parsed.chaincode)} on ${String(parsed.channel)}, not ${target.chaincode} on ${target.channel}`,
    );
  if (typeof patientId !== 'string' || !PATIENT_ID_PATTERN.test(patientId))
    throw new InvalidArgumentError('the statement names no patient pseudonym');
  const signerValid =
    isObject(signer) &&
    typeof signer.keyId === 'string' &&
    ((signer.kind === 'patient' && signer.id === patientId) ||
      (signer.kind === 'guardian' &&
        typeof signer.id === 'string' &&
        GUARDIAN_ID_PATTERN.test(signer.id)));
  if (!signerValid)
    throw new InvalidArgumentError('the statement names no signer: the patient, or a guardian');
  if (!isObject(payload)) throw new InvalidArgumentError('the statement has no payload');
  return {
    statement: parsed as unknown as ActionStatement<A>,
    signed: { statement: signed.statement, signature: signed.signature },
  };
}

/**
 * Refuses (FORBIDDEN) a statement that speaks for another patient than the session's, or is
 * signed by another signer than the session's (the patient, or the guardian signed in).
 */
export function assertSpeaksFor(statement: ActionStatement, session: PatientSession): void {
  if (statement.patientId !== session.patientId)
    throw new ForbiddenError('the statement speaks for another patient than this session');
  const expected =
    session.guardianId === undefined
      ? { kind: 'patient', id: session.patientId }
      : { kind: 'guardian', id: session.guardianId };
  if (statement.signer.kind !== expected.kind || statement.signer.id !== expected.id)
    throw new ForbiddenError("the statement is signed by someone other than this session's signer");
}

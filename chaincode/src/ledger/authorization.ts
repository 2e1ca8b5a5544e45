import { ledgerError, refusal, type Principal } from '@consent-ledger/ledger-api';
import type { Caller } from './ledger-context';

/**
 * The chaincode's side of the authorization matrix. The matrix itself (who may call what) is
 * ledger-api's AUTHORIZATION_MATRIX; every ledger transaction is checked against it by
 * LedgerContract.beforeTransaction before its body runs. What a transaction checks beyond it
 * (ownership, scoping) is named in its rule's `scope` and done by the guards in guards.ts.
 */

/** The principal of a resolved caller. */
export function principalOf(caller: Caller): Principal {
  return {
    mspId: caller.mspId,
    role: caller.role,
    orgType: caller.orgType,
    registered: caller.organization !== undefined,
  };
}

/** Refuses with FORBIDDEN when the matrix does not allow the caller. */
export function authorize(transaction: string, caller: Caller): void {
  const why = refusal(transaction, principalOf(caller));
  if (why !== undefined) throw ledgerError('FORBIDDEN', why);
}

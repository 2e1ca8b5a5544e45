import { describe, expect, it } from 'vitest';
import {
  LEDGER_ERROR_CODES,
  LedgerError,
  ledgerError,
  parseLedgerError,
} from '@consent-ledger/ledger-api';

describe('LedgerError', () => {
  it('carries name, code, cause and a `CODE: text` message', () => {
    const cause = new Error('inner');
    const error = new LedgerError({
      code: 'CONFLICT',
      text: 'consent con-1 is already revoked',
      cause,
    });
    expect(error).toBeInstanceOf(LedgerError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('LedgerError');
    expect(error.code).toBe('CONFLICT');
    expect(error.text).toBe('consent con-1 is already revoked');
    expect(error.message).toBe('CONFLICT: consent con-1 is already revoked');
    expect(error.cause).toBe(cause);
    expect(ledgerError('FORBIDDEN', 'x').cause).toBeUndefined();
  });

  it('is parsed back from messages, also when wrapped by the peer or the SDK', () => {
    for (const code of LEDGER_ERROR_CODES) {
      expect(parseLedgerError(ledgerError(code, 'a: b').message)).toEqual({
        code,
        text: 'a: b',
      });
    }
    expect(
      parseLedgerError('10 ABORTED: failed to endorse: chaincode response 500, FORBIDDEN: no'),
    ).toEqual({ code: 'FORBIDDEN', text: 'no' });
    expect(parseLedgerError('Expected 1 parameters, but 2 have been supplied')).toBeUndefined();
    expect(parseLedgerError('NOT_A_CODE: x')).toBeUndefined();
  });
});

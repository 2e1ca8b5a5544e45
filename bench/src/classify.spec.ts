import { describe, expect, it } from 'vitest';
import { classifyFailure, countFailures, HttpStatusError } from './classify.ts';

function fabricError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

describe('failure classification', () => {
  it('counts MVCC and phantom read conflicts apart', () => {
    expect(classifyFailure(fabricError('CommitError', 'failed to commit', { code: 11 }))).toBe(
      'MVCC_READ_CONFLICT',
    );
    expect(classifyFailure(fabricError('CommitError', 'failed to commit', { code: 12 }))).toBe(
      'PHANTOM_READ_CONFLICT',
    );
    expect(
      classifyFailure(
        fabricError('CommitError', 'status ENDORSEMENT_POLICY_FAILURE', { code: 10 }),
      ),
    ).toBe('ENDORSEMENT');
  });

  it('tells timeouts, unavailability, ledger refusals and endorsement failures apart', () => {
    expect(
      classifyFailure(fabricError('CommitStatusError', 'Deadline exceeded', { code: 4 })),
    ).toBe('TIMEOUT');
    expect(classifyFailure(fabricError('EndorseError', 'connect', { code: 14 }))).toBe(
      'UNAVAILABLE',
    );
    const refused = fabricError('EndorseError', '10 ABORTED: failed to endorse transaction', {
      code: 10,
      details: [{ message: 'chaincode response 500, CONFLICT: consent con-1 is already revoked' }],
    });
    expect(classifyFailure(refused)).toBe('LEDGER_ERROR');
    expect(
      classifyFailure(fabricError('EndorseError', '10 ABORTED: failed to endorse', { code: 10 })),
    ).toBe('ENDORSEMENT');
  });

  it('classifies REST answers by status and anything else as other', () => {
    expect(classifyFailure(new HttpStatusError(503, '{"code":"LEDGER_UNAVAILABLE"}'))).toBe(
      'UNAVAILABLE',
    );
    expect(classifyFailure(new HttpStatusError(409, '{"code":"CONFLICT"}'))).toBe('HTTP_ERROR');
    expect(classifyFailure(new Error('access deny, not permit'))).toBe('OTHER');
    expect(classifyFailure('a string')).toBe('OTHER');
  });

  it('counts every kind, zero included', () => {
    const counts = countFailures(['TIMEOUT', 'TIMEOUT', 'MVCC_READ_CONFLICT']);
    expect(counts.TIMEOUT).toBe(2);
    expect(counts.MVCC_READ_CONFLICT).toBe(1);
    expect(counts.OTHER).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { createInMemoryLedger } from '../testing/in-memory-ledger';
import { isDay, isInstant } from '@consent-ledger/ledger-api';
import { addMillis, dayOf, daysBetween, nextDay, spanInDays, transactionTime } from './time';

describe('ledger time', () => {
  it('reads the transaction timestamp as an ISO instant with milliseconds', () => {
    const stub = createInMemoryLedger().simulate({
      txId: 't',
      timestamp: '2026-11-22T03:27:06.155Z',
      creator: { mspid: 'M', idBytes: Buffer.alloc(0) },
      args: [],
    }).stub;
    expect(transactionTime(stub)).toBe('2026-11-22T03:27:06.155Z');
  });

  it('checks instants and days against the calendar', () => {
    expect(isInstant('2026-11-22T03:27:06.155Z')).toBe(true);
    expect(isInstant('2026-04-31T00:00:00.000Z')).toBe(false);
    expect(isDay('2026-11-22')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-1-2')).toBe(false);
  });

  it('does day arithmetic in UTC', () => {
    expect(dayOf('2026-11-22T23:59:59.999Z')).toBe('2026-11-22');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    expect(addMillis('2026-11-22T00:00:00.000Z', 3_600_000)).toBe('2026-11-22T01:00:00.000Z');
    expect(daysBetween('2026-11-22T10:00:00.000Z', '2026-11-24T00:00:00.000Z')).toEqual([
      '2026-11-22',
      '2026-11-23',
    ]);
    expect(daysBetween('2026-11-22T10:00:00.000Z', '2026-11-24T00:00:00.001Z')).toEqual([
      '2026-11-22',
      '2026-11-23',
      '2026-11-24',
    ]);
    expect(spanInDays('2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z')).toBe(365);
    expect(spanInDays('2026-01-02T00:00:00.000Z', '2026-01-01T00:00:00.000Z')).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { createLedgerBlockTracker } from './ledger-block.ts';

const answer = (block?: string): Headers =>
  new Headers(block === undefined ? {} : { 'Ledger-Block': block });

describe('the ledger block tracker', () => {
  it('sends nothing before a write was noted', () => {
    const tracker = createLedgerBlockTracker();
    tracker.note(answer());
    const headers: Record<string, string> = {};
    tracker.stamp(headers);
    expect(headers).toEqual({});
    expect(tracker.lastBlock).toBeUndefined();
  });

  it('sends the highest block noted, never a lower or malformed one', () => {
    const tracker = createLedgerBlockTracker();
    for (const block of ['17', '41', '39', 'latest', '-1', '041', '99999999999999999999'])
      tracker.note(answer(block));
    expect(tracker.lastBlock).toBe(41n);
    const headers: Record<string, string> = { authorization: 'Bearer x' };
    tracker.stamp(headers);
    expect(headers).toEqual({ authorization: 'Bearer x', 'ledger-min-block': '41' });
  });

  it('leaves a Ledger-Min-Block the caller set, whatever its case', () => {
    const tracker = createLedgerBlockTracker();
    tracker.note(answer('12'));
    const headers: Record<string, string> = { 'Ledger-Min-Block': '3' };
    tracker.stamp(headers);
    expect(headers).toEqual({ 'Ledger-Min-Block': '3' });
  });
});

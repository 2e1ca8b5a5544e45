import { describe, expect, it } from 'vitest';
import type { AccessEvent } from '@consent-ledger/ledger-api';
import { denyRates, labelShown, lastDays, overallRate, rateRuns } from './activity.ts';

const event = (timestamp: string, decision: AccessEvent['decision']): AccessEvent =>
  ({ timestamp, decision }) as AccessEvent;

describe('activity chart data', () => {
  it('lists the last days in UTC, oldest first', () => {
    expect(lastDays(3, new Date('2026-12-06T23:30:00+08:00'))).toEqual([
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
    ]);
  });

  it('gives a day without accesses no deny rate, and the line a gap there', () => {
    const days = ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05'];
    const points = denyRates(
      [
        event('2026-12-01T08:00:00.000Z', 'deny'),
        event('2026-12-01T09:00:00.000Z', 'permit'),
        event('2026-12-03T10:00:00.000Z', 'permit'),
        event('2026-12-04T10:00:00.000Z', 'deny'),
      ],
      days,
    );
    expect(points.map((point) => point.rate)).toEqual([0.5, undefined, 0, 1, undefined]);
    expect(points.map((point) => point.of)).toEqual([2, 0, 1, 1, 0]);
    expect(rateRuns(points)).toEqual([[0], [2, 3]]);
    expect(overallRate(points)).toBe(0.5);
  });

  it('draws nothing and reports 0 % when there was no traffic at all', () => {
    const points = denyRates([], ['2026-12-01', '2026-12-02']);
    expect(rateRuns(points)).toEqual([]);
    expect(overallRate(points)).toBe(0);
  });

  it('labels every day when there is room, and thins the labels on a narrow chart without touching', () => {
    const shown = (count: number, slot: number): number[] =>
      Array.from({ length: count }, (_, index) => index).filter((index) =>
        labelShown({ index, count, slot }),
      );
    // 14 days on a desktop chart (slot 60 px): every day.
    expect(shown(14, 60)).toEqual([...Array(14).keys()]);
    // 14 days on a phone (slot ~ 21 px): every third day, the last always, none closer than 44 px.
    const phone = shown(14, 21);
    expect(phone.at(-1)).toBe(13);
    expect(phone[0]).toBe(0);
    for (let i = 1; i < phone.length; i += 1)
      expect(((phone[i] ?? 0) - (phone[i - 1] ?? 0)) * 21).toBeGreaterThanOrEqual(44);
    expect(phone.length).toBeGreaterThanOrEqual(4);
    // One day: its label.
    expect(shown(1, 300)).toEqual([0]);
  });
});

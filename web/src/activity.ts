import type { AccessEvent } from '@consent-ledger/ledger-api';

/**
 * The regulator's activity charts' data, from access events: days, the deny rate per day and the
 * runs of days a rate line is drawn through.
 */

/** One point of a rate line: a day, its rate 0..1 (none on a day without traffic) and its count. */
export interface RatePoint {
  readonly label: string;
  readonly rate: number | undefined;
  readonly of: number;
}

/** The last `days` UTC days as YYYY-MM-DD, oldest first. */
export function lastDays(days: number, now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, index) =>
    new Date(today - (days - 1 - index) * 86_400_000).toISOString().slice(0, 10),
  );
}

/** The share of denied accesses per day; a day without accesses has no rate (not 0 %). */
export function denyRates(events: readonly AccessEvent[], days: readonly string[]): RatePoint[] {
  return days.map((label) => {
    const ofDay = events.filter((event) => event.timestamp.startsWith(label));
    const denied = ofDay.filter((event) => event.decision === 'deny').length;
    return {
      label,
      rate: ofDay.length === 0 ? undefined : denied / ofDay.length,
      of: ofDay.length,
    };
  });
}

/**
 * The runs of consecutive points that have a rate, as indices: a line is drawn through each run,
 * so that a day without traffic is a gap in it rather than a fall to 0 %.
 */
export function rateRuns(points: readonly RatePoint[]): number[][] {
  const runs: number[][] = [];
  let current: number[] = [];
  points.forEach((point, index) => {
    if (point.rate === undefined) {
      if (current.length > 0) runs.push(current);
      current = [];
    } else current.push(index);
  });
  if (current.length > 0) runs.push(current);
  return runs;
}

/** The rate over all points, weighted by their counts (0 when there was no traffic at all). */
export function overallRate(points: readonly RatePoint[]): number {
  const total = points.reduce((sum, point) => sum + point.of, 0);
  const weighted = points.reduce((sum, point) => sum + (point.rate ?? 0) * point.of, 0);
  return total === 0 ? 0 : weighted / total;
}

/** The least room an axis label of a day (`MM-DD` at 12 px) needs, in CSS pixels. */
const LABEL_ROOM = 44;

/**
 * Whether the day at `index` of `count`, `slot` pixels apart, gets its axis label: every k-th one
 * so that labels never touch, and always the last.
 */
export function labelShown(
  options: Readonly<{ index: number; count: number; slot: number }>,
): boolean {
  const { index, count, slot } = options;
  const every = Math.max(1, Math.ceil(LABEL_ROOM / Math.max(1, slot)));
  const last = count - 1;
  // The last label is kept; the regular one just before it gives way if they would touch.
  if (index === last) return true;
  return index % every === 0 && (last - index) * slot >= LABEL_ROOM;
}

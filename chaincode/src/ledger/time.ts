import type { ChaincodeStub } from 'fabric-shim-api';

/**
 * Time on the ledger. The only clock is the transaction timestamp the client put in the proposal,
 * identical on every endorser; everything is an ISO 8601 UTC instant with milliseconds, which sorts
 * lexicographically in time order and so can be used directly inside composite keys (ledger-api's
 * isInstant and isDay check the canonical forms).
 */

const DAY_MS = 86_400_000;

/** The transaction's timestamp as an ISO instant (millisecond precision, nanoseconds truncated). */
export function transactionTime(stub: ChaincodeStub): string {
  const { seconds, nanos } = stub.getTxTimestamp();
  // The shim hands seconds as a Long; Number() also accepts a plain number.
  const millis = Number(seconds.toString()) * 1000 + Math.floor(nanos / 1_000_000);
  return new Date(millis).toISOString();
}

/** The UTC day (`YYYY-MM-DD`) of an instant. */
export function dayOf(instant: string): string {
  return instant.slice(0, 10);
}

/** The first instant of a day. */
export function dayStart(day: string): string {
  return `${day}T00:00:00.000Z`;
}

/** An instant moved by a number of milliseconds. */
export function addMillis(instant: string, millis: number): string {
  return new Date(Date.parse(instant) + millis).toISOString();
}

/** The day after a day. */
export function nextDay(day: string): string {
  return dayOf(addMillis(dayStart(day), DAY_MS));
}

/** Whole days from one instant to another, rounded up (0 when `to` <= `from`). */
export function spanInDays(from: string, to: string): number {
  return Math.max(0, Math.ceil((Date.parse(to) - Date.parse(from)) / DAY_MS));
}

/** The days `[from, to)` touches, oldest first. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = dayOf(from); dayStart(day) < to; day = nextDay(day)) days.push(day);
  return days;
}

/** The latest millisecond a descending time attribute can stand for (year 2286). */
const LAST_MILLIS = 9_999_999_999_999;

/**
 * An instant as a descending time attribute (keys.ts `rts`): 13 digits that sort newest first, so
 * that a forward range scan (the only kind Fabric has) reads the newest entries first.
 */
export function descendingTime(instant: string): string {
  return String(LAST_MILLIS - Date.parse(instant)).padStart(13, '0');
}

/**
 * FHIR date/dateTime values as ledger instants. The ledger works in ISO 8601 UTC with milliseconds;
 * FHIR allows partial dates (`2026`, `2026-11`, `2026-11-22`) and any time-zone offset. A value
 * stands for the range of its precision (FHIR search semantics): `2026-11-22` is
 * [2026-11-22T00:00:00.000Z, 2026-11-23T00:00:00.000Z); `2026-11-22T10:00` (minute precision, as
 * search values may be) is that minute. A date without a time is read as UTC; a time needs its zone (R4 dateTime).
 */

const DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

/** A half-open instant range `[start, end)`, as ISO strings, and whether the value had a time. */
export interface FhirDateRange {
  readonly start: string;
  readonly end: string;
  readonly hasTime: boolean;
}

/** The range a FHIR date/dateTime stands for, or undefined when it is not one (or not a real date). */
export function fhirDateRange(value: string): FhirDateRange | undefined {
  const match = DATE_TIME.exec(value);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (h === undefined) {
    const start = utc(year, month - 1, day);
    const end =
      mo === undefined
        ? utc(year + 1, 0, 1)
        : d === undefined
          ? utc(year, month, 1)
          : utc(year, month - 1, day + 1);
    return { start: iso(start), end: iso(end), hasTime: false };
  }
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = zoneOffsetMinutes(zone ?? 'Z');
  if (offset === undefined) return undefined;
  const digits = fraction ?? '';
  const millis = Number(digits.padEnd(3, '0').slice(0, 3));
  const unit =
    s === undefined ? 60_000 : digits === '' ? 1000 : Math.max(1, 10 ** (3 - digits.length));
  const start =
    utc(year, month - 1, day) + ((hour * 60 + minute - offset) * 60 + second) * 1000 + millis;
  return { start: iso(start), end: iso(start + unit), hasTime: true };
}

/** The instant a FHIR value starts at (a `Period.start`, a lower bound). */
export function startInstant(value: string): string | undefined {
  return fhirDateRange(value)?.start;
}

/**
 * The exclusive instant a FHIR value ends at, as the ledger's `validUntil`/`dataUntil`: a partial
 * date covers its whole day (month, year), so `2027-11-22` ends at `2027-11-23T00:00:00.000Z`; a
 * full dateTime is taken as the exact (exclusive) end instant.
 */
export function endInstant(value: string): string | undefined {
  const range = fhirDateRange(value);
  if (range === undefined) return undefined;
  return range.hasTime ? range.start : range.end;
}

function utc(year: number, monthIndex: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}

function iso(millis: number): string {
  return new Date(millis).toISOString();
}

function daysIn(year: number, month: number): number {
  return new Date(utc(year, month, 0)).getUTCDate();
}

function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return undefined;
  return sign * (hours * 60 + minutes);
}

import { InvalidArgumentError } from './errors.js';

/** Throws INVALID_ARGUMENT unless `from` is before `until` (when both are given). */
export function assertPeriod(
  from: string | undefined,
  until: string | undefined,
  what: Readonly<{ from: string; until: string; allowEqual?: boolean }>,
): void {
  if (from === undefined || until === undefined) return;
  const start = Date.parse(from);
  const end = Date.parse(until);
  if (end < start || (end === start && what.allowEqual !== true))
    throw new InvalidArgumentError(`${what.until} must be after ${what.from}`);
}

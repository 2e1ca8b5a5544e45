import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { INSTANT_PATTERN } from '@consent-ledger/ledger-api';

/**
 * Whether the date and time of an ISO 8601 timestamp exist as written: Date.parse rolls
 * 2026-02-30 over to 2 March and hour 24 to the next day, which a client never means.
 */
export function isRealDateTime(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (match === null) return false;
  const [year, month, day, hour, minute, second = 0] = match
    .slice(1)
    .map((part: string | undefined) => (part === undefined ? 0 : Number(part)));
  if (year === undefined || month === undefined || day === undefined || hour === undefined)
    return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second);
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/**
 * Normalizes a timestamp to ISO 8601 UTC with milliseconds (what the ledger stores); leaves
 * anything unparsable or impossible (2026-02-30) as it is, for the validator to refuse.
 */
export const ToUtcMillis = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return value;
    const time = Date.parse(value);
    return Number.isNaN(time) || !isRealDateTime(value) ? value : new Date(time).toISOString();
  });

/** A timestamp field: parsed, normalized to UTC milliseconds, validated (and real). */
export const IsUtcTimestamp = (): PropertyDecorator => (target, key) => {
  ToUtcMillis()(target, key);
  Matches(INSTANT_PATTERN, { message: `${String(key)} must be an ISO 8601 timestamp` })(
    target,
    key,
  );
  ValidateBy(
    {
      name: 'isRealDateTime',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isRealDateTime(value),
      },
    },
    { message: `${String(key)} must be a date and time that exist` },
  )(target, key);
};

/** A query parameter that may come as `a,b` or repeated `x=a&x=b`: always an array of strings. */
export const ToStringArray = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (value === undefined) return undefined;
    const list = Array.isArray(value) ? (value as unknown[]) : [value];
    return list.flatMap((item) =>
      typeof item === 'string'
        ? item
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '')
        : [item],
    );
  });

/** A query parameter `true`/`false` as a boolean (anything else is left for the validator). */
export const ToBoolean = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  );

/** Lower-cases a string (hex digests). */
export const ToLowerCase = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );

/** The page size of a ledger query: 1 to 100, from a query string. */
export const IsPageSize = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(100),
  );

/** The bookmark of a ledger query's previous page. */
export const IsBookmark = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description: 'opaque bookmark of the previous page' }),
    IsOptional(),
    IsString(),
    MaxLength(4096),
  );

/**
 * Paging of the ledger's queries. A DTO that already extends another class declares the two
 * fields with {@link IsPageSize} and {@link IsBookmark}: Nest's mapped types (IntersectionType)
 * copy the transforms only when they can load class-transformer themselves, which they cannot
 * from the workspace root, and then `pageSize=100` stays a string and fails validation.
 */
export class PageQueryDto {
  @IsPageSize()
  pageSize?: number;

  @IsBookmark()
  bookmark?: string;
}

/**
 * A list of codes from one vocabulary (purposes, categories, sensitivity labels): at least one,
 * each known, none twice. The OpenAPI property is the caller's (it carries the field's wording).
 */
export const IsCodeList = (values: readonly string[]): PropertyDecorator =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(values.length),
    ArrayUnique(),
    IsIn(values, { each: true }),
  );

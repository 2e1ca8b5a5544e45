import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { UTC_MILLIS } from './vocabulary.js';

/**
 * Normalizes a timestamp to ISO 8601 UTC with milliseconds (what the ledger stores); leaves
 * anything unparsable as it is, for the validator to refuse.
 */
export const ToUtcMillis = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return value;
    const time = Date.parse(value);
    return Number.isNaN(time) ? value : new Date(time).toISOString();
  });

/** A timestamp field: parsed, normalized to UTC milliseconds, validated. */
export const IsUtcTimestamp = (): PropertyDecorator => (target, key) => {
  ToUtcMillis()(target, key);
  Matches(UTC_MILLIS, { message: `${String(key)} must be an ISO 8601 timestamp` })(target, key);
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

/** Paging of the ledger's queries. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;

  @ApiPropertyOptional({ description: 'opaque bookmark of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  bookmark?: string;
}

/** A page of a ledger query. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; empty when there is no more. */
  readonly bookmark: string;
}

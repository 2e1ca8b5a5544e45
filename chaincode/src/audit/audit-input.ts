import {
  DECISIONS,
  REGION_LEVELS,
  RETENTION_KINDS,
  REVIEW_OUTCOMES,
  type AccessEventQuery,
  type PurgeOrder,
  type ReviewInput,
  type ReviewQuery,
  type StatisticsQuery,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';
import { regionCodeSchema } from '../ledger/region';
import { spanInDays } from '../ledger/time';
import {
  bookmarkSchema,
  daySchema,
  derivedIdSchema,
  inputOf,
  instantSchema,
  mspIdSchema,
  pageSizeSchema,
  parseJsonArgument,
  patientIdSchema,
  validate,
} from '../ledger/validation';

/** Longest statistics window, in days. */
export const MAX_STATISTICS_DAYS = 366;

function windowOrdered(
  input: { readonly from?: string | undefined; readonly to?: string | undefined },
  context: z.RefinementCtx,
): void {
  if (input.from !== undefined && input.to !== undefined && input.from >= input.to) {
    context.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  }
}

const eventQuerySchema = inputOf<AccessEventQuery>()(
  z
    .strictObject({
      patientId: patientIdSchema.optional(),
      accessorOrg: mspIdSchema.optional(),
      from: instantSchema.optional(),
      to: instantSchema.optional(),
      decision: z.enum(DECISIONS).optional(),
      breakGlass: z.boolean().optional(),
      region: regionCodeSchema.optional(),
      pageSize: pageSizeSchema.optional(),
      bookmark: bookmarkSchema.optional(),
    })
    .superRefine(windowOrdered),
);

/** A validated QueryAccessEvents input. */
export type EventQuery = z.output<typeof eventQuerySchema>;

/** Parses QueryAccessEvents' input. */
export function parseEventQuery(json: string): EventQuery {
  return parseJsonArgument(eventQuerySchema, { json, what: 'query' });
}

const reviewQuerySchema = inputOf<ReviewQuery>()(
  z.strictObject({
    pageSize: pageSizeSchema.optional(),
    bookmark: bookmarkSchema.optional(),
  }),
);

/** Parses QueryEmergencyReviews' input. */
export function parseReviewQuery(json: string): z.output<typeof reviewQuerySchema> {
  return parseJsonArgument(reviewQuerySchema, { json, what: 'query' });
}

const statisticsQuerySchema = inputOf<StatisticsQuery>()(
  z
    .strictObject({
      from: instantSchema,
      to: instantSchema,
      level: z.enum(REGION_LEVELS),
      region: regionCodeSchema.optional(),
    })
    .superRefine((input, context) => {
      windowOrdered(input, context);
      if (spanInDays(input.from, input.to) > MAX_STATISTICS_DAYS) {
        context.addIssue({
          code: 'custom',
          path: ['to'],
          message: `must be at most ${MAX_STATISTICS_DAYS} days after from`,
        });
      }
    }),
);

/** A validated GetStatistics input. */
export type ValidStatisticsQuery = z.output<typeof statisticsQuerySchema>;

/** Parses GetStatistics' input. */
export function parseStatisticsQuery(json: string): ValidStatisticsQuery {
  return parseJsonArgument(statisticsQuerySchema, { json, what: 'query' });
}

const reviewSchema = inputOf<ReviewInput>()(z.strictObject({ outcome: z.enum(REVIEW_OUTCOMES) }));

/** Parses ReviewEmergencyAccess's review input. */
export function parseReview(json: string): z.output<typeof reviewSchema> {
  return parseJsonArgument(reviewSchema, { json, what: 'review' });
}

/** Validates an access event ID argument. */
export function parseEventId(value: string): string {
  return validate(derivedIdSchema('evt'), { value, what: 'eventId' });
}

/** Validates RollupStatistics' day argument. */
export function parseDay(value: string): string {
  return validate(daySchema, { value, what: 'day' });
}

/** Most items one PurgeExpired erases. */
export const MAX_PURGE_LIMIT = 500;

/** Items PurgeExpired erases when no limit is given. */
export const DEFAULT_PURGE_LIMIT = 100;

const purgeOrderSchema = inputOf<PurgeOrder>()(
  z.strictObject({
    collection: z
      .string()
      .regex(
        /^(org|pair)_[A-Za-z][A-Za-z0-9.-]{0,63}(_[A-Za-z][A-Za-z0-9.-]{0,63})?$/,
        'must be a collection name',
      ),
    kind: z.enum(RETENTION_KINDS),
    before: instantSchema,
    limit: z.number().int().min(1).max(MAX_PURGE_LIMIT).optional(),
  }),
);

/** A validated PurgeExpired order. */
export type ValidPurgeOrder = z.output<typeof purgeOrderSchema>;

/** Parses PurgeExpired's order. */
export function parsePurgeOrder(json: string): ValidPurgeOrder {
  return parseJsonArgument(purgeOrderSchema, { json, what: 'order' });
}

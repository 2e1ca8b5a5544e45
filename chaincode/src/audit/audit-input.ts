import {
  CATEGORIES,
  DECISIONS,
  derivedIdPattern,
  isDay,
  PURPOSES,
  REGION_LEVELS,
  OPEN_STATISTICS_MAX_DAYS,
  RESULT_ORDERS,
  RETENTION_KINDS,
  REVIEW_OUTCOMES,
  type AccessEventQuery,
  type DayCounts,
  type DerivedIdPrefix,
  type OpenStatisticsQuery,
  type PurgeList,
  type PurgeOrder,
  type RetentionKind,
  type ReviewInput,
  type ReviewQuery,
  type StatisticsQuery,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';
import { regionCodeSchema } from '../ledger/region';
import { dayStart, nextDay, spanInDays } from '../ledger/time';
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
  sha256Schema,
  sortedUnique,
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
      order: z.enum(RESULT_ORDERS).optional(),
      withTotal: z.boolean().optional(),
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

const openStatisticsQuerySchema = inputOf<OpenStatisticsQuery>()(
  z.strictObject({ from: daySchema, to: daySchema }).superRefine((input, context) => {
    // The refinement also runs when a day was refused above: measure only two real days.
    if (!isDay(input.from) || !isDay(input.to)) return;
    if (input.to < input.from) {
      context.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    } else if (
      spanInDays(dayStart(input.from), dayStart(nextDay(input.to))) > OPEN_STATISTICS_MAX_DAYS
    ) {
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: `must be at most ${OPEN_STATISTICS_MAX_DAYS} days from from, both included`,
      });
    }
  }),
);

/** A validated GetOpenStatistics input. */
export type ValidOpenStatisticsQuery = z.output<typeof openStatisticsQuerySchema>;

/** Parses GetOpenStatistics' input. */
export function parseOpenStatisticsQuery(json: string): ValidOpenStatisticsQuery {
  return parseJsonArgument(openStatisticsQuerySchema, { json, what: 'query' });
}

const reviewSchema = inputOf<ReviewInput>()(
  z.strictObject({ outcome: z.enum(REVIEW_OUTCOMES), commentHash: sha256Schema }),
);

/** Parses ReviewEmergencyAccess's review input. */
export function parseReview(json: string): z.output<typeof reviewSchema> {
  return parseJsonArgument(reviewSchema, { json, what: 'review' });
}

/** Validates an access event ID argument. */
export function parseEventId(value: string): string {
  return validate(derivedIdSchema('evt'), { value, what: 'eventId' });
}

/** Validates CountDay's day argument. */
export function parseDay(value: string): string {
  return validate(daySchema, { value, what: 'day' });
}

/** A map of counts by key: positive whole numbers, keys from a list. */
function countsBy(keys: readonly string[]) {
  return z
    .record(z.string(), z.number().int().min(1).max(Number.MAX_SAFE_INTEGER))
    .superRefine((counts, context) => {
      for (const key of Object.keys(counts)) {
        if (!keys.includes(key)) {
          context.addIssue({
            code: 'custom',
            path: [key],
            message: `must be one of ${keys.join(', ')}`,
          });
        }
      }
    });
}

const sum = (counts: Readonly<Record<string, number>>): number =>
  Object.values(counts).reduce((total, count) => total + count, 0);

const regionCountsSchema = z
  .strictObject({
    total: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    byPurpose: countsBy(PURPOSES),
    byCategory: countsBy(CATEGORIES),
    byDecision: countsBy(DECISIONS),
    byBreakGlass: countsBy(['false', 'true']),
  })
  .superRefine((counts, context) => {
    // Every event has one purpose, one decision, one break-glass flag and at least one category.
    for (const field of ['byPurpose', 'byDecision', 'byBreakGlass'] as const) {
      if (sum(counts[field]) !== counts.total) {
        context.addIssue({ code: 'custom', path: [field], message: 'must add up to total' });
      }
    }
    const categories = Object.values(counts.byCategory);
    if (sum(counts.byCategory) < counts.total || categories.some((count) => count > counts.total)) {
      context.addIssue({
        code: 'custom',
        path: ['byCategory'],
        message: 'must count every event once per category',
      });
    }
  });

const dayCountsSchema = inputOf<DayCounts>()(
  z
    .strictObject({
      day: daySchema,
      total: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      regions: z.record(regionCodeSchema, regionCountsSchema),
    })
    .superRefine((counts, context) => {
      if (
        Object.values(counts.regions).reduce((total, region) => total + region.total, 0) !==
        counts.total
      ) {
        context.addIssue({
          code: 'custom',
          path: ['total'],
          message: "must add up the regions' totals",
        });
      }
    }),
);

/** A validated RollupStatistics input. */
export type ValidDayCounts = z.output<typeof dayCountsSchema>;

/** Parses RollupStatistics' counts: the shape CountDay answers, adding up. */
export function parseDayCounts(json: string): ValidDayCounts {
  return parseJsonArgument(dayCountsSchema, { json, what: 'counts' });
}

/** Most items one PurgeExpired erases (and one FindExpired finds). */
export const MAX_PURGE_LIMIT = 500;

/** Items FindExpired finds when no limit is given. */
export const DEFAULT_PURGE_LIMIT = 100;

const collectionSchema = z
  .string()
  .regex(
    /^(org|pair)_[A-Za-z][A-Za-z0-9.-]{0,63}(_[A-Za-z][A-Za-z0-9.-]{0,63})?$/,
    'must be a collection name',
  );

const purgeOrderSchema = inputOf<PurgeOrder>()(
  z.strictObject({
    collection: collectionSchema,
    kind: z.enum(RETENTION_KINDS),
    before: instantSchema,
    limit: z.number().int().min(1).max(MAX_PURGE_LIMIT).optional(),
  }),
);

/** A validated FindExpired order. */
export type ValidPurgeOrder = z.output<typeof purgeOrderSchema>;

/** Parses FindExpired's order. */
export function parsePurgeOrder(json: string): ValidPurgeOrder {
  return parseJsonArgument(purgeOrderSchema, { json, what: 'order' });
}

/** The prefix of the IDs of each kind of data with a retention period. */
export const ID_PREFIX = {
  accessEvent: 'evt',
  consent: 'con',
  referral: 'ref',
} as const satisfies Readonly<Record<RetentionKind, DerivedIdPrefix>>;

const purgeListSchema = inputOf<PurgeList>()(
  z
    .strictObject({
      collection: collectionSchema,
      kind: z.enum(RETENTION_KINDS),
      before: instantSchema,
      ids: z
        .array(z.string().max(64))
        .min(1)
        .max(MAX_PURGE_LIMIT)
        .transform((ids) => sortedUnique(ids)),
    })
    .superRefine((list, context) => {
      const pattern = derivedIdPattern(ID_PREFIX[list.kind]);
      list.ids.forEach((id, index) => {
        if (!pattern.test(id)) {
          context.addIssue({
            code: 'custom',
            path: ['ids', index],
            message: `must be an ID of kind ${list.kind} (${ID_PREFIX[list.kind]}- followed by 24 hex digits)`,
          });
        }
      });
    }),
);

/** A validated PurgeExpired input. */
export type ValidPurgeList = z.output<typeof purgeListSchema>;

/** Parses PurgeExpired's list: IDs of the kind named, as FindExpired found them. */
export function parsePurgeList(json: string): ValidPurgeList {
  return parseJsonArgument(purgeListSchema, { json, what: 'purge' });
}

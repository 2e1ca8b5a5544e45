import {
  CATEGORIES,
  MIN_COHORT_SIZE_RANGE,
  type CohortQuery,
  type CohortRefusalQuery,
  type CohortRequest,
  type ResearchThresholdInput,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';
import {
  bookmarkSchema,
  externalIdSchema,
  inputOf,
  pageSizeSchema,
  parseJsonArgument,
  patientIdSchema,
  sortedUnique,
  vocabularyList,
} from '../ledger/validation';
import { regionCodeSchema } from '../ledger/region';

/** Most patients one cohort request may name. */
export const MAX_COHORT_PATIENTS = 100;

const cohortQuerySchema = inputOf<CohortQuery>()(
  z.strictObject({
    categories: vocabularyList(CATEGORIES),
    pageSize: pageSizeSchema.optional(),
    bookmark: bookmarkSchema.optional(),
  }),
);

/** A validated FindCohort query. */
export type ValidCohortQuery = z.output<typeof cohortQuerySchema>;

/** Parses FindCohort's query. */
export function parseCohortQuery(json: string): ValidCohortQuery {
  return parseJsonArgument(cohortQuerySchema, { json, what: 'query' });
}

const cohortRequestSchema = inputOf<CohortRequest>()(
  z.strictObject({
    studyId: externalIdSchema,
    categories: vocabularyList(CATEGORIES),
    patientIds: z
      .array(patientIdSchema)
      .min(1)
      .max(MAX_COHORT_PATIENTS)
      .transform((ids) => sortedUnique(ids)),
    ethicsApproval: externalIdSchema.optional(),
  }),
);

/** A validated RequestCohort input. */
export type ValidCohortRequest = z.output<typeof cohortRequestSchema>;

/** Parses RequestCohort's input. */
export function parseCohortRequest(json: string): ValidCohortRequest {
  return parseJsonArgument(cohortRequestSchema, { json, what: 'cohort' });
}

const thresholdSchema = inputOf<ResearchThresholdInput>()(
  z.strictObject({
    region: regionCodeSchema.optional(),
    minCohortSize: z.number().int().min(MIN_COHORT_SIZE_RANGE.min).max(MIN_COHORT_SIZE_RANGE.max),
    ethicsApprovalRequired: z.boolean(),
  }),
);

/** A validated SetResearchThreshold input. */
export type ValidThresholdInput = z.output<typeof thresholdSchema>;

/** Parses SetResearchThreshold's input. */
export function parseThresholdInput(json: string): ValidThresholdInput {
  return parseJsonArgument(thresholdSchema, { json, what: 'threshold' });
}

const refusalQuerySchema = inputOf<CohortRefusalQuery>()(
  z.strictObject({
    pageSize: pageSizeSchema.optional(),
    bookmark: bookmarkSchema.optional(),
  }),
);

/** A validated QueryCohortRefusals query. */
export type ValidRefusalQuery = z.output<typeof refusalQuerySchema>;

/** Parses QueryCohortRefusals' query. */
export function parseRefusalQuery(json: string): ValidRefusalQuery {
  return parseJsonArgument(refusalQuerySchema, { json, what: 'query' });
}

import { CATEGORIES, type CohortQuery, type CohortRequest } from '@consent-ledger/ledger-api';
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
  }),
);

/** A validated RequestCohort input. */
export type ValidCohortRequest = z.output<typeof cohortRequestSchema>;

/** Parses RequestCohort's input. */
export function parseCohortRequest(json: string): ValidCohortRequest {
  return parseJsonArgument(cohortRequestSchema, { json, what: 'cohort' });
}

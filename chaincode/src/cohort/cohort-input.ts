import { CATEGORIES, type CohortRequest } from '@consent-ledger/ledger-api';
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

const cohortRequestSchema = inputOf<CohortRequest>()(
  z
    .strictObject({
      studyId: externalIdSchema,
      categories: vocabularyList(CATEGORIES),
      patientIds: z
        .array(patientIdSchema)
        .min(1)
        .max(MAX_COHORT_PATIENTS)
        .transform((ids) => sortedUnique(ids))
        .optional(),
      pageSize: pageSizeSchema.optional(),
      bookmark: bookmarkSchema.optional(),
    })
    .superRefine((input, context) => {
      if (
        input.patientIds !== undefined &&
        (input.pageSize !== undefined || input.bookmark !== undefined)
      ) {
        context.addIssue({
          code: 'custom',
          path: ['patientIds'],
          message: 'a list of patients is one page: no pageSize or bookmark with it',
        });
      }
    }),
);

/** A validated RequestCohort input. */
export type ValidCohortRequest = z.output<typeof cohortRequestSchema>;

/** Parses RequestCohort's input. */
export function parseCohortRequest(json: string): ValidCohortRequest {
  return parseJsonArgument(cohortRequestSchema, { json, what: 'cohort' });
}

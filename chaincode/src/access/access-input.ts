import { z } from 'zod';
import {
  bookmarkSchema,
  derivedIdSchema,
  externalIdSchema,
  instantSchema,
  mspIdSchema,
  pageSizeSchema,
  parseJsonArgument,
  patientIdSchema,
  sha256Schema,
  sortedUnique,
  validate,
  vocabularyList,
} from '../ledger/validation';
import {
  CATEGORIES,
  EMERGENCY_REASON_CODES,
  PURPOSES,
  REVIEW_OUTCOMES,
} from '../ledger/vocabulary';

/** Most record IDs one access may name. */
export const MAX_ACCESS_RECORDS = 100;
/** Most patients one cohort request may name. */
export const MAX_COHORT_PATIENTS = 100;

const recordIdsSchema = z
  .array(externalIdSchema)
  .max(MAX_ACCESS_RECORDS)
  .transform((ids) => sortedUnique(ids));

const accessRequestSchema = z
  .strictObject({
    patientId: patientIdSchema,
    purpose: z
      .enum(PURPOSES)
      .refine(
        (purpose) => purpose !== 'emergency',
        'emergency access goes through RequestEmergencyAccess',
      ),
    categories: vocabularyList(CATEGORIES),
    recordIds: recordIdsSchema.optional(),
    dataFrom: instantSchema.optional(),
    dataUntil: instantSchema.optional(),
  })
  .superRefine((input, context) => {
    if (
      input.dataFrom !== undefined &&
      input.dataUntil !== undefined &&
      input.dataFrom > input.dataUntil
    ) {
      context.addIssue({
        code: 'custom',
        path: ['dataUntil'],
        message: 'must not be before dataFrom',
      });
    }
  });

/** A validated RequestAccess / CheckAccess input. */
export type AccessRequest = z.output<typeof accessRequestSchema>;

/** Parses RequestAccess's and CheckAccess's input. */
export function parseAccessRequest(json: string): AccessRequest {
  return parseJsonArgument(accessRequestSchema, { json, what: 'request' });
}

const emergencyRequestSchema = z.strictObject({
  patientId: patientIdSchema,
  categories: vocabularyList(CATEGORIES),
  reasonCode: z.enum(EMERGENCY_REASON_CODES),
  justificationHash: sha256Schema,
  recordIds: recordIdsSchema.optional(),
});

/** A validated RequestEmergencyAccess input. */
export type EmergencyRequest = z.output<typeof emergencyRequestSchema>;

/** Parses RequestEmergencyAccess's input. */
export function parseEmergencyRequest(json: string): EmergencyRequest {
  return parseJsonArgument(emergencyRequestSchema, { json, what: 'request' });
}

const reviewSchema = z.strictObject({ outcome: z.enum(REVIEW_OUTCOMES) });

/** Parses ReviewEmergencyAccess's review input. */
export function parseReview(json: string): z.output<typeof reviewSchema> {
  return parseJsonArgument(reviewSchema, { json, what: 'review' });
}

const cohortRequestSchema = z
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
  });

/** A validated RequestCohort input. */
export type CohortRequest = z.output<typeof cohortRequestSchema>;

/** Parses RequestCohort's input. */
export function parseCohortRequest(json: string): CohortRequest {
  return parseJsonArgument(cohortRequestSchema, { json, what: 'cohort' });
}

const referralInputSchema = z.strictObject({
  patientId: patientIdSchema,
  toOrg: mspIdSchema,
  categories: vocabularyList(CATEGORIES),
  validUntil: instantSchema,
  returnOf: derivedIdSchema('ref').optional(),
});

/** A validated CreateReferral input. */
export type ReferralInput = z.output<typeof referralInputSchema>;

/** Parses CreateReferral's input. */
export function parseReferralInput(json: string): ReferralInput {
  return parseJsonArgument(referralInputSchema, { json, what: 'referral' });
}

/** Validates an access event ID argument. */
export function parseEventId(value: string): string {
  return validate(derivedIdSchema('evt'), { value, what: 'eventId' });
}

/** Validates a referral ID argument. */
export function parseReferralId(value: string): string {
  return validate(derivedIdSchema('ref'), { value, what: 'referralId' });
}

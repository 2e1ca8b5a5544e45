import {
  CATEGORIES,
  EMERGENCY_REASON_CODES,
  PURPOSES,
  SENSITIVITY_LABELS,
  type AccessRequest,
  type EmergencyRequest,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';
import {
  externalIdSchema,
  inputOf,
  instantSchema,
  parseJsonArgument,
  patientIdSchema,
  sha256Schema,
  sortedUnique,
  vocabularyList,
  checkDataPeriod,
} from '../ledger/validation';

/** Most record IDs one access may name. */
export const MAX_ACCESS_RECORDS = 100;

const recordIdsSchema = z
  .array(externalIdSchema)
  .max(MAX_ACCESS_RECORDS)
  .transform((ids) => sortedUnique(ids));

const accessRequestSchema = inputOf<AccessRequest>()(
  z
    .strictObject({
      patientId: patientIdSchema,
      purpose: z
        .enum(PURPOSES)
        .refine(
          (purpose) => purpose !== 'emergency',
          'emergency access goes through RequestEmergencyAccess',
        ),
      categories: vocabularyList(CATEGORIES),
      labels: vocabularyList(SENSITIVITY_LABELS).optional(),
      recordIds: recordIdsSchema.optional(),
      dataFrom: instantSchema.optional(),
      dataUntil: instantSchema.optional(),
    })
    .superRefine(checkDataPeriod),
);

/** A validated RequestAccess / CheckAccess input. */
export type ValidAccessRequest = z.output<typeof accessRequestSchema>;

/** Parses RequestAccess's and CheckAccess's input. */
export function parseAccessRequest(json: string): ValidAccessRequest {
  return parseJsonArgument(accessRequestSchema, { json, what: 'request' });
}

const emergencyRequestSchema = inputOf<EmergencyRequest>()(
  z.strictObject({
    patientId: patientIdSchema,
    categories: vocabularyList(CATEGORIES),
    labels: vocabularyList(SENSITIVITY_LABELS).optional(),
    reasonCode: z.enum(EMERGENCY_REASON_CODES),
    justificationHash: sha256Schema,
    recordIds: recordIdsSchema.optional(),
  }),
);

/** A validated RequestEmergencyAccess input. */
export type ValidEmergencyRequest = z.output<typeof emergencyRequestSchema>;

/** Parses RequestEmergencyAccess's input. */
export function parseEmergencyRequest(json: string): ValidEmergencyRequest {
  return parseJsonArgument(emergencyRequestSchema, { json, what: 'request' });
}

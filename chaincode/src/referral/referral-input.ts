import { CATEGORIES, type ReferralInput } from '@consent-ledger/ledger-api';
import { z } from 'zod';
import {
  derivedIdSchema,
  inputOf,
  instantSchema,
  mspIdSchema,
  parseJsonArgument,
  patientIdSchema,
  validate,
  vocabularyList,
} from '../ledger/validation';

const referralInputSchema = inputOf<ReferralInput>()(
  z.strictObject({
    patientId: patientIdSchema,
    toOrg: mspIdSchema,
    categories: vocabularyList(CATEGORIES),
    validUntil: instantSchema,
    returnOf: derivedIdSchema('ref').optional(),
  }),
);

/** A validated CreateReferral input. */
export type ValidReferralInput = z.output<typeof referralInputSchema>;

/** Parses CreateReferral's input. */
export function parseReferralInput(json: string): ValidReferralInput {
  return parseJsonArgument(referralInputSchema, { json, what: 'referral' });
}

/** Validates a referral ID argument. */
export function parseReferralId(value: string): string {
  return validate(derivedIdSchema('ref'), { value, what: 'referralId' });
}

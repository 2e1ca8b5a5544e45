import {
  HOSPITAL_TIERS,
  ORGANIZATION_TYPES,
  type OrganizationInput,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';
import { regionSchema } from '../ledger/region';
import { inputOf, mspIdSchema, parseJsonArgument, validate } from '../ledger/validation';

const organizationInputSchema = inputOf<OrganizationInput>()(
  z
    .strictObject({
      mspId: mspIdSchema,
      type: z.enum(ORGANIZATION_TYPES),
      tier: z.enum(HOSPITAL_TIERS).optional(),
      region: regionSchema,
    })
    .superRefine((input, context) => {
      if (input.type === 'hospital' && input.tier === undefined) {
        context.addIssue({ code: 'custom', path: ['tier'], message: 'is required for a hospital' });
      }
      if (input.type !== 'hospital' && input.tier !== undefined) {
        context.addIssue({ code: 'custom', path: ['tier'], message: 'is for hospitals only' });
      }
    }),
);

/** A validated RegisterOrganization input. */
export type ValidOrganizationInput = z.output<typeof organizationInputSchema>;

/** Parses RegisterOrganization's JSON argument `{mspId, type, tier?, region}`. */
export function parseOrganizationInput(json: string): ValidOrganizationInput {
  return parseJsonArgument(organizationInputSchema, { json, what: 'organization' });
}

/** Validates an MSP ID argument. */
export function parseMspId(value: string): string {
  return validate(mspIdSchema, { value, what: 'mspId' });
}

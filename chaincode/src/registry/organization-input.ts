import {
  HOSPITAL_TIERS,
  INSTITUTION_TYPES,
  INSTITUTION_TYPES_BY_ORGANIZATION_TYPE,
  MAX_INSTITUTIONS,
  ORGANIZATION_TYPES,
  type OrganizationInput,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';
import { regionSchema } from '../ledger/region';
import {
  inputOf,
  institutionIdSchema,
  mspIdSchema,
  parseJsonArgument,
  validate,
} from '../ledger/validation';

const institutionSchema = z.strictObject({
  institutionId: institutionIdSchema,
  type: z.enum(INSTITUTION_TYPES),
  region: regionSchema,
});

const organizationInputSchema = inputOf<OrganizationInput>()(
  z
    .strictObject({
      mspId: mspIdSchema,
      type: z.enum(ORGANIZATION_TYPES),
      tier: z.enum(HOSPITAL_TIERS).optional(),
      region: regionSchema,
      institutions: z.array(institutionSchema).max(MAX_INSTITUTIONS).optional(),
    })
    .superRefine((input, context) => {
      const seen = new Set<string>();
      const allowed = INSTITUTION_TYPES_BY_ORGANIZATION_TYPE[input.type];
      (input.institutions ?? []).forEach((institution, index) => {
        if (seen.has(institution.institutionId)) {
          context.addIssue({
            code: 'custom',
            path: ['institutions', index, 'institutionId'],
            message: `${institution.institutionId} is listed twice`,
          });
        }
        seen.add(institution.institutionId);
        if (!allowed.includes(institution.type)) {
          context.addIssue({
            code: 'custom',
            path: ['institutions', index, 'type'],
            message: `${input.type} organizations list no ${institution.type} institutions`,
          });
        }
      });
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

/** Parses RegisterOrganization's JSON argument `{mspId, type, tier?, region, institutions?}`. */
export function parseOrganizationInput(json: string): ValidOrganizationInput {
  return parseJsonArgument(organizationInputSchema, { json, what: 'organization' });
}

/** Validates an MSP ID argument. */
export function parseMspId(value: string): string {
  return validate(mspIdSchema, { value, what: 'mspId' });
}

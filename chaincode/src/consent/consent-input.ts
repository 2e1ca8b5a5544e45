import {
  ANY_GRANTEE,
  CATEGORIES,
  GRANTEE_ROLES,
  PURPOSES,
  SENSITIVITY_LABELS,
  type ConsentException,
  type ConsentGrantee,
  type ConsentInput,
  type ConsentErasurePayload,
  type ConsentQuery,
  type ConsentRevocationPayload,
  type ConsentUpdatePayload,
  type NoticeRef,
  type Provision,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';
import {
  bookmarkSchema,
  derivedIdSchema,
  inputOf,
  instantSchema,
  institutionIdSchema,
  mspIdSchema,
  pageSizeSchema,
  parseJsonArgument,
  patientIdSchema,
  practitionerIdSchema,
  sha256Schema,
  validate,
  vocabularyList,
  checkDataPeriod,
} from '../ledger/validation';
import { noticeIdSchema, noticeVersionSchema } from '../notice/notice-input';

/** Most exceptions a permit may carry. */
export const MAX_EXCEPTIONS = 16;

const noticeRefSchema = z.strictObject({
  org: mspIdSchema,
  noticeId: noticeIdSchema,
  version: noticeVersionSchema,
  sha256: sha256Schema,
});

/** A consent's grantee (also a consent request's). */
export const granteeSchema = z
  .strictObject({
    org: mspIdSchema.optional(),
    role: z.enum(GRANTEE_ROLES).optional(),
    practitionerId: practitionerIdSchema.optional(),
    institution: institutionIdSchema.optional(),
  })
  .superRefine((grantee, context) => {
    if (grantee.institution !== undefined && grantee.org === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['org'],
        message: 'is required with an institution (an institution of which organization?)',
      });
    }
  });

const exceptionSchema = z
  .strictObject({
    purposes: vocabularyList(PURPOSES).optional(),
    categories: vocabularyList(CATEGORIES).optional(),
    sensitive: vocabularyList(SENSITIVITY_LABELS).optional(),
    dataFrom: instantSchema.optional(),
    dataUntil: instantSchema.optional(),
    grantee: granteeSchema.optional(),
  })
  .superRefine(checkDataPeriod);

const consentShape = {
  provision: z.enum(['permit', 'deny']).optional(),
  grantee: granteeSchema.optional(),
  purposes: vocabularyList(PURPOSES).optional(),
  categories: vocabularyList(CATEGORIES).optional(),
  sensitive: vocabularyList(SENSITIVITY_LABELS).optional(),
  validFrom: instantSchema.optional(),
  validUntil: instantSchema.optional(),
  dataFrom: instantSchema.optional(),
  dataUntil: instantSchema.optional(),
  exceptions: z.array(exceptionSchema).max(MAX_EXCEPTIONS).optional(),
  notice: noticeRefSchema.optional(),
};

function checkConsent(
  input: z.output<z.ZodObject<typeof consentShape>>,
  context: z.RefinementCtx,
): void {
  const provision = input.provision ?? 'permit';
  if (provision === 'permit') {
    if (input.grantee?.org === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['grantee', 'org'],
        message: 'is required in a permit',
      });
    }
    if (input.purposes === undefined) {
      context.addIssue({ code: 'custom', path: ['purposes'], message: 'is required in a permit' });
    }
    if (input.categories === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['categories'],
        message: 'is required in a permit',
      });
    }
  } else if (input.exceptions !== undefined && input.exceptions.length > 0) {
    context.addIssue({ code: 'custom', path: ['exceptions'], message: 'are for permits only' });
  }
  if (
    input.validFrom !== undefined &&
    input.validUntil !== undefined &&
    input.validFrom >= input.validUntil
  ) {
    context.addIssue({ code: 'custom', path: ['validUntil'], message: 'must be after validFrom' });
  }
  checkDataPeriod(input, context);
}

const consentInputSchema = inputOf<ConsentInput>()(
  z.strictObject(consentShape).superRefine(checkConsent),
);
const consentIdSchema = derivedIdSchema('con');
const expectedVersionSchema = z.number().int().min(1).max(1_000_000_000);

const consentUpdateSchema = inputOf<ConsentUpdatePayload>()(
  z
    .strictObject({
      ...consentShape,
      consentId: consentIdSchema,
      expectedVersion: expectedVersionSchema,
    })
    .superRefine(checkConsent),
);

const revocationSchema = inputOf<ConsentRevocationPayload>()(
  z.strictObject({ consentId: consentIdSchema, expectedVersion: expectedVersionSchema }),
);

const erasureSchema = inputOf<ConsentErasurePayload>()(
  z.strictObject({ consentId: consentIdSchema }),
);

/** The terms of a consent as a client gives them (ConsentInput), validated and normalized. */
export interface ConsentTerms {
  readonly provision: Provision;
  readonly grantee?: ConsentGrantee;
  readonly purposes?: ConsentException['purposes'];
  readonly categories?: ConsentException['categories'];
  readonly sensitive?: ConsentException['sensitive'];
  readonly validFrom?: string;
  readonly validUntil?: string;
  readonly dataFrom?: string;
  readonly dataUntil?: string;
  readonly exceptions: ConsentException[];
  readonly notice?: NoticeRef;
}

/** UpdateConsent's signed payload: the consent, the version replaced, the new terms. */
export interface ConsentUpdate extends ConsentTerms {
  readonly consentId: string;
  readonly expectedVersion: number;
}

function normalizeGrantee(
  grantee: z.output<typeof granteeSchema> | undefined,
): ConsentGrantee | undefined {
  if (grantee === undefined) return undefined;
  const normalized = {
    ...(grantee.org === undefined ? {} : { org: grantee.org }),
    ...(grantee.role === undefined ? {} : { role: grantee.role }),
    ...(grantee.practitionerId === undefined ? {} : { practitionerId: grantee.practitionerId }),
    ...(grantee.institution === undefined ? {} : { institution: grantee.institution }),
  };
  return Object.keys(normalized).length === 0 ? undefined : normalized;
}

/** A copy without the fields that are undefined (absent fields stay absent in state and results). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function toTerms(input: z.output<typeof consentInputSchema>): ConsentTerms {
  return defined({
    provision: input.provision ?? 'permit',
    grantee: normalizeGrantee(input.grantee),
    purposes: input.purposes,
    categories: input.categories,
    sensitive: input.sensitive,
    validFrom: input.validFrom,
    validUntil: input.validUntil,
    dataFrom: input.dataFrom,
    dataUntil: input.dataUntil,
    exceptions: (input.exceptions ?? []).map((exception) =>
      defined({
        purposes: exception.purposes,
        categories: exception.categories,
        sensitive: exception.sensitive,
        dataFrom: exception.dataFrom,
        dataUntil: exception.dataUntil,
        grantee: normalizeGrantee(exception.grantee),
      }),
    ),
    notice: input.notice,
  });
}

/** Validates GrantConsent's signed payload (a ConsentInput). */
export function consentTerms(value: unknown): ConsentTerms {
  return toTerms(validate(consentInputSchema, { value, what: 'consent' }));
}

/** Parses a ConsentInput from JSON text (as consentTerms, for callers holding text). */
export function parseConsentInput(json: string): ConsentTerms {
  return toTerms(parseJsonArgument(consentInputSchema, { json, what: 'consent' }));
}

/** Validates UpdateConsent's signed payload: consentId, expectedVersion and the new terms. */
export function consentUpdate(value: unknown): ConsentUpdate {
  const input = validate(consentUpdateSchema, { value, what: 'consent' });
  const { consentId, expectedVersion, ...terms } = input;
  return { ...toTerms(terms), consentId, expectedVersion };
}

/** Parses an UpdateConsent payload from JSON text (as consentUpdate). */
export function parseConsentUpdate(json: string): ConsentUpdate {
  return consentUpdate(parseJsonArgument(z.unknown(), { json, what: 'consent' }));
}

/** Validates RevokeConsent's signed payload. */
export function consentRevocation(value: unknown): z.output<typeof revocationSchema> {
  return validate(revocationSchema, { value, what: 'consent' });
}

/** Validates EraseConsent's signed payload. */
export function consentErasure(value: unknown): z.output<typeof erasureSchema> {
  return validate(erasureSchema, { value, what: 'consent' });
}

/** Validates a consent ID argument. */
export function parseConsentId(value: string): string {
  return validate(consentIdSchema, { value, what: 'consentId' });
}

const consentQuerySchema = inputOf<ConsentQuery>()(
  z.strictObject({
    patientId: patientIdSchema.optional(),
    grantee: z.union([mspIdSchema, z.literal(ANY_GRANTEE)]).optional(),
    status: z.enum(['active', 'revoked', 'expired']).optional(),
    pageSize: pageSizeSchema.optional(),
    bookmark: bookmarkSchema.optional(),
  }),
);

/** A validated QueryConsents input. */
export type ValidConsentQuery = z.output<typeof consentQuerySchema>;

/** Parses QueryConsents' input. */
export function parseConsentQuery(json: string): ValidConsentQuery {
  return parseJsonArgument(consentQuerySchema, { json, what: 'query' });
}

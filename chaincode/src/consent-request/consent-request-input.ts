import {
  CATEGORIES,
  CONSENT_REQUEST_STATUSES,
  DECLINE_REASONS,
  PURPOSES,
  REQUEST_LIMIT_BOUNDS,
  REQUEST_REASONS,
  SENSITIVITY_LABELS,
  ledgerError,
  type ConsentRequestInput,
  type ConsentRequestQuery,
  type RequestDeclinePayload,
  type RequestLimits,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';
import { consentTerms, granteeSchema, type ConsentTerms } from '../consent/consent-input';
import {
  bookmarkSchema,
  checkDataPeriod,
  derivedIdSchema,
  inputOf,
  instantSchema,
  mspIdSchema,
  pageSizeSchema,
  parseJsonArgument,
  patientIdSchema,
  validate,
  vocabularyList,
} from '../ledger/validation';

const requestIdSchema = derivedIdSchema('req');

const termsSchema = z
  .strictObject({
    grantee: granteeSchema.refine((grantee) => grantee.org !== undefined, {
      message: 'is required: the requester organization',
      path: ['org'],
    }),
    purposes: vocabularyList(PURPOSES),
    categories: vocabularyList(CATEGORIES),
    sensitive: vocabularyList(SENSITIVITY_LABELS).optional(),
    validFrom: instantSchema.optional(),
    validUntil: instantSchema,
    dataFrom: instantSchema.optional(),
    dataUntil: instantSchema.optional(),
  })
  .superRefine((terms, context) => {
    if (terms.validFrom !== undefined && terms.validFrom >= terms.validUntil) {
      context.addIssue({
        code: 'custom',
        path: ['validUntil'],
        message: 'must be after validFrom',
      });
    }
    checkDataPeriod(terms, context);
  });

const requestInputSchema = inputOf<ConsentRequestInput>()(
  z.strictObject({
    patientId: patientIdSchema,
    terms: termsSchema,
    reason: z.enum(REQUEST_REASONS),
  }),
);

/** A validated RequestConsent input (lists sorted and de-duplicated). */
export type ValidRequestInput = z.output<typeof requestInputSchema>;

/** Parses RequestConsent's input. */
export function parseRequestInput(json: string): ValidRequestInput {
  return parseJsonArgument(requestInputSchema, { json, what: 'request' });
}

/** Validates a request ID argument. */
export function parseRequestId(value: string): string {
  return validate(requestIdSchema, { value, what: 'requestId' });
}

const approvalSchema = z.strictObject({ requestId: requestIdSchema, consent: z.unknown() });

/** ApproveRequest's signed payload: the request, and the consent signed (normalized terms). */
export interface ValidApproval {
  readonly requestId: string;
  readonly consent: ConsentTerms;
}

/** Validates ApproveRequest's signed payload; the consent as GrantConsent validates its own. */
export function requestApproval(value: unknown): ValidApproval {
  const { requestId, consent } = validate(approvalSchema, { value, what: 'approval' });
  return { requestId, consent: consentTerms(consent) };
}

const declineSchema = inputOf<RequestDeclinePayload>()(
  z.strictObject({ requestId: requestIdSchema, reason: z.enum(DECLINE_REASONS).optional() }),
);

/** Validates DeclineRequest's signed payload. */
export function requestDecline(value: unknown): z.output<typeof declineSchema> {
  return validate(declineSchema, { value, what: 'decline' });
}

const querySchema = inputOf<ConsentRequestQuery>()(
  z.strictObject({
    patientId: patientIdSchema.optional(),
    requesterOrg: mspIdSchema.optional(),
    status: z.enum(CONSENT_REQUEST_STATUSES).optional(),
    pageSize: pageSizeSchema.optional(),
    bookmark: bookmarkSchema.optional(),
  }),
);

/** A validated QueryRequests input. */
export type ValidRequestQuery = z.output<typeof querySchema>;

/** Parses QueryRequests' input. */
export function parseRequestQuery(json: string): ValidRequestQuery {
  return parseJsonArgument(querySchema, { json, what: 'query' });
}

const limitsSchema = inputOf<RequestLimits>()(
  z.strictObject({
    maxOpen: z.number().int().min(1).max(REQUEST_LIMIT_BOUNDS.maxOpen),
    maxPerWindow: z.number().int().min(1).max(REQUEST_LIMIT_BOUNDS.maxPerWindow),
  }),
);

/** Parses SetRequestLimits' input (maxOpen at most maxPerWindow). */
export function parseRequestLimits(json: string): RequestLimits {
  const limits = parseJsonArgument(limitsSchema, { json, what: 'limits' });
  if (limits.maxOpen > limits.maxPerWindow) {
    throw ledgerError('INVALID_ARGUMENT', 'limits.maxOpen: must not exceed maxPerWindow');
  }
  return limits;
}

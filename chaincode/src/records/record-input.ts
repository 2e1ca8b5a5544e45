import {
  CATEGORIES,
  MAX_BATCH_ITEMS,
  type AnchorQuery,
  type BatchInput,
  type BatchItem,
  type BatchMemberClaim,
  type RecordItem,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';
import {
  bookmarkSchema,
  externalIdSchema,
  inputOf,
  mspIdSchema,
  pageSizeSchema,
  parseJsonArgument,
  patientIdSchema,
  saltSchema,
  sha256Schema,
  validate,
} from '../ledger/validation';

/** Largest AnchorBatch argument (bytes): 100,000 salted items fit with room to spare. */
export const MAX_BATCH_JSON_BYTES = 32 * 1024 * 1024;

const recordItemSchema = inputOf<RecordItem>()(
  z.strictObject({
    recordId: externalIdSchema,
    patientId: patientIdSchema,
    category: z.enum(CATEGORIES),
    sha256: sha256Schema,
  }),
);

const batchItemSchema = inputOf<BatchItem>()(
  z.strictObject({
    recordId: externalIdSchema,
    patientId: patientIdSchema,
    category: z.enum(CATEGORIES),
    sha256: sha256Schema,
    salt: saltSchema,
  }),
);

/** A validated record hash to anchor: `{recordId, patientId, category, sha256}`. */
export type ValidRecordItem = z.output<typeof recordItemSchema>;

/** Parses AnchorRecord's input. */
export function parseRecordItem(json: string): ValidRecordItem {
  return parseJsonArgument(recordItemSchema, { json, what: 'record' });
}

const batchInputSchema = inputOf<BatchInput>()(
  z
    .strictObject({
      batchId: externalIdSchema.optional(),
      // The size is checked before any item is: an oversized batch is refused cheaply. The first
      // stage takes any element (z.custom without a check), typed as the items it passes on.
      items: z
        .array(z.custom<z.input<typeof batchItemSchema>>())
        .min(1)
        .max(MAX_BATCH_ITEMS)
        .pipe(z.array(batchItemSchema)),
    })
    .superRefine((input, context) => {
      const seen = new Map<string, number>();
      input.items.forEach((item, index) => {
        const first = seen.get(item.recordId);
        if (first === undefined) {
          seen.set(item.recordId, index);
        } else {
          context.addIssue({
            code: 'custom',
            path: ['items', index, 'recordId'],
            message: `duplicates items[${first}].recordId`,
          });
        }
      });
    }),
);

/** A validated AnchorBatch input. */
export type ValidBatchInput = z.output<typeof batchInputSchema>;

/** Parses AnchorBatch's input (1..100,000 items, record IDs unique within the batch). */
export function parseBatchInput(json: string): ValidBatchInput {
  return parseJsonArgument(batchInputSchema, {
    json,
    what: 'batch',
    maxBytes: MAX_BATCH_JSON_BYTES,
  });
}

const memberSchema = inputOf<BatchMemberClaim>()(
  z.strictObject({
    batchId: externalIdSchema,
    item: batchItemSchema,
    leafIndex: z.number().int().min(0).max(MAX_BATCH_ITEMS),
    auditPath: z.array(sha256Schema).max(64),
  }),
);

/** A validated VerifyBatchMember input. */
export type ValidBatchMemberClaim = z.output<typeof memberSchema>;

/** Parses VerifyBatchMember's input. */
export function parseBatchMemberClaim(json: string): ValidBatchMemberClaim {
  return parseJsonArgument(memberSchema, { json, what: 'member' });
}

const anchorQuerySchema = inputOf<AnchorQuery>()(
  z.strictObject({
    patientId: patientIdSchema.optional(),
    org: mspIdSchema.optional(),
    pageSize: pageSizeSchema.optional(),
    bookmark: bookmarkSchema.optional(),
  }),
);

/** A validated QueryAnchors input. */
export type ValidAnchorQuery = z.output<typeof anchorQuerySchema>;

/** Parses QueryAnchors' input. */
export function parseAnchorQuery(json: string): ValidAnchorQuery {
  return parseJsonArgument(anchorQuerySchema, { json, what: 'query' });
}

/** Validates a record ID argument. */
export function parseRecordId(value: string): string {
  return validate(externalIdSchema, { value, what: 'recordId' });
}

/** Validates a record owner argument (an MSP ID). */
export function parseOwner(value: string): string {
  return validate(mspIdSchema, { value, what: 'owner' });
}

/** Validates a batch ID argument. */
export function parseBatchId(value: string): string {
  return validate(externalIdSchema, { value, what: 'batchId' });
}

/** Validates a SHA-256 argument. */
export function parseSha256(value: string): string {
  return validate(sha256Schema, { value, what: 'sha256' });
}

/** Validates VerifyRecord's version argument: empty for the latest, else a version number. */
export function parseVersion(value: string): number | undefined {
  if (value === '') return undefined;
  return Number(
    validate(z.string().regex(/^[1-9]\d{0,8}$/, 'must be empty (latest) or a version number'), {
      value,
      what: 'version',
    }),
  );
}

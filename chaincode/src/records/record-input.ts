import { z } from 'zod';
import { marshal } from '../ledger/marshal';
import {
  bookmarkSchema,
  externalIdSchema,
  mspIdSchema,
  pageSizeSchema,
  parseJsonArgument,
  patientIdSchema,
  sha256Schema,
  validate,
} from '../ledger/validation';
import { CATEGORIES } from '../ledger/vocabulary';

/** Most items of one batch. */
export const MAX_BATCH_ITEMS = 100_000;
/** Largest AnchorBatch argument (bytes): 100,000 items fit with room to spare. */
export const MAX_BATCH_JSON_BYTES = 32 * 1024 * 1024;

const recordItemSchema = z.strictObject({
  recordId: externalIdSchema,
  patientId: patientIdSchema,
  category: z.enum(CATEGORIES),
  sha256: sha256Schema,
});

/** A record hash to anchor: `{recordId, patientId, category, sha256}`. */
export type RecordItem = z.output<typeof recordItemSchema>;

/** Parses AnchorRecord's input. */
export function parseRecordItem(json: string): RecordItem {
  return parseJsonArgument(recordItemSchema, { json, what: 'record' });
}

const batchInputSchema = z
  .strictObject({
    batchId: externalIdSchema.optional(),
    // The size is checked before any item is: an oversized batch is refused cheaply.
    items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS).pipe(z.array(recordItemSchema)),
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
  });

/** A validated AnchorBatch input. */
export type BatchInput = z.output<typeof batchInputSchema>;

/** Parses AnchorBatch's input (1..100,000 items, record IDs unique within the batch). */
export function parseBatchInput(json: string): BatchInput {
  return parseJsonArgument(batchInputSchema, {
    json,
    what: 'batch',
    maxBytes: MAX_BATCH_JSON_BYTES,
  });
}

/**
 * The Merkle leaf of a batch item: the UTF-8 of its sorted-key JSON
 * `{"category","patientId","recordId","sha256"}`.
 */
export function batchLeaf(item: RecordItem): Buffer {
  return marshal({
    category: item.category,
    patientId: item.patientId,
    recordId: item.recordId,
    sha256: item.sha256,
  });
}

const memberSchema = z.strictObject({
  batchId: externalIdSchema,
  item: recordItemSchema,
  leafIndex: z.number().int().min(0).max(MAX_BATCH_ITEMS),
  auditPath: z.array(sha256Schema).max(64),
});

/** A validated VerifyBatchMember input. */
export type BatchMemberClaim = z.output<typeof memberSchema>;

/** Parses VerifyBatchMember's input. */
export function parseBatchMemberClaim(json: string): BatchMemberClaim {
  return parseJsonArgument(memberSchema, { json, what: 'member' });
}

const anchorQuerySchema = z.strictObject({
  patientId: patientIdSchema.optional(),
  org: mspIdSchema.optional(),
  pageSize: pageSizeSchema.optional(),
  bookmark: bookmarkSchema.optional(),
});

/** A validated QueryAnchors input. */
export type AnchorQuery = z.output<typeof anchorQuerySchema>;

/** Parses QueryAnchors' input. */
export function parseAnchorQuery(json: string): AnchorQuery {
  return parseJsonArgument(anchorQuerySchema, { json, what: 'query' });
}

/** Validates a record ID argument. */
export function parseRecordId(value: string): string {
  return validate(externalIdSchema, { value, what: 'recordId' });
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

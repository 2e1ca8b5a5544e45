import { z } from 'zod';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const hexBytes = z.string().regex(/^([0-9a-f]{2})*$/, 'lowercase hex bytes');
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const blockNumber = z.string().regex(/^(0|[1-9][0-9]*)$/, 'a decimal block number');

const headerSchema = z.strictObject({
  number: blockNumber,
  previousHash: hexBytes,
  dataHash: hex32,
});

/** A block header in a bundle: decimal number, hex hashes. */
export type HeaderJson = z.output<typeof headerSchema>;

const itemSchema = z.strictObject({
  recordId: z.string().min(1),
  patientId: z.string().min(1),
  category: z.string().min(1),
  sha256: hex32,
});

const subjectSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('record'),
    recordId: z.string().min(1),
    sha256: hex32,
    version: z.number().int().min(1).optional(),
  }),
  z.strictObject({
    kind: z.literal('batch-member'),
    batchId: z.string().min(1),
    item: itemSchema,
    leafIndex: z.number().int().min(0),
    treeSize: z.number().int().min(1),
    root: hex32,
    auditPath: z.array(hex32).max(64),
  }),
  z.strictObject({ kind: z.literal('access-event'), eventId: z.string().min(1) }),
]);

/** What a bundle proves is on the ledger. */
export type Subject = z.output<typeof subjectSchema>;

const certificatesSchema = z.record(
  z.string().min(1),
  z.strictObject({ roots: z.array(z.string()).min(1), intermediates: z.array(z.string()) }),
);

const bundleSchema = z.strictObject({
  version: z.literal(1),
  channel: z.string().min(1),
  chaincode: z.string().min(1),
  subject: subjectSchema,
  transaction: z.strictObject({ txId: z.string().min(1), envelope: base64 }),
  block: z.strictObject({
    header: headerSchema,
    data: z.array(base64).min(1),
    metadataSignatures: base64.optional(),
    transactionsFilter: base64.optional(),
  }),
  chain: z.array(headerSchema).optional(),
  certificates: certificatesSchema,
  /** The orderer organizations' CAs, to check the block's orderer signatures (optional). */
  ordererCertificates: certificatesSchema.optional(),
  endorsementPolicy: z.strictObject({
    outOf: z.number().int().min(1),
    orgs: z.array(z.string().min(1)).min(1),
  }),
});

/** An evidence bundle, version 1 (docs/evidence-bundle.md). */
export type EvidenceBundle = z.output<typeof bundleSchema>;

const checkpointSchema = z.strictObject({
  version: z.literal(1),
  channel: z.string().min(1),
  number: blockNumber,
  headerHash: hex32,
  /** Pinned SHA-256 fingerprints (hex, of the DER) of each organization's root CAs, orderers' too. */
  msps: z.record(z.string().min(1), z.array(hex32)).optional(),
});

/** A trusted checkpoint: a block's hash the auditor got out of band. */
export type Checkpoint = z.output<typeof checkpointSchema>;

/** An input that is not a well-formed bundle or checkpoint. */
export class BundleFormatError extends Error {
  override readonly name = 'BundleFormatError';
  readonly code = 'BUNDLE_FORMAT';
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined ? '' : `${issue.path.join('.')}: ${issue.message}`;
  throw new BundleFormatError(`not a version 1 ${what}: ${where}`);
}

/** Validates a parsed JSON value as an evidence bundle. */
export function parseBundle(value: unknown): EvidenceBundle {
  return parse(bundleSchema, value, 'evidence bundle');
}

/** Validates a parsed JSON value as a checkpoint. */
export function parseCheckpoint(value: unknown): Checkpoint {
  return parse(checkpointSchema, value, 'checkpoint');
}

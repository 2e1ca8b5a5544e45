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

/** A batch item of a version 1 bundle: unsalted (leaves of batches anchored before salts). */
const itemV1Schema = z.strictObject({
  recordId: z.string().min(1),
  patientId: z.string().min(1),
  category: z.string().min(1),
  sha256: hex32,
});

/** A batch item of a version 2 bundle: its salt is part of its leaf (ledger-api `batchLeaf`). */
const itemSchema = itemV1Schema.extend({ salt: z.string().min(1) });

const recordSubject = z.strictObject({
  kind: z.literal('record'),
  recordId: z.string().min(1),
  /**
   * The record's owner organization: record IDs are scoped by it, and the anchor's key starts with
   * it. Absent in bundles of ledgers from before owner-scoped record IDs (key by ID alone).
   */
  owner: z.string().min(1).optional(),
  sha256: hex32,
  version: z.number().int().min(1).optional(),
});

const batchMember = {
  kind: z.literal('batch-member'),
  batchId: z.string().min(1),
  leafIndex: z.number().int().min(0),
  treeSize: z.number().int().min(1),
  root: hex32,
  auditPath: z.array(hex32).max(64),
};

const accessEventSubject = z.strictObject({
  kind: z.literal('access-event'),
  eventId: z.string().min(1),
});

const subjectV1Schema = z.discriminatedUnion('kind', [
  recordSubject,
  z.strictObject({ ...batchMember, item: itemV1Schema }),
  accessEventSubject,
]);

const subjectSchema = z.discriminatedUnion('kind', [
  recordSubject,
  z.strictObject({ ...batchMember, item: itemSchema }),
  accessEventSubject,
  z.strictObject({
    kind: z.literal('consent'),
    consentId: z.string().min(1),
    version: z.number().int().min(1),
  }),
  z.strictObject({
    kind: z.literal('consent-request'),
    requestId: z.string().min(1),
    /** The status the transaction left it in (a decline's receipt: `declined`). */
    status: z.enum(['approved', 'declined', 'open', 'withdrawn']),
  }),
]);

/** What a version 1 bundle proves is on the ledger. */
export type SubjectV1 = z.output<typeof subjectV1Schema>;

/** What a bundle (version 2, the version built today) proves is on the ledger. */
export type Subject = z.output<typeof subjectSchema>;

/** The subject kinds kept in private data collections: their bundles carry a `privateWrite`. */
export const PRIVATE_SUBJECTS: readonly Subject['kind'][] = [
  'access-event',
  'consent',
  'consent-request',
];

const privateWriteSchema = z.strictObject({
  /** The collection the value was written to. */
  collection: z.string().min(1),
  /** The exact state key (a composite key, with its U+0000 separators). */
  key: z.string().min(1),
  /** The exact stored value, base64. */
  value: base64.min(1),
});

/** The subject's private write: what its transaction wrote, proven by the hashed write set. */
export type PrivateWriteJson = z.output<typeof privateWriteSchema>;

const certificatesSchema = z.record(
  z.string().min(1),
  z.strictObject({ roots: z.array(z.string()).min(1), intermediates: z.array(z.string()) }),
);

const commonFields = {
  channel: z.string().min(1),
  chaincode: z.string().min(1),
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
};

const bundleV1Schema = z.strictObject({
  version: z.literal(1),
  subject: subjectV1Schema,
  ...commonFields,
});

const bundleV2Schema = z.strictObject({
  version: z.literal(2),
  subject: subjectSchema,
  /** Required for access-event, consent and consent-request subjects, refused for the others. */
  privateWrite: privateWriteSchema.optional(),
  ...commonFields,
});

const bundleSchema = z
  .discriminatedUnion('version', [bundleV1Schema, bundleV2Schema])
  .superRefine((bundle, ctx) => {
    if (bundle.version !== 2) return;
    const isPrivate = PRIVATE_SUBJECTS.includes(bundle.subject.kind);
    if (isPrivate && bundle.privateWrite === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['privateWrite'],
        message: `required for a private subject (${bundle.subject.kind})`,
      });
    }
    if (!isPrivate && bundle.privateWrite !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['privateWrite'],
        message: `the subject (${bundle.subject.kind}) is public: a bundle carries no private value for it`,
      });
    }
  });

/** An evidence bundle, version 1 (read as before) or 2 (docs/evidence-bundle.md). */
export type EvidenceBundle = z.output<typeof bundleSchema>;
/** An evidence bundle of version 1: no private subjects, unsalted batch leaves. */
export type EvidenceBundleV1 = z.output<typeof bundleV1Schema>;
/** An evidence bundle of version 2, as buildBundle makes them. */
export type EvidenceBundleV2 = z.output<typeof bundleV2Schema>;

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
  throw new BundleFormatError(`not ${what}: ${where}`);
}

/** Validates a parsed JSON value as an evidence bundle. */
export function parseBundle(value: unknown): EvidenceBundle {
  return parse(bundleSchema, value, 'an evidence bundle of version 1 or 2');
}

/** Validates a parsed JSON value as a checkpoint. */
export function parseCheckpoint(value: unknown): Checkpoint {
  return parse(checkpointSchema, value, 'a version 1 checkpoint');
}

import {
  derivedIdPattern,
  EXTERNAL_ID_PATTERN,
  isDay,
  isInstant,
  LedgerError,
  ledgerError,
  INSTITUTION_ID_PATTERN,
  MSP_ID_PATTERN,
  PATIENT_ID_PATTERN,
  PRACTITIONER_ID_PATTERN,
  SALT_PATTERN,
  SHA256_HEX_PATTERN,
  type DerivedIdPrefix,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';

/**
 * Input validation. Client input arrives as primitives or JSON strings and is turned into domain
 * objects here, with zod (a well-kept validation library, rather than hand-written checks): unknown
 * fields, wrong types, oversized strings and arrays, control characters, impossible dates and bad
 * IDs are refused with an `INVALID_ARGUMENT` naming the field. Messages never echo the input. The
 * shapes of IDs and times are ledger-api's (ids.ts); each input schema is tied to the catalogue's
 * input type at compile time ({@link inputOf}).
 */

/** Largest JSON argument accepted by default (bytes). */
export const MAX_JSON_BYTES = 64 * 1024;

/** Patient pseudonym: `pid-` + 16..32 of lower-case base32. */
export const patientIdSchema = z
  .string()
  .regex(PATIENT_ID_PATTERN, 'must be pid- followed by 16 to 32 of [a-z2-7]');

/** Practitioner ID: `prac-` + 8..32 of `[a-z0-9]`. */
export const practitionerIdSchema = z
  .string()
  .regex(PRACTITIONER_ID_PATTERN, 'must be prac- followed by 8 to 32 of [a-z0-9]');

/** A member institution's ID: `inst-` + 4..32 of `[a-z0-9]`. */
export const institutionIdSchema = z
  .string()
  .regex(INSTITUTION_ID_PATTERN, 'must be inst- followed by 4 to 32 of [a-z0-9]');

/** A Fabric MSP ID. */
export const mspIdSchema = z
  .string()
  .regex(MSP_ID_PATTERN, 'must be an MSP ID ([A-Za-z][A-Za-z0-9.-]{0,63})');

/** An ID chosen by a client (record, batch, study): no spaces, no control characters. */
export const externalIdSchema = z
  .string()
  .regex(EXTERNAL_ID_PATTERN, 'must be 1 to 128 of [A-Za-z0-9._:-]');

/** An ID the ledger derived from a transaction ID. */
export function derivedIdSchema(prefix: DerivedIdPrefix): z.ZodString {
  return z.string().regex(derivedIdPattern(prefix), `must be ${prefix}- followed by 24 hex digits`);
}

/** A SHA-256 digest, lower-case hex. */
export const sha256Schema = z
  .string()
  .regex(SHA256_HEX_PATTERN, 'must be 64 lower-case hex digits');

/** A random salt as clients make them: 16 to 48 bytes, base64url (ledger-api SALT_PATTERN). */
export const saltSchema = z
  .string()
  .regex(SALT_PATTERN, 'must be 16 to 48 random bytes, base64url');

/** An ISO 8601 UTC instant with milliseconds that exists in the calendar. */
export const instantSchema = z
  .string()
  .max(24)
  .refine(
    isInstant,
    'must be an ISO 8601 UTC instant with milliseconds (2026-11-22T03:27:06.155Z)',
  );

/** A calendar day `YYYY-MM-DD`. */
export const daySchema = z.string().max(10).refine(isDay, 'must be a calendar day YYYY-MM-DD');

/** Page size of a query: 1..100, 25 by default. */
export const pageSizeSchema = z.number().int().min(1).max(100);

/** Default page size. */
export const DEFAULT_PAGE_SIZE = 25;

/** An opaque bookmark as handed out by a previous page (base64url). */
export const bookmarkSchema = z
  .string()
  .max(2048)
  .regex(/^[A-Za-z0-9_-]*$/, 'must be a bookmark returned by a previous page');

/**
 * A list of vocabulary values: non-empty unless `min` is 0, at most the vocabulary's size (after
 * de-duplication it cannot be larger), returned sorted and de-duplicated.
 */
export function vocabularyList<const T extends readonly [string, ...string[]]>(values: T, min = 1) {
  return z
    .array(z.enum(values))
    .min(min)
    .max(values.length * 2)
    .transform((list) => sortedUnique(list));
}

/** Sorted, de-duplicated copy of a list of strings. */
export function sortedUnique<T extends string>(list: readonly T[]): T[] {
  return [...new Set(list)].sort();
}

function describePath(what: string, path: readonly PropertyKey[]): string {
  let out = what;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  }
  return out;
}

/**
 * A client-chosen name (an unknown key) as it may appear in a message: printable ASCII only, the
 * rest (and quotes, backslashes) escaped as `\u{hex}`, at most 40 characters, quoted.
 */
export function quoteName(name: string): string {
  const escaped = name.replace(
    /[^\x20-\x21\x23-\x5b\x5d-\x7e]/gu,
    (char) => `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`,
  );
  return `"${escaped.length > 40 ? `${escaped.slice(0, 40)}...` : escaped}"`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'unrecognized_keys') return issue.message;
  // zod's own message quotes the keys verbatim: control characters and any length.
  const shown = issue.keys.slice(0, 5).map(quoteName).join(', ');
  const more = issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : '';
  return `Unrecognized key${issue.keys.length > 1 ? 's' : ''}: ${shown}${more}`;
}

function describeIssues(what: string, error: z.ZodError): string {
  const shown = error.issues
    .slice(0, 3)
    .map((issue) => `${describePath(what, issue.path)}: ${describeIssue(issue)}`);
  const more = error.issues.length > 3 ? `; and ${error.issues.length - 3} more` : '';
  return shown.join('; ') + more;
}

/** An argument to validate and the name errors give it. */
export interface Argument {
  readonly value: unknown;
  /** Names the argument in errors (`consent`, `query`, `recordId`). */
  readonly what: string;
}

/** Validates an already-decoded argument. */
export function validate<S extends z.ZodType>(
  schema: S,
  argument: Readonly<Argument>,
): z.output<S> {
  const result = schema.safeParse(argument.value);
  if (!result.success) {
    throw ledgerError('INVALID_ARGUMENT', describeIssues(argument.what, result.error));
  }
  return result.data;
}

/** A JSON string argument, the name errors give it, and its size limit. */
export interface JsonArgument {
  readonly json: string;
  /** Names the argument in errors. */
  readonly what: string;
  /** Largest accepted size in bytes ({@link MAX_JSON_BYTES} by default). */
  readonly maxBytes?: number;
}

/**
 * Decodes a JSON string argument and validates it; `what` names the argument in the error.
 * An empty string stands for `{}` (so that all-optional inputs can be left out).
 */
export function parseJsonArgument<S extends z.ZodType>(
  schema: S,
  argument: Readonly<JsonArgument>,
): z.output<S> {
  const { json, what } = argument;
  const maxBytes = argument.maxBytes ?? MAX_JSON_BYTES;
  if (Buffer.byteLength(json, 'utf8') > maxBytes) {
    throw ledgerError('INVALID_ARGUMENT', `${what}: larger than ${maxBytes} bytes`);
  }
  let value: unknown;
  try {
    value = json.trim() === '' ? {} : JSON.parse(json);
  } catch (cause) {
    throw new LedgerError({ code: 'INVALID_ARGUMENT', text: `${what}: not valid JSON`, cause });
  }
  return validate(schema, { value, what });
}

/** A type with `readonly` removed at every depth, so that shapes compare whatever their modifiers. */
type Writable<T> = T extends readonly (infer E)[]
  ? Writable<E>[]
  : T extends object
    ? { -readonly [K in keyof T]: Writable<T[K]> }
    : T;

/**
 * Whether two types are identical, not merely assignable either way (which would let an optional
 * field present on one side only pass): the compiler compares the two deferred conditional types
 * by identity.
 */
type Identical<A, B> =
  // The type parameter is the device: it keeps each conditional type deferred.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

/**
 * `unknown` when a schema accepts exactly the shapes of a catalogue input type (readonly aside),
 * otherwise an object type naming both, which no schema has: the call of {@link inputOf} fails to
 * compile.
 */
export type SameShape<S extends z.ZodType, T> =
  Identical<Writable<z.input<S>>, Writable<T>> extends true
    ? unknown
    : { readonly schemaAndCatalogueDisagree: [schema: z.input<S>, catalogue: T] };

/**
 * Ties an input schema to the catalogue's input type `T` (ledger-api): `inputOf<AccessRequest>()(
 * z.strictObject({...}))` compiles only when the schema's z.input and `T` accept the same shapes,
 * so that neither can drift from the other. Returns the schema itself.
 */
export function inputOf<T>(): <S extends z.ZodType>(schema: S & SameShape<S, T>) => S {
  return (schema) => schema;
}

/**
 * Refuses a data period whose end comes before its start (`dataFrom <= dataUntil`; both
 * inclusive), as a refinement of any input that has one.
 */
export function checkDataPeriod(
  value: { readonly dataFrom?: string | undefined; readonly dataUntil?: string | undefined },
  context: z.RefinementCtx,
): void {
  if (
    value.dataFrom !== undefined &&
    value.dataUntil !== undefined &&
    value.dataFrom > value.dataUntil
  ) {
    context.addIssue({
      code: 'custom',
      path: ['dataUntil'],
      message: 'must not be before dataFrom',
    });
  }
}

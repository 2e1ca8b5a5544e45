import type { IncomingMessage, ServerResponse } from 'node:http';
import bodyParser from 'body-parser';
import { visit } from 'jsonc-parser';
import { DomainError, type ErrorCode } from './errors.js';

/**
 * Request bodies: the largest each route takes, decided from the method, the path and (for the
 * two large limits) a bearer token that verifies, before a byte of the body is read; compressed
 * bodies refused; a JSON body's shape checked in one linear pass (an object at the top, no
 * duplicate or prototype-shaped key, bounded nesting) before it is parsed, so that class-validator
 * never walks a body the route does not take. See gateway/README.md, "Request bodies".
 */

/** Largest request body of each kind of route, in bytes. */
export const BODY_LIMITS = {
  /** `/auth/*`: a username and a password, or a token. */
  credentials: 4 * 1024,
  /**
   * Every other route, and any route without a valid bearer token: the largest signed statement
   * (16,384 characters, escaped in JSON) and a justification of 4,000 characters fit.
   */
  default: 32 * 1024,
  /** `/fhir/*` with a valid bearer token: a FHIR resource. */
  fhir: 1024 * 1024,
  /** `POST /records/batches` with a valid bearer token: up to 100,000 record anchors. */
  batch: 40 * 1024 * 1024,
} as const;

/** Deepest nesting of objects and arrays a JSON body may have (the FHIR Consent needs ~10). */
export const MAX_JSON_DEPTH = 32;

/** Most elements of one JSON array (a batch's 100,000 anchors are the most any route takes). */
export const MAX_JSON_ARRAY_ITEMS = 100_000;

/** Most keys of one JSON object (no body the gateway takes has an object of more than ~20). */
export const MAX_JSON_OBJECT_KEYS = 100;

/**
 * Requests whose declared body is over the default limit (a large batch, a large FHIR resource)
 * processed at once: each costs up to seconds of CPU, so more wait their turn at the client
 * (429, Retry-After). Smaller bodies of the same routes are not counted.
 */
export const MAX_LARGE_BODIES = 2;

/** Keys refused anywhere in a JSON body: they name or reach an object's prototype. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The JSON media types the gateway parses (FHIR's own included). */
export const JSON_MEDIA_TYPES = [
  'application/json',
  'application/fhir+json',
  'application/json+fhir',
];

/** Whether a raw bearer token was signed by this gateway and is unexpired (signature check only). */
export type BearerVerifier = (token: string) => boolean;

/** The codes of {@link RequestBodyError}. */
export type RequestBodyCode = Extract<
  ErrorCode,
  | 'INVALID_ARGUMENT'
  | 'DUPLICATE_KEY'
  | 'FORBIDDEN_KEY'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_REQUESTS'
  | 'LENGTH_REQUIRED'
>;

/** A request body refused before it reached a route. */
export class RequestBodyError extends DomainError {
  declare readonly code: RequestBodyCode;
}

/**
 * Whether the raw `Authorization` header carries a bearer token that `verify` accepts. Only
 * decides how large a body may be: the route's guard still authenticates the request.
 */
export function hasValidBearer(
  header: string | readonly string[] | undefined,
  verify: BearerVerifier,
): boolean {
  const token = bearerTokenOf(header);
  if (token === undefined) return false;
  try {
    return verify(token);
  } catch {
    return false;
  }
}

/** The token of a raw `Authorization: Bearer` header of a sane size, or undefined. */
export function bearerTokenOf(header: string | readonly string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header.length > 4096) return undefined;
  return /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header)?.[1];
}

/** The parts of a request that decide its body limit. */
export interface BodyLimitRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: IncomingMessage['headers'];
}

/** The largest body the request's route takes, in bytes ({@link BODY_LIMITS}). */
export function bodyLimitOf(request: BodyLimitRequest, verify: BearerVerifier): number {
  const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
  if (path === '/auth' || path.startsWith('/auth/')) return BODY_LIMITS.credentials;
  const batch = request.method === 'POST' && /^\/records\/batches\/?$/.test(path);
  const fhir = path.startsWith('/fhir/');
  if (!batch && !fhir) return BODY_LIMITS.default;
  if (!hasValidBearer(request.headers.authorization, verify)) return BODY_LIMITS.default;
  return batch ? BODY_LIMITS.batch : BODY_LIMITS.fhir;
}

/**
 * Checks a JSON text's shape in one linear pass, before it is parsed: an object at the top, no
 * key twice in an object, no prototype-shaped key (`__proto__`, `constructor`, `prototype`,
 * escapes decoded), at most {@link MAX_JSON_DEPTH} levels. Malformed JSON is refused too.
 *
 * jsonc-parser (Microsoft's, the scanner of VS Code's JSON support) in strict mode (no comments,
 * no trailing commas) rather than a tokenizer of our own: `JSON.parse` keeps the last of two
 * equal keys silently and its reviver cannot see them, and secure-json-parse (fastify) handles
 * the prototype keys but not duplicates. Its visitor is iterative over tokens but recursive over
 * nesting, so the depth is cut at the first level too deep.
 */
export function checkJsonShape(text: string): void {
  const keys: Set<string>[] = [];
  // Elements so far of each open container, -1 for an object.
  const counts: number[] = [];
  let depth = 0;
  let first = true;
  const value = (): void => {
    const at = counts.length - 1;
    const count = counts[at];
    if (count === undefined || count < 0) return;
    if (count >= MAX_JSON_ARRAY_ITEMS)
      throw new RequestBodyError(
        'INVALID_ARGUMENT',
        `a JSON array in the body has more than ${String(MAX_JSON_ARRAY_ITEMS)} elements`,
      );
    counts[at] = count + 1;
  };
  const enter = (): void => {
    value();
    depth += 1;
    if (depth > MAX_JSON_DEPTH)
      throw new RequestBodyError(
        'INVALID_ARGUMENT',
        `the JSON body nests deeper than ${String(MAX_JSON_DEPTH)} levels`,
      );
  };
  const notAnObject = (): never => {
    throw new RequestBodyError('INVALID_ARGUMENT', 'the JSON body must be an object');
  };
  visit(
    text,
    {
      onObjectBegin: () => {
        first = false;
        enter();
        keys.push(new Set());
        counts.push(-1);
      },
      onObjectEnd: () => {
        depth -= 1;
        keys.pop();
        counts.pop();
      },
      onArrayBegin: () => {
        if (first) notAnObject();
        enter();
        counts.push(0);
      },
      onArrayEnd: () => {
        depth -= 1;
        counts.pop();
      },
      onLiteralValue: () => {
        if (first) notAnObject();
        value();
      },
      onObjectProperty: (property: string) => {
        if (PROTOTYPE_KEYS.has(property))
          throw new RequestBodyError(
            'FORBIDDEN_KEY',
            `the key "${property}" is not allowed in a request body`,
          );
        const seen = keys.at(-1);
        if (seen === undefined) return;
        if (seen.has(property))
          throw new RequestBodyError(
            'DUPLICATE_KEY',
            `the key "${property.slice(0, 64)}" appears twice in one object`,
          );
        if (seen.size >= MAX_JSON_OBJECT_KEYS)
          throw new RequestBodyError(
            'INVALID_ARGUMENT',
            `an object in the body has more than ${String(MAX_JSON_OBJECT_KEYS)} keys`,
          );
        seen.add(property);
      },
      onError: () => {
        throw new RequestBodyError('INVALID_ARGUMENT', 'malformed JSON body');
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
}

/** Options of {@link createBodyParsing}. */
export interface BodyParsingOptions {
  /** Verifies a bearer token's signature (the large limits are for signed-in callers only). */
  readonly verifyBearer: BearerVerifier;
}

type Next = (error?: unknown) => void;
type Handler = (request: IncomingMessage, response: ServerResponse, next: Next) => void;

/** A request as Express and body-parser leave it. */
type ParsedRequest = IncomingMessage & { body?: unknown };

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/** The request's media type, lower case, without parameters. */
function mediaTypeOf(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/** Whether the request has a body at all (type-is's rule, which body-parser follows). */
function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined ||
    (length !== undefined && !Number.isNaN(Number(length)))
  );
}

/**
 * Express middleware that reads request bodies within their route's limit: refuses a compressed
 * body (415), a JSON or form body without a Content-Length (411) and a declared size over the
 * limit (413), all unread, then reads JSON
 * (application/json and FHIR's types) as UTF-8 text, checks its shape ({@link checkJsonShape})
 * and parses it; URL-encoded forms are parsed within the same limit. Other types are left to
 * their routes (a multipart upload is hashed as it streams, within multer's limits).
 */
export function createBodyParsing(options: BodyParsingOptions): Handler {
  const parsers = new Map<number, { json: Handler; form: Handler }>();
  let largeInProgress = 0;
  const parsersOf = (limit: number): { json: Handler; form: Handler } => {
    let pair = parsers.get(limit);
    if (pair === undefined) {
      pair = {
        json: bodyParser.text({ type: JSON_MEDIA_TYPES, limit, inflate: false }) as Handler,
        form: bodyParser.urlencoded({
          extended: false,
          limit,
          inflate: false,
          parameterLimit: 100,
        }) as Handler,
      };
      parsers.set(limit, pair);
    }
    return pair;
  };
  return (request: ParsedRequest, response, next) => {
    if (!hasBody(request)) {
      next();
      return;
    }
    // A body refused unread. Node reads the declared rest off the socket to keep the connection
    // (cheap: no parsing); closing it instead cut clients off before they read the answer.
    const refuse = (error: RequestBodyError): void => {
      next(error);
    };
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
      refuse(
        new RequestBodyError(
          'UNSUPPORTED_MEDIA_TYPE',
          'compressed request bodies are not accepted: send Content-Encoding identity',
        ),
      );
      return;
    }
    const type = mediaTypeOf(request);
    // Other types are the route's: a multipart upload streams through its hash (multer's limits).
    if (type !== FORM_MEDIA_TYPE && !JSON_MEDIA_TYPES.includes(type)) {
      next();
      return;
    }
    const length = request.headers['content-length'];
    if (length === undefined) {
      // Chunked: body-parser reads a body over the limit to its end before it answers.
      refuse(
        new RequestBodyError(
          'LENGTH_REQUIRED',
          'a JSON or form body must declare its Content-Length',
        ),
      );
      return;
    }
    const limit = bodyLimitOf(request, options.verifyBearer);
    if (Number(length) > limit) {
      refuse(tooLarge(limit));
      return;
    }
    if (Number(length) > BODY_LIMITS.default) {
      if (largeInProgress >= MAX_LARGE_BODIES) {
        response.setHeader('Retry-After', '1');
        refuse(
          new RequestBodyError(
            'TOO_MANY_REQUESTS',
            'too many large requests in progress: try again later',
          ),
        );
        return;
      }
      largeInProgress += 1;
      // 'close' comes once per response, answered or cut.
      response.once('close', () => {
        largeInProgress -= 1;
      });
    }
    const { json, form } = parsersOf(limit);
    json(request, response, (error?: unknown) => {
      if (error !== undefined) {
        next(ownError(error, limit));
        return;
      }
      if (typeof request.body !== 'string') {
        form(request, response, (formError?: unknown) => {
          next(formError === undefined ? undefined : ownError(formError, limit));
        });
        return;
      }
      const text = request.body;
      try {
        if (text.trim() === '') {
          request.body = {};
        } else {
          checkJsonShape(text);
          request.body = JSON.parse(text) as unknown;
        }
      } catch (failure) {
        next(
          failure instanceof RequestBodyError
            ? failure
            : new RequestBodyError('INVALID_ARGUMENT', 'malformed JSON body', { cause: failure }),
        );
        return;
      }
      next();
    });
  };
}

/** body-parser's error as ours: a body over the limit is our 413, others keep their type. */
function ownError(error: unknown, limit: number): unknown {
  const { type } = error as { type?: unknown };
  return type === 'entity.too.large' ? tooLarge(limit) : error;
}

/** The 413 of a body over `limit` bytes. */
export function tooLarge(limit: number): RequestBodyError {
  return new RequestBodyError(
    'PAYLOAD_TOO_LARGE',
    `the request body exceeds ${String(limit)} bytes, the largest this route takes`,
  );
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request's X-Request-Id when well-formed, else a new UUID; echoed in the response. */
export function requestIdOf(request: IncomingMessage, response: ServerResponse): string {
  const assigned = response.getHeader('X-Request-Id');
  if (typeof assigned === 'string') return assigned;
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/** Paths the logs never show. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  // The identity provider's authorization URL (its state and PKCE challenge) and the handoff code.
  'res.headers.location',
  '*.password',
  '*.accessToken',
  '*.privateKey',
  '*.enrollmentSecret',
  '*.justification',
  '*.enrolmentCode',
  '*.signature',
];

/** The routes whose query strings carry secrets (the OIDC callback's `code` and `state`). */
const SECRET_QUERY_PATH = /^\/auth\/oidc\//i;

/** The fields of pino's serialized request this module reads. */
interface LoggedRequest {
  url?: unknown;
  query?: unknown;
}

/**
 * pino-http's request serializer (after its standard one): the query string of a URL under
 * /auth/oidc/ is dropped, every other field kept.
 */
export function requestWithoutSecrets<R extends LoggedRequest>(request: R): R {
  const { url } = request;
  if (typeof url !== 'string' || !SECRET_QUERY_PATH.test(url)) return request;
  const query = url.indexOf('?');
  if (query >= 0) request.url = url.slice(0, query);
  delete request.query;
  return request;
}

/** What the logs are configured with. */
export interface LoggingOptions {
  /** pino's level (`info`, `silent`, ...). */
  readonly level: string;
  /** The organization every line is tagged with. */
  readonly org: string;
}

/** nestjs-pino options: JSON logs with request IDs, secrets redacted. */
export function loggerParams(options: Readonly<LoggingOptions>): Params {
  return {
    pinoHttp: {
      level: options.level,
      genReqId: requestIdOf,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { req: requestWithoutSecrets },
      base: { org: options.org },
      customLogLevel: (_request, response, error) =>
        error !== undefined || response.statusCode >= 500
          ? 'error'
          : response.statusCode >= 400
            ? 'warn'
            : 'info',
      autoLogging: {
        ignore: (request) => request.url === '/health/live' || request.url === '/metrics',
      },
    },
  };
}

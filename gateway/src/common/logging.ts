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
  '*.password',
  '*.accessToken',
  '*.privateKey',
  '*.enrollmentSecret',
  '*.justification',
  '*.enrolmentCode',
  '*.signature',
];

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

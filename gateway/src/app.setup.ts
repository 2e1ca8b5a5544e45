import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { BLOCK_NUMBER_PATTERN, LEDGER_MIN_BLOCK_HEADER } from '@consent-ledger/ledger-api';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { requestIdOf } from './common/logging.js';
import { createRequestRate } from './common/request-rate.js';
import { BODY_LIMITS, bearerTokenOf, createBodyParsing } from './common/request-body.js';
import { requireUtf8Body } from './common/validation.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config.js';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware.js';
import { serveWebApp } from './web/web-app.js';

/** How main.ts and the tests create the application (body parsers are added by configureApp). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest declares its options as a class but takes plain objects
export const APP_OPTIONS: NestApplicationOptions = { bodyParser: false, bufferLogs: true };

/**
 * Largest JSON body (bytes): a batch of up to 100,000 record anchors, from a signed-in caller;
 * every other route takes far less (common/request-body.ts, BODY_LIMITS).
 */
export const JSON_BODY_LIMIT = BODY_LIMITS.batch;

/**
 * The user of a bearer token this gateway signed and that has not expired (the signature and
 * expiry of its HS256 tokens, with the key and options the auth module signs with), else
 * undefined. The request rate (whose caller) and the body limits (may it send a large body) ask
 * about the same request's token one after the other, so the last token's answer is kept until
 * it expires and the token is verified once. The route's guard still authenticates in full.
 */
function bearerSubject(app: INestApplication): (token: string) => string | undefined {
  const jwt = app.get(JwtService, { strict: false });
  let last: { token: string; subject: string; until: number } | undefined;
  return (token) => {
    if (last?.token === token && Date.now() < last.until) return last.subject;
    try {
      const { sub, exp } = jwt.verify<{ sub?: unknown; exp?: unknown }>(token);
      if (typeof sub !== 'string' || typeof exp !== 'number') return undefined;
      last = { token, subject: sub, until: exp * 1000 };
      return sub;
    } catch {
      return undefined;
    }
  };
}

/**
 * Whom a request's rate is counted against: the user of a valid access token of this gateway,
 * else the client address (the socket's, or the forwarded one from a trusted proxy).
 */
function callerOf(subjectOf: (token: string) => string | undefined): (request: Request) => string {
  return (request) => {
    const token = bearerTokenOf(request.headers.authorization);
    const subject = token === undefined ? undefined : subjectOf(token);
    if (subject !== undefined) return `user:${subject}`;
    return `address:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`;
  };
}

/**
 * What main.ts and the in-process tests both do to the application before it listens: pino as
 * Nest's logger, helmet, the web app at /app/, the trusted proxies, body parsing within each
 * route's limits, OpenAPI at /docs (spec at /docs-json) when GATEWAY_DOCS is on, shutdown hooks.
 * The application must be created with `{ bodyParser: false, bufferLogs: true }`.
 */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  const config = app.get<GatewayConfig>(GATEWAY_CONFIG);
  const subjectOf = bearerSubject(app);
  // First of all: each caller's request rate, before any work is done for the request.
  express.use(
    createRequestRate({
      perSecond: config.GATEWAY_REQUEST_RATE_LIMIT,
      maxWaiting: 200,
      maxWaitMs: 2_000,
      callerOf: callerOf(subjectOf),
    }),
  );
  // Before the body parsers, so that a malformed body still gets a request ID and is counted.
  express.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    requestIdOf(request, response);
    next();
  });
  const metrics = app.get(HttpMetricsMiddleware);
  express.use(metrics.use.bind(metrics));
  // The web app (/app/) loads its scripts and styles from this origin and calls this API; the
  // gateway speaks plain HTTP (TLS terminates in front of it), so no upgrade-insecure-requests.
  express.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          scriptSrc: ["'self'"],
          connectSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  serveWebApp(express, config.WEB_ROOT);
  // No proxy unless configured: X-Forwarded-For is then ignored and request.ip is the peer's.
  express.set(
    'trust proxy',
    config.GATEWAY_TRUSTED_PROXIES.length === 0 ? false : config.GATEWAY_TRUSTED_PROXIES,
  );
  express.use(requireUtf8Body);
  express.use(createBodyParsing({ verifyBearer: (token) => subjectOf(token) !== undefined }));
  if (config.GATEWAY_DOCS === 'on') setUpDocs(app);
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = config.GATEWAY_KEEP_ALIVE_SECONDS * 1000;
  app.enableShutdownHooks();
}

/** OpenAPI at /docs, the document at /docs-json. */
function setUpDocs(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Consent Ledger gateway')
      .setDescription(
        'One organization’s REST gateway to the Consent Ledger: identities, consents, access requests, record anchors, audit and ledger events.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .addGlobalParameters({
        in: 'header',
        name: LEDGER_MIN_BLOCK_HEADER,
        required: false,
        description:
          'Answer only once this organization’s peer has committed this block (a `Ledger-Block` another gateway answered a write with); 503 LEDGER_UNAVAILABLE if it does not in time.',
        schema: { type: 'string', pattern: BLOCK_NUMBER_PATTERN.source },
      })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

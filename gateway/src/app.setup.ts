import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { requestIdOf } from './common/logging.js';
import { forbidPrototypeKeys, requireUtf8Body } from './common/validation.js';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config.js';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware.js';
import { serveWebApp } from './web/web-app.js';

/** How main.ts and the tests create the application (body parsers are added by configureApp). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest declares its options as a class but takes plain objects
export const APP_OPTIONS: NestApplicationOptions = { bodyParser: false, bufferLogs: true };

/** Largest JSON body: a batch of up to 100,000 record anchors. */
export const JSON_BODY_LIMIT = '40mb';

/**
 * What main.ts and the in-process tests both do to the application before it listens: pino as
 * Nest's logger, helmet, the web app at /app/, body parsers, OpenAPI at /docs (spec at /docs-json), shutdown hooks.
 * The application must be created with `{ bodyParser: false, bufferLogs: true }`.
 */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
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
  serveWebApp(express, app.get<GatewayConfig>(GATEWAY_CONFIG).WEB_ROOT);
  express.use(requireUtf8Body);
  express.useBodyParser('json', { limit: JSON_BODY_LIMIT, reviver: forbidPrototypeKeys });
  express.useBodyParser('urlencoded', { extended: false, limit: '1mb' });
  // No forwarding header is trusted: the client address is the socket's (sign-in limits count it).
  express.set('trust proxy', false);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Consent Ledger gateway')
      .setDescription(
        'One organization’s REST gateway to the Consent Ledger: identities, consents, access requests, record anchors, audit and ledger events.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  app.enableShutdownHooks();
}

import type { IncomingMessage } from 'node:http';
import { Injectable, PayloadTooLargeException, type NestMiddleware } from '@nestjs/common';
import { FhirArgumentError } from './fhir.errors.js';

/** Largest FHIR request body accepted. */
export const FHIR_BODY_LIMIT_BYTES = 1024 * 1024;

const FHIR_JSON_TYPES = new Set(['application/fhir+json', 'application/json+fhir']);

/** A request as the middleware sees it (Express adds `body`). */
type BodyRequest = IncomingMessage & { body?: unknown };

/**
 * Parses `application/fhir+json` request bodies under /fhir (the application's JSON parser only
 * takes `application/json`, which keeps working too). A body already read is left alone.
 * Malformed JSON is a 400 INVALID_ARGUMENT, an oversized body a 413.
 */
@Injectable()
export class FhirJsonBodyMiddleware implements NestMiddleware<BodyRequest> {
  async use(request: BodyRequest, _response: unknown, next: () => void): Promise<void> {
    const mediaType = (request.headers['content-type'] ?? '')
      .split(';', 1)[0]
      ?.trim()
      .toLowerCase();
    if (mediaType === undefined || !FHIR_JSON_TYPES.has(mediaType) || request.readableEnded) {
      next();
      return;
    }
    const text = await readText(request);
    if (text.trim() !== '') {
      try {
        request.body = JSON.parse(text) as unknown;
      } catch {
        throw FhirArgumentError.at('body', 'is not valid JSON', 'structure');
      }
    }
    next();
  }
}

async function readText(request: IncomingMessage): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > FHIR_BODY_LIMIT_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > FHIR_BODY_LIMIT_BYTES) throw tooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(): PayloadTooLargeException {
  return new PayloadTooLargeException(
    `request body exceeds ${String(FHIR_BODY_LIMIT_BYTES)} bytes`,
  );
}

import type { IncomingMessage } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { FhirHttpError } from './fhir.errors.js';

/** `_format` values (and Accept media types) answered: JSON in its FHIR spellings. */
const JSON_FORMATS: ReadonlySet<string> = new Set([
  'json',
  'application/json',
  'application/fhir+json',
  'application/json+fhir',
]);
const ANY_FORMATS: ReadonlySet<string> = new Set(['*/*', 'application/*']);
const FORM = 'application/x-www-form-urlencoded';

/**
 * One format rule for every endpoint under /fhir (metadata, reads, searches, writes and the
 * refusals of unsupported interactions alike): a `_format` or an Accept header that admits no JSON
 * is answered 406, a request body that is neither JSON (nor, for `_search`, a form) 415, both as
 * OperationOutcome.
 */
@Injectable()
export class FhirFormatMiddleware implements NestMiddleware<IncomingMessage> {
  use(request: IncomingMessage, _response: unknown, next: () => void): void {
    checkFormat(request);
    next();
  }
}

/** Throws the 406 or 415 {@link FhirHttpError} a request's format asks for; nothing when fine. */
export function checkFormat(request: Pick<IncomingMessage, 'url' | 'headers' | 'method'>): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  for (const format of url.searchParams.getAll('_format'))
    if (!JSON_FORMATS.has(format.trim().toLowerCase()))
      throw FhirHttpError.notAcceptable(`_format=${format}`);
  const accept = request.headers.accept;
  if (accept !== undefined && accept.trim() !== '' && !acceptsJson(accept))
    throw FhirHttpError.notAcceptable(`Accept: ${accept}`);
  const mediaType = (request.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase();
  // Only POST and PUT are served with a body: another method's answer is its 405, whatever it sent.
  if (request.method !== 'POST' && request.method !== 'PUT') return;
  if (mediaType === undefined || mediaType === '' || !hasBody(request)) return;
  if (JSON_FORMATS.has(mediaType)) return;
  if (mediaType === FORM && url.pathname.endsWith('/_search')) return;
  throw FhirHttpError.unsupportedMediaType(mediaType);
}

/** Whether an Accept header admits a JSON answer (a range with q=0 admits nothing). */
function acceptsJson(accept: string): boolean {
  return accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    if (q !== undefined && Number(q.slice(2)) === 0) return false;
    return JSON_FORMATS.has(type) || ANY_FORMATS.has(type);
  });
}

function hasBody(request: Pick<IncomingMessage, 'headers'>): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined ||
    (length !== undefined && Number(length) > 0)
  );
}

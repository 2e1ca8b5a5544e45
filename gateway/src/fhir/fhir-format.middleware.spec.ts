import { describe, expect, it } from 'vitest';
import { FhirHttpError } from './fhir.errors.js';
import { checkFormat } from './fhir-format.middleware.js';

type Request = Parameters<typeof checkFormat>[0];

const request = (url: string, headers: Request['headers'] = {}, method = 'GET'): Request => ({
  url,
  headers,
  method,
});

function statusOf(what: Request): number | undefined {
  try {
    checkFormat(what);
    return undefined;
  } catch (error) {
    if (error instanceof FhirHttpError) return error.getStatus();
    throw error;
  }
}

describe('checkFormat', () => {
  it('accepts JSON in every spelling, and any Accept that admits it', () => {
    for (const format of [
      'json',
      'application/json',
      'application/fhir+json',
      'APPLICATION/FHIR+JSON',
    ])
      expect(
        statusOf(request(`/fhir/metadata?_format=${encodeURIComponent(format)}`)),
      ).toBeUndefined();
    for (const accept of [
      '*/*',
      'application/fhir+json',
      'text/html, application/*;q=0.5',
      'application/json',
    ])
      expect(statusOf(request('/fhir/Consent', { accept }))).toBeUndefined();
  });

  it('refuses another _format or an Accept without JSON with 406', () => {
    expect(statusOf(request('/fhir/metadata?_format=xml'))).toBe(406);
    expect(statusOf(request('/fhir/Consent?_format=json&_format=text/turtle'))).toBe(406);
    expect(statusOf(request('/fhir/metadata', { accept: 'application/fhir+xml' }))).toBe(406);
    expect(statusOf(request('/fhir/metadata', { accept: 'application/json;q=0, text/xml' }))).toBe(
      406,
    );
  });

  it('refuses a POST or PUT body that is not JSON (or a form for _search) with 415', () => {
    const body = (type: string) => ({ 'content-type': type, 'content-length': '10' });
    expect(statusOf(request('/fhir/Consent', body('application/fhir+xml'), 'POST'))).toBe(415);
    expect(statusOf(request('/fhir/Consent/c-1', body('text/plain'), 'PUT'))).toBe(415);
    expect(statusOf(request('/fhir/Consent', body(FORM), 'POST'))).toBe(415);
    expect(statusOf(request('/fhir/Consent/_search', body(FORM), 'POST'))).toBeUndefined();
    expect(
      statusOf(request('/fhir/Consent', body('application/fhir+json'), 'POST')),
    ).toBeUndefined();
    // No body, or a method that is answered 405 anyway.
    expect(
      statusOf(request('/fhir/Consent', { 'content-type': 'text/xml' }, 'POST')),
    ).toBeUndefined();
    expect(
      statusOf(request('/fhir/Consent/c-1', body('application/json-patch+json'), 'PATCH')),
    ).toBeUndefined();
  });
});

const FORM = 'application/x-www-form-urlencoded';

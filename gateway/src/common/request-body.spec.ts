import { describe, expect, it } from 'vitest';
import {
  BODY_LIMITS,
  MAX_JSON_ARRAY_ITEMS,
  MAX_JSON_DEPTH,
  MAX_JSON_OBJECT_KEYS,
  RequestBodyError,
  bodyLimitOf,
  checkJsonShape,
  hasValidBearer,
} from './request-body.js';

const codeOf = (text: string): string | undefined => {
  try {
    checkJsonShape(text);
    return undefined;
  } catch (error) {
    if (error instanceof RequestBodyError) return error.code;
    throw error;
  }
};

describe('checkJsonShape', () => {
  it('takes objects with distinct keys, nested as deep as allowed', () => {
    expect(codeOf('{"a":1,"b":[1,{"a":2}],"c":{"a":{"b":null}}}')).toBeUndefined();
    expect(codeOf('{"a":[1,{"b":"__proto__"}],"note":"constructor"}')).toBeUndefined();
    const deep = `{"a":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`;
    expect(codeOf(deep)).toBeUndefined();
  });

  it('refuses a key twice in one object, at any depth, escapes decoded', () => {
    expect(codeOf('{"a":1,"a":2}')).toBe('DUPLICATE_KEY');
    expect(codeOf('{"x":{"b":[{"c":1,"c":1}]}}')).toBe('DUPLICATE_KEY');
    expect(codeOf('{"ab":1,"a\\u0062":2}')).toBe('DUPLICATE_KEY');
  });

  it('refuses prototype-shaped keys anywhere', () => {
    for (const key of ['__proto__', 'constructor', 'prototype', '__pro\\u0074o__'])
      expect(codeOf(`{"a":[{"${key}":{"admin":true}}]}`), key).toBe('FORBIDDEN_KEY');
  });

  it('refuses a body that is not an object, nests too deep, or is malformed', () => {
    expect(codeOf('[0,0,0]')).toBe('INVALID_ARGUMENT');
    expect(codeOf('"text"')).toBe('INVALID_ARGUMENT');
    expect(codeOf('null')).toBe('INVALID_ARGUMENT');
    expect(codeOf(`{"a":${'['.repeat(200_000)}`)).toBe('INVALID_ARGUMENT');
    expect(codeOf('{"a":1,}')).toBe('INVALID_ARGUMENT');
    expect(codeOf('{"a":1 /* c */}')).toBe('INVALID_ARGUMENT');
  });

  it('refuses an object of more keys than any body has', () => {
    const keys = (n: number): string =>
      `{${Array.from({ length: n }, (_, i) => `"k${String(i)}":0`).join(',')}}`;
    expect(codeOf(`{"a":${keys(MAX_JSON_OBJECT_KEYS)}}`)).toBeUndefined();
    expect(codeOf(keys(MAX_JSON_OBJECT_KEYS + 1))).toBe('INVALID_ARGUMENT');
  });

  it('refuses an array of more elements than any route takes, counted per array', () => {
    const zeros = (n: number): string => `[${Array.from({ length: n }, () => '0').join(',')}]`;
    expect(codeOf(`{"a":${zeros(MAX_JSON_ARRAY_ITEMS)},"b":${zeros(10)}}`)).toBeUndefined();
    expect(codeOf(`{"a":${zeros(MAX_JSON_ARRAY_ITEMS + 1)}}`)).toBe('INVALID_ARGUMENT');
    expect(
      codeOf(`{"a":[${Array.from({ length: MAX_JSON_ARRAY_ITEMS + 1 }, () => '{}').join(',')}]}`),
    ).toBe('INVALID_ARGUMENT');
  });
});

describe('body limits', () => {
  const verify = (token: string): boolean => token === 'good.token.sig';
  const limit = (method: string, url: string, authorization?: string): number =>
    bodyLimitOf(
      { method, url, headers: authorization === undefined ? {} : { authorization } },
      verify,
    );

  it('keeps credentials small and gives the large limits to a verified bearer only', () => {
    expect(limit('POST', '/auth/login')).toBe(BODY_LIMITS.credentials);
    expect(limit('POST', '/auth/login', 'Bearer good.token.sig')).toBe(BODY_LIMITS.credentials);
    expect(limit('POST', '/consents', 'Bearer good.token.sig')).toBe(BODY_LIMITS.default);
    expect(limit('POST', '/records/batches')).toBe(BODY_LIMITS.default);
    expect(limit('POST', '/records/batches', 'Bearer forged.token.sig')).toBe(BODY_LIMITS.default);
    expect(limit('POST', '/records/batches?x=1', 'Bearer good.token.sig')).toBe(BODY_LIMITS.batch);
    expect(limit('POST', '/fhir/Consent', 'Bearer good.token.sig')).toBe(BODY_LIMITS.fhir);
    expect(limit('POST', '/fhir/Consent')).toBe(BODY_LIMITS.default);
  });

  it('reads only a well-formed bearer header and survives a throwing verifier', () => {
    expect(hasValidBearer(undefined, verify)).toBe(false);
    expect(hasValidBearer(['Bearer good.token.sig'], verify)).toBe(false);
    expect(hasValidBearer('Basic good.token.sig', verify)).toBe(false);
    expect(hasValidBearer(`Bearer ${'a'.repeat(5000)}`, verify)).toBe(false);
    expect(hasValidBearer('bearer good.token.sig', verify)).toBe(true);
    expect(
      hasValidBearer('Bearer x', () => {
        throw new Error('boom');
      }),
    ).toBe(false);
  });
});

import { CATEGORIES, LedgerError } from '@consent-ledger/ledger-api';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  bookmarkSchema,
  derivedIdSchema,
  externalIdSchema,
  instantSchema,
  parseJsonArgument,
  patientIdSchema,
  practitionerIdSchema,
  sha256Schema,
  validate,
  vocabularyList,
} from './validation';

const accepts = (schema: z.ZodType, value: unknown): boolean => schema.safeParse(value).success;

describe('input validation', () => {
  it('accepts only canonical, existing instants', () => {
    expect(accepts(instantSchema, '2026-11-22T03:27:06.155Z')).toBe(true);
    expect(accepts(instantSchema, '2028-02-29T00:00:00.000Z')).toBe(true);
    for (const bad of [
      '2026-02-30T00:00:00.000Z',
      '2027-02-29T00:00:00.000Z',
      '2026-11-22T24:00:00.000Z',
      '2026-11-22T03:27:06Z',
      '2026-11-22T03:27:06.155+08:00',
      '2026-11-22',
      ' 2026-11-22T03:27:06.155Z',
      20261122,
    ]) {
      expect(accepts(instantSchema, bad), String(bad)).toBe(false);
    }
  });

  it('accepts IDs, hashes and bookmarks only in their exact form', () => {
    expect(accepts(patientIdSchema, 'pid-abcdefghijklmnop')).toBe(true);
    expect(accepts(patientIdSchema, 'pid-abcdefghijklmno1')).toBe(false);
    expect(accepts(patientIdSchema, `pid-${'a'.repeat(33)}`)).toBe(false);
    expect(accepts(practitionerIdSchema, 'prac-12345678')).toBe(true);
    expect(accepts(practitionerIdSchema, 'prac-1234567')).toBe(false);
    expect(accepts(sha256Schema, 'a'.repeat(64))).toBe(true);
    expect(accepts(sha256Schema, 'A'.repeat(64))).toBe(false);
    expect(accepts(sha256Schema, 'g'.repeat(64))).toBe(false);
    expect(accepts(derivedIdSchema('con'), `con-${'0'.repeat(24)}`)).toBe(true);
    expect(accepts(derivedIdSchema('con'), `evt-${'0'.repeat(24)}`)).toBe(false);
    expect(accepts(externalIdSchema, 'HIS:2026/1')).toBe(false);
    expect(accepts(externalIdSchema, 'his:2026.1_a-b')).toBe(true);
    expect(accepts(externalIdSchema, 'x'.repeat(129))).toBe(false);
    for (const control of ['a\u0000b', 'a\nb', 'a\u007fb', 'a\u202eb']) {
      expect(accepts(externalIdSchema, control)).toBe(false);
    }
    expect(accepts(bookmarkSchema, '')).toBe(true);
    expect(accepts(bookmarkSchema, 'abc=')).toBe(false);
  });

  it('sorts and de-duplicates vocabulary lists', () => {
    expect(
      validate(vocabularyList(CATEGORIES), {
        value: ['wearable', 'genomic', 'wearable'],
        what: 'list',
      }),
    ).toEqual(['genomic', 'wearable']);
    expect(() => validate(vocabularyList(CATEGORIES), { value: [], what: 'list' })).toThrow(
      /list: Too small/,
    );
    expect(validate(vocabularyList(CATEGORIES, 0), { value: [], what: 'list' })).toEqual([]);
  });

  it('turns JSON arguments into domain objects or INVALID_ARGUMENT naming the field', () => {
    const schema = z.strictObject({
      items: z.array(z.strictObject({ id: externalIdSchema })).max(2),
    });
    expect(parseJsonArgument(schema, { json: '{"items":[{"id":"a"}]}', what: 'input' })).toEqual({
      items: [{ id: 'a' }],
    });
    const failure = (json: string): LedgerError => {
      try {
        parseJsonArgument(schema, { json, what: 'input', maxBytes: 100 });
      } catch (error) {
        if (error instanceof LedgerError) return error;
      }
      throw new Error('expected a LedgerError');
    };
    expect(failure('{"items":[{"id":"a b"}]}').message).toMatch(
      /^INVALID_ARGUMENT: input\.items\[0\]\.id: must be/,
    );
    expect(failure('{"items":[],"more":1}').message).toMatch(/input: Unrecognized key: "more"$/);
    // Unknown keys are named, escaped and cut short: never echoed verbatim.
    const hostile = failure(`{"items":[],"a\\nb\\u202e":1,"${'k'.repeat(60)}":2}`).message;
    expect(hostile).toContain('Unrecognized keys: "a\\u{a}b\\u{202e}", "kkkk');
    expect(hostile).not.toMatch(/[\n\u202e]|k{41}/u);
    expect(failure('{"items":[{},{},{}]}').message).toMatch(/input\.items: Too big/);
    expect(failure('{"items":').message).toBe('INVALID_ARGUMENT: input: not valid JSON');
    expect(failure(`{"items":[],"x":"${'a'.repeat(100)}"}`).message).toMatch(
      /larger than 100 bytes/,
    );
    const four = z.strictObject({ a: z.string(), b: z.string(), c: z.string(), d: z.string() });
    expect(() => parseJsonArgument(four, { json: '{}', what: 'input' })).toThrow(
      /input\.c: .*; and 1 more$/,
    );
    expect(failure('{"items":[{"id":"\\u0000"}]}').code).toBe('INVALID_ARGUMENT');
    expect(failure('{"__proto__":{"admin":true},"items":[]}').message).toMatch(/Unrecognized key/);
    expect(
      parseJsonArgument(z.strictObject({ a: z.number().optional() }), {
        json: '  ',
        what: 'empty',
      }),
    ).toEqual({});
  });

  it('never echoes the input in a message', () => {
    const secret = 'Zhang San, 1980-01-01';
    try {
      validate(z.strictObject({ name: patientIdSchema }), {
        value: { name: secret },
        what: 'input',
      });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('Zhang');
    }
  });
});

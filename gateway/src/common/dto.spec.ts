import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { IsUtcTimestamp, isRealDateTime } from './dto.js';
import { requireUtf8Body } from './validation.js';

class Window {
  @IsUtcTimestamp()
  from!: string;
}

function check(from: string): { value: unknown; valid: boolean } {
  const instance = plainToInstance(Window, { from });
  return { value: instance.from, valid: validateSync(instance).length === 0 };
}

describe('timestamps in requests', () => {
  it('normalizes real timestamps to UTC milliseconds', () => {
    expect(check('2026-11-22T03:27:06Z')).toEqual({
      value: '2026-11-22T03:27:06.000Z',
      valid: true,
    });
    expect(check('2026-11-22T11:27:06.155+08:00')).toEqual({
      value: '2026-11-22T03:27:06.155Z',
      valid: true,
    });
    expect(check('2024-02-29T00:00:00.000Z').valid).toBe(true);
  });

  it('refuses dates and times that do not exist instead of rolling them over', () => {
    for (const impossible of [
      '2026-02-30T00:00:00.000Z',
      '2025-02-29T00:00:00.000Z',
      '2026-11-22T24:00:00.000Z',
      '2026-11-22T23:60:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-04-31T10:00:00+08:00',
    ]) {
      expect(isRealDateTime(impossible), impossible).toBe(false);
      expect(check(impossible).valid, impossible).toBe(false);
    }
  });
});

describe('requireUtf8Body', () => {
  const outcome = (contentType: string | undefined): unknown => {
    let passed: unknown = 'not called';
    requireUtf8Body({ headers: { 'content-type': contentType } }, undefined, (error?: unknown) => {
      passed = error;
    });
    return passed;
  };

  it('lets UTF-8, an unlabelled body and a malformed type through to the parsers', () => {
    expect(outcome('application/json')).toBeUndefined();
    expect(outcome('application/json; charset=utf-8')).toBeUndefined();
    expect(outcome('application/json; charset="UTF-8"')).toBeUndefined();
    expect(outcome(undefined)).toBeUndefined();
    expect(outcome('not a media type')).toBeUndefined();
  });

  it('refuses other charsets, UTF-7 included, with body-parser’s 415 shape', () => {
    for (const charset of ['utf-7', 'UTF-16', 'latin1']) {
      const error = outcome(`application/json; charset=${charset}`) as {
        status: number;
        type: string;
        message: string;
      };
      expect(error.status).toBe(415);
      expect(error.type).toBe('charset.unsupported');
      expect(error.message).toContain(charset.toUpperCase());
    }
  });
});

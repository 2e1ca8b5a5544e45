import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { createValidationPipe } from '../common/validation.js';
import { AccessEventsQueryDto, ExportQueryDto } from './audit-query.dto.js';

const pipe = createValidationPipe();

async function parse(metatype: new () => object, query: Record<string, string>): Promise<unknown> {
  return pipe.transform(query, { type: 'query', metatype });
}

describe('the access-event queries through the global validation pipe', () => {
  it('turns a search query string into typed filters and a page', async () => {
    const parsed = await parse(AccessEventsQueryDto, {
      patientId: 'pid-gp5jlxrfalajuf74',
      pageSize: '100',
      breakGlass: 'true',
      from: '2026-12-06T08:00:00+08:00',
      order: 'asc',
    });
    expect(parsed).toBeInstanceOf(AccessEventsQueryDto);
    expect({ ...(parsed as object) }).toEqual({
      patientId: 'pid-gp5jlxrfalajuf74',
      pageSize: 100,
      breakGlass: true,
      from: '2026-12-06T00:00:00.000Z',
      order: 'asc',
    });
  });

  it('refuses a page size out of range or not a number, naming the field', async () => {
    for (const pageSize of ['0', '101', 'ten', '2.5']) {
      await expect(parse(AccessEventsQueryDto, { pageSize }), pageSize).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('pageSize') as unknown,
      });
    }
  });

  it('gives the export the same filters without paging', async () => {
    const parsed = await parse(ExportQueryDto, { format: 'csv', breakGlass: 'false' });
    expect({ ...(parsed as object) }).toEqual({ format: 'csv', breakGlass: false });
    await expect(parse(ExportQueryDto, { format: 'csv', pageSize: '10' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Shim } from 'fabric-shim';
import { describe, expect, it, vi } from 'vitest';
import { SHIM_LOGGERS, dropShimLogsBelowLevel } from './shim-logging';

describe('dropShimLogsBelowLevel', () => {
  it('names every logger the installed fabric-shim creates, and no other', () => {
    const lib = path.dirname(createRequire(__filename).resolve('fabric-shim/lib/logger.js'));
    const created = readdirSync(lib, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.js'))
      .flatMap((file) =>
        [...readFileSync(path.join(lib, file), 'utf8').matchAll(/getLogger\('([^']+)'\)/g)].map(
          (match) => match[1],
        ),
      );
    expect([...SHIM_LOGGERS].sort()).toEqual([...new Set(created)].sort());
  });

  it('leaves calls below the level unformatted and still writes those at or above it', () => {
    dropShimLogsBelowLevel();
    for (const name of SHIM_LOGGERS) {
      const logger = Shim.newLogger(name);
      expect(logger.level, name).toBe('info');
      const write = vi.spyOn(logger, 'write').mockImplementation(() => true);
      const format = vi.spyOn(logger.format, 'transform');
      try {
        logger.debug('per message %s', 'detail');
        logger.verbose('per message');
        logger.silly('per message');
        expect(write, name).not.toHaveBeenCalled();
        expect(format, name).not.toHaveBeenCalled();
        logger.error('refused');
        logger.info('registered');
        expect(write.mock.calls.map(([info]) => (info as { level: string }).level)).toEqual([
          'error',
          'info',
        ]);
      } finally {
        write.mockRestore();
        format.mockRestore();
      }
    }
  });

  it('is what the chaincode does when it loads', async () => {
    const handler = Shim.newLogger('lib/handler.js');
    delete (handler as unknown as Record<string, unknown>).debug;
    expect(Object.hasOwn(handler, 'debug')).toBe(false);
    vi.resetModules();
    await import('../index.js');
    expect(Object.hasOwn(handler, 'debug')).toBe(true);
  });
});

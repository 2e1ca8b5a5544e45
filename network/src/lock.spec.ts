import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { withFileLock } from './lock.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'lock-spec-'));

describe('withFileLock', () => {
  it('runs one holder at a time and removes the lock afterwards', async () => {
    const file = path.join(dir, 'a.lock');
    const order: string[] = [];
    const job = (name: string) =>
      withFileLock(file, async () => {
        order.push(`${name} in`);
        await sleep(30);
        order.push(`${name} out`);
        return name;
      });
    expect(await Promise.all([job('one'), job('two')])).toEqual(['one', 'two']);
    expect(order).toEqual(['one in', 'one out', 'two in', 'two out']);
    expect(existsSync(file)).toBe(false);
  });

  it('takes over a lock left by a dead process, and times out on a live holder', async () => {
    const file = path.join(dir, 'b.lock');
    writeFileSync(file, String(2 ** 22 + 1));
    expect(await withFileLock(file, () => Promise.resolve('taken'))).toBe('taken');
    writeFileSync(file, String(process.ppid));
    await expect(withFileLock(file, () => Promise.resolve('never'), 50)).rejects.toThrow(
      /timed out/,
    );
  });
});

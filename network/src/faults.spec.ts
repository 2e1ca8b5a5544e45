import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  beginFaultInjection,
  endFaultInjection,
  faultInjectionInProgress,
  waitWhileFaultInjection,
} from './faults.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'faults-spec-'));
const file = path.join(dir, 'fault-injection.json');

describe('the fault-injection marker', () => {
  afterEach(() => {
    rmSync(file, { force: true });
  });

  it('is in progress between begin and end, for this process', () => {
    expect(faultInjectionInProgress(file)).toBeUndefined();
    beginFaultInjection('kill orderer1', file);
    expect(faultInjectionInProgress(file)).toMatchObject({
      pid: process.pid,
      description: 'kill orderer1',
    });
    endFaultInjection(file);
    expect(faultInjectionInProgress(file)).toBeUndefined();
  });

  it("ignores a marker whose process is gone, and leaves another live process's marker", () => {
    writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 1, description: 'x', since: '' }));
    expect(faultInjectionInProgress(file)).toBeUndefined();
    writeFileSync(file, JSON.stringify({ pid: process.ppid, description: 'other', since: '' }));
    endFaultInjection(file);
    expect(faultInjectionInProgress(file)?.pid).toBe(process.ppid);
  });

  it("waits for another process's marker, up to the timeout, but never for its own", async () => {
    beginFaultInjection('mine', file);
    expect(await waitWhileFaultInjection({ file, timeoutMs: 10 })).toBe(true);
    writeFileSync(file, JSON.stringify({ pid: process.ppid, description: 'other', since: '' }));
    const lines: string[] = [];
    expect(
      await waitWhileFaultInjection({ file, timeoutMs: 10, log: (line) => lines.push(line) }),
    ).toBe(false);
    expect(lines).toEqual(['waiting for a fault injection to end: other']);
    rmSync(file);
    expect(await waitWhileFaultInjection({ file, timeoutMs: 10 })).toBe(true);
  });
});

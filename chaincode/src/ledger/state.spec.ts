import type { ChaincodeStub } from 'fabric-shim-api';
import { describe, expect, it, vi } from 'vitest';
import { entriesUnder } from './state';

/** A stub whose range query answers `keys` and counts the iterator's close calls. */
function stubWith(keys: readonly string[]): { stub: ChaincodeStub; close: () => number } {
  let closed = 0;
  const stub = {
    getStateByPartialCompositeKey: vi.fn(() => {
      let position = 0;
      return Promise.resolve({
        next: () =>
          Promise.resolve(
            position < keys.length
              ? { value: { key: keys[position++] ?? '', value: new Uint8Array([0]) }, done: false }
              : { value: undefined, done: true },
          ),
        close: () => {
          closed += 1;
          return Promise.resolve();
        },
      });
    }),
    splitCompositeKey: (key: string) => ({ objectType: 'con~pat', attributes: key.split(':') }),
  } as unknown as ChaincodeStub;
  return { stub, close: () => closed };
}

describe('entriesUnder', () => {
  it('leaves an exhausted iterator to the peer (no closing round trip)', async () => {
    const { stub, close } = stubWith(['pid-a:con-1', 'pid-a:con-2']);
    const seen: string[] = [];
    for await (const entry of entriesUnder(stub, ['consentByPatient', 'pid-a'])) {
      seen.push(entry.attributes[1] ?? '');
    }
    expect(seen).toEqual(['con-1', 'con-2']);
    expect(close()).toBe(0);
  });

  it('closes an iterator left early', async () => {
    const { stub, close } = stubWith(['pid-a:con-1', 'pid-a:con-2']);
    for await (const entry of entriesUnder(stub, ['consentByPatient', 'pid-a'])) {
      expect(entry.attributes[1]).toBe('con-1');
      break;
    }
    expect(close()).toBe(1);
  });
});

import type { ChaincodeStub } from 'fabric-shim-api';
import { describe, expect, it, vi } from 'vitest';
import { collectionConfig, createInMemoryLedger } from '../testing/in-memory-ledger';
import { inCollection, publicState, readAccess, stateIn } from './state';

/** A stub whose range query answers `keys` and counts the iterator's close calls. */
function stubWith(keys: readonly string[]): { stub: ChaincodeStub; close: () => number } {
  let closed = 0;
  const iterator = () => {
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
  };
  const stub = {
    createCompositeKey: (type: string, attributes: string[]) => [type, ...attributes].join(':'),
    getPrivateDataByRange: vi.fn(iterator),
    splitCompositeKey: (key: string) => ({ objectType: 'con~pat', attributes: key.split(':') }),
  } as unknown as ChaincodeStub;
  return { stub, close: () => closed };
}

describe('range entries', () => {
  it('leaves an exhausted iterator to the peer (no closing round trip)', async () => {
    const { stub, close } = stubWith(['pid-a:con-1', 'pid-a:con-2']);
    const seen: string[] = [];
    for await (const entry of stateIn(readAccess(stub), inCollection('org_A')).entries({
      path: ['consentByPatient', 'pid-a'],
    })) {
      seen.push(entry.attributes[1] ?? '');
      expect(entry.collection).toBe('org_A');
    }
    expect(seen).toEqual(['con-1', 'con-2']);
    expect(close()).toBe(0);
  });

  it('closes an iterator left early', async () => {
    const { stub, close } = stubWith(['pid-a:con-1', 'pid-a:con-2']);
    for await (const entry of stateIn(readAccess(stub), inCollection('org_A')).entries({
      path: ['consentByPatient', 'pid-a'],
    })) {
      expect(entry.attributes[1]).toBe('con-1');
      break;
    }
    expect(close()).toBe(1);
  });
});

describe('spaces', () => {
  const ledger = createInMemoryLedger({ collections: collectionConfig(['GovMSP', 'HospMSP']) });
  const simulation = ledger.simulate({
    txId: 't',
    timestamp: '2026-11-22T00:00:00.000Z',
    creator: { mspid: 'HospMSP', idBytes: Buffer.alloc(0) },
    args: [],
  });
  const writer = { stub: simulation.stub, saltBytes: Uint8Array.of(1, 2, 3) };

  it('refuses a key type in the wrong kind of space (a programming error)', async () => {
    await expect(publicState(simulation.stub).read(['consent', 'con-1'])).rejects.toThrow(
      /key type con lives in private state, not public/,
    );
    await expect(
      stateIn(writer, inCollection('org_HospMSP')).read(['organization', 'HospMSP']),
    ).rejects.toThrow(/lives in public state/);
    await expect(publicState(simulation.stub).purge(['organization', 'HospMSP'])).rejects.toThrow(
      /no purge/,
    );
    await expect(
      stateIn(readAccess(simulation.stub), inCollection('org_HospMSP')).index(['nonce', 'n']),
    ).rejects.toThrow(/transaction salt/);
  });

  it("writes index entries as 0x00 in public state and as the transaction's salt in a collection", async () => {
    await stateIn(writer, inCollection('org_HospMSP')).index(['nonce', 'n1']);
    await publicState(simulation.stub).write({
      key: ['batch', 'b1'],
      value: {
        batchId: 'b1',
        root: '00',
        size: 1,
        owner: 'HospMSP',
        anchoredBy: 'h',
        timestamp: 't',
        txId: 't',
      },
    });
    expect(simulation.privateWrites().map((write) => write.value)).toEqual([
      Buffer.from([1, 2, 3]),
    ]);
    expect(simulation.writes()).toHaveLength(1);
  });
});
